// Package hostile writes the hostile workbooks the upload doors are tested against: files built to
// exhaust memory or time (huge shared-string tables, lying declarations, zip bombs, enormous sheets
// and tokens). They are generated at test time rather than committed, and only tests import this
// package.
package hostile

import (
	"archive/zip"
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
)

// Class is one kind of hostile workbook.
type Class struct {
	// Name is short and stable, for test names and reports.
	Name string
	// Write writes the workbook.
	Write func(w io.Writer) error
}

// Sheets are the names the attack sheet is listed under in every hostile workbook, one per door
// (monthly return, allocations, ledger, village list), all pointing at the same part: each door
// finds the sheet it looks for and reads the attack, rather than refusing a missing sheet.
var Sheets = []string{"月报", "任务分解", "网点台账", "行政村名录"}

// Classes lists every hostile class, each sized to stay under the upload size limits of the doors
// (a few MiB compressed) and under the 200:1 compression-ratio guard unless the class is the bomb.
func Classes() []Class {
	return []Class{
		{"shared-strings-distinct", func(w io.Writer) error { return SharedStrings(w, 256<<20) }},
		{"unique-count", UniqueCount},
		{"huge-sheet", func(w io.Writer) error { return HugeSheet(w, 260_000, 14) }},
		{"long-token", func(w io.Writer) error { return LongToken(w, 3<<20) }},
		{"deep-xml", func(w io.Writer) error { return DeepXML(w, 2_000_000) }},
		{"zip-bomb", func(w io.Writer) error { return ZipBomb(w, 1<<30) }},
		{"many-entries", func(w io.Writer) error { return ManyEntries(w, 60_000) }},
		{"dimension", Dimension},
	}
}

const ns = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`

// part is one zip entry: its name and a function writing its content.
type part struct {
	name  string
	write func(io.Writer) error
	store bool // stored, not deflated
}

func text(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

// book writes a minimal valid .xlsx around the given sheet and (optional) shared-string parts.
func book(w io.Writer, sheetXML, sst func(io.Writer) error, extra ...part) error {
	ct := `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
		`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`
	if sst != nil {
		ct += `<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`
	}
	ct += `</Types>`
	rels := `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>`
	if sst != nil {
		rels += `<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`
	}
	rels += `</Relationships>`
	parts := []part{
		{name: "[Content_Types].xml", write: text(ct)},
		{name: "_rels/.rels", write: text(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)},
		{name: "xl/workbook.xml", write: text(workbookXML())},
		{name: "xl/_rels/workbook.xml.rels", write: text(rels)},
		{name: "xl/worksheets/sheet1.xml", write: sheetXML},
	}
	if sst != nil {
		parts = append(parts, part{name: "xl/sharedStrings.xml", write: sst})
	}
	parts = append(parts, extra...)
	zw := zip.NewWriter(w)
	for _, p := range parts {
		method := zip.Deflate
		if p.store {
			method = zip.Store
		}
		pw, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: method})
		if err != nil {
			return fmt.Errorf("hostile: %s: %w", p.name, err)
		}
		bw := bufio.NewWriterSize(pw, 64<<10)
		if err := p.write(bw); err != nil {
			return fmt.Errorf("hostile: %s: %w", p.name, err)
		}
		if err := bw.Flush(); err != nil {
			return fmt.Errorf("hostile: %s: %w", p.name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("hostile: close: %w", err)
	}
	return nil
}

func workbookXML() string {
	s := `<?xml version="1.0" encoding="UTF-8"?><workbook ` + ns + ` xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>`
	for i, name := range Sheets {
		s += fmt.Sprintf(`<sheet name="%s" sheetId="%d" r:id="rId1"/>`, name, i+1)
	}
	return s + `</sheets></workbook>`
}

// smallSheet is a sheet of two rows of shared-string cells (indexes 0 and 1).
func smallSheet(w io.Writer) error {
	_, err := io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><worksheet `+ns+`><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row></sheetData></worksheet>`)
	return err
}

// SharedStrings writes a workbook whose shared-string table holds about total bytes of distinct
// entries. Each entry is a counter and 150 bytes of padding, which deflates at about 100:1: a
// 256 MiB table is about 2.5 MiB on the wire, under every ratio guard.
func SharedStrings(w io.Writer, total int) error {
	pad := strings.Repeat("填", 50)
	return book(w, smallSheet, func(w io.Writer) error {
		if _, err := io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><sst `+ns+`>`); err != nil {
			return err
		}
		var b []byte
		for n, i := 0, 0; n < total; i++ {
			b = append(b[:0], "<si><t>"...)
			b = strconv.AppendInt(b, int64(i)*7919, 36)
			b = append(b, pad...)
			b = append(b, "</t></si>"...)
			if _, err := w.Write(b); err != nil {
				return err
			}
			n += len(b)
		}
		_, err := io.WriteString(w, `</sst>`)
		return err
	})
}

// UniqueCount writes a 2 KB workbook whose shared-string table declares 16 million entries and
// holds two.
func UniqueCount(w io.Writer) error {
	return book(w, smallSheet, text(`<?xml version="1.0" encoding="UTF-8"?><sst `+ns+` count="16000000" uniqueCount="16000000"><si><t>网点编码</t></si><si><t>a</t></si></sst>`))
}

// HugeSheet writes a sheet of rows×cols numeric cells (distinct values, so it deflates like real data).
func HugeSheet(w io.Writer, rows, cols int) error {
	return book(w, func(w io.Writer) error {
		if _, err := io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><worksheet `+ns+`><sheetData>`); err != nil {
			return err
		}
		var b []byte
		x := uint64(1)
		for r := 1; r <= rows; r++ {
			b = append(b[:0], `<row r="`...)
			b = strconv.AppendInt(b, int64(r), 10)
			b = append(b, `">`...)
			for c := 0; c < cols; c++ {
				x = x*6364136223846793005 + 1442695040888963407
				b = append(b, `<c><v>`...)
				b = strconv.AppendUint(b, x>>44, 10)
				b = append(b, `</v></c>`...)
			}
			b = append(b, `</row>`...)
			if _, err := w.Write(b); err != nil {
				return err
			}
		}
		_, err := io.WriteString(w, `</sheetData></worksheet>`)
		return err
	}, nil)
}

// LongToken writes one inline-string cell of n bytes of varied text: a token far longer than any
// cell a clerk types.
func LongToken(w io.Writer, n int) error {
	return book(w, func(w io.Writer) error {
		if _, err := io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><worksheet `+ns+`><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>`); err != nil {
			return err
		}
		const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
		b := make([]byte, 0, 4096)
		x := uint64(7)
		for written := 0; written < n; written += len(b) {
			b = b[:0]
			for len(b) < cap(b) {
				x = x*6364136223846793005 + 1442695040888963407
				b = append(b, alphabet[(x>>33)%uint64(len(alphabet))])
			}
			if _, err := w.Write(b); err != nil {
				return err
			}
		}
		_, err := io.WriteString(w, `</t></is></c></row></sheetData></worksheet>`)
		return err
	}, nil)
}

// DeepXML writes a cell holding depth nested elements: a parser that keeps a stack grows with it.
func DeepXML(w io.Writer, depth int) error {
	return book(w, func(w io.Writer) error {
		if _, err := io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><worksheet `+ns+`><sheetData><row r="1"><c r="A1" t="inlineStr"><is>`); err != nil {
			return err
		}
		for _, tag := range []string{"<r>", "</r>"} {
			chunk := []byte(strings.Repeat(tag, 1024))
			for i := 0; i < depth; i += 1024 {
				if _, err := w.Write(chunk); err != nil {
					return err
				}
			}
		}
		_, err := io.WriteString(w, `</is></c></row></sheetData></worksheet>`)
		return err
	}, nil)
}

// ZipBomb writes a workbook with an extra part of n zero bytes (deflating about 1000:1).
func ZipBomb(w io.Writer, n int64) error {
	return book(w, smallSheet, UniqueCountSST, part{name: "xl/media/image1.bin", write: func(w io.Writer) error {
		_, err := io.CopyN(w, zeros{}, n)
		return err
	}})
}

// UniqueCountSST is a two-entry shared-string table (that honestly declares two).
func UniqueCountSST(w io.Writer) error {
	_, err := io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><sst `+ns+` count="2" uniqueCount="2"><si><t>网点编码</t></si><si><t>a</t></si></sst>`)
	return err
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// ManyEntries writes a workbook with n extra empty zip entries.
func ManyEntries(w io.Writer, n int) error {
	extra := make([]part, n)
	for i := range extra {
		extra[i] = part{name: "xl/x/" + strconv.Itoa(i) + ".xml", write: text(""), store: true}
	}
	return book(w, smallSheet, UniqueCountSST, extra...)
}

// Dimension writes a small sheet that declares the largest possible extent, A1:XFD1048576, with a
// cell at the far corner.
func Dimension(w io.Writer) error {
	return book(w, text(`<?xml version="1.0" encoding="UTF-8"?><worksheet `+ns+`><dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>`), UniqueCountSST)
}

// Bytes writes the class's workbook into memory.
func (c Class) Bytes() ([]byte, error) {
	var buf bytes.Buffer
	if err := c.Write(&buf); err != nil {
		return nil, fmt.Errorf("hostile: write %s: %w", c.Name, err)
	}
	return buf.Bytes(), nil
}

// Book writes a hostile workbook into memory for a test, which fails if the writer does:
// Book(t, Dimension), or with a size, Book(t, func(w io.Writer) error { return SharedStrings(w, 2<<20) }).
func Book(tb testing.TB, write func(io.Writer) error) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		tb.Fatalf("hostile: write a workbook: %v", err)
	}
	return buf.Bytes()
}

// Seeds are small members of every hostile class, as fuzz seeds: big enough to cross the fuzz
// targets' reduced limits, small enough to mutate quickly.
func Seeds() ([][]byte, error) {
	var out [][]byte
	for _, write := range []func(w io.Writer) error{
		func(w io.Writer) error { return SharedStrings(w, 512<<10) },
		func(w io.Writer) error { return UniqueCount(w) },
		func(w io.Writer) error { return HugeSheet(w, 600, 70) },
		func(w io.Writer) error { return LongToken(w, 200<<10) },
		func(w io.Writer) error { return DeepXML(w, 20_000) },
		func(w io.Writer) error { return ZipBomb(w, 16<<20) },
		func(w io.Writer) error { return ManyEntries(w, 400) },
		func(w io.Writer) error { return Dimension(w) },
	} {
		var buf bytes.Buffer
		if err := write(&buf); err != nil {
			return nil, fmt.Errorf("hostile: write seed: %w", err)
		}
		out = append(out, buf.Bytes())
	}
	return out, nil
}
