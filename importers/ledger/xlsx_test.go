package ledger

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ruralkpi/importers/xlsx"
	"ruralkpi/internal/testkit"
	"ruralkpi/models"
)

// ledgerRawRows reads every row of the ledger sheet into strings keyed by cell reference.
func ledgerRawRows(t *testing.T, data []byte, limits xlsx.Limits) (map[string]string, error) {
	t.Helper()
	wb, err := xlsx.Open(bytes.NewReader(data), int64(len(data)), limits)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	err = wb.ReadRows(wb.SheetNames()[0], nil, func(r xlsx.Row) error {
		for _, c := range r.Cells {
			out[fmt.Sprintf("%s%d", xlsx.ColumnName(c.Col), r.Number)] = string(c.Value)
		}
		return nil
	})
	return out, err
}

// TestLedgerReaderMatchesExcelize reads the same generated ledgers with our reader and with
// excelize (raw values) and wants every cell identical, in both string layouts.
func TestLedgerReaderMatchesExcelize(t *testing.T) {
	villages := ledgerGenVillages(60, 3)
	for _, layout := range []string{"shared", "inline-ours", "inline-excelize"} {
		t.Run(layout, func(t *testing.T) {
			var buf bytes.Buffer
			g := newLedgerGen(villages, 4)
			var err error
			switch layout {
			case "shared":
				err = writeLedgerGenXLSX(&buf, ledgerGenHeader(), 300, g.row, true)
			case "inline-ours":
				err = writeLedgerGenXLSX(&buf, ledgerGenHeader(), 300, g.row, false)
			default:
				err = writeLedgerGenExcelize(&buf, ledgerGenHeader(), 300, g.row)
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := ledgerRawRows(t, buf.Bytes(), xlsx.DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rows, err := f.GetRows(SheetName, excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]string{}
			for r, row := range rows {
				for c, v := range row {
					if v != "" {
						want[fmt.Sprintf("%s%d", xlsx.ColumnName(c), r+1)] = v
					}
				}
			}
			if len(want) < 300*11 {
				t.Fatalf("excelize read only %d cells", len(want))
			}
			for k, v := range want {
				if got[k] != v {
					t.Errorf("%s: got %q, excelize %q", k, got[k], v)
				}
			}
			if len(got) != len(want) {
				t.Errorf("got %d cells, excelize %d", len(got), len(want))
			}
		})
	}
}

// ledgerTestBook builds a workbook around hand-written sheet XML (and optional shared strings).
func ledgerTestBook(t testing.TB, sheetXML, sstXML string) []byte {
	t.Helper()
	parts := map[string]string{"xl/worksheets/data.xml": sheetXML}
	if sstXML != "" {
		parts["xl/strings.xml"] = sstXML
	}
	return ledgerTestBookWith(t, parts)
}

// ledgerTestBookWith is ledgerTestBook with any part replaced or added (by its name in the archive).
func ledgerTestBookWith(t testing.TB, over map[string]string) []byte {
	t.Helper()
	parts := map[string][]byte{
		"_rels/.rels":                []byte(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`),
		"xl/workbook.xml":            []byte(`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="网点台账" sheetId="1" r:id="rId7"/></sheets></workbook>`),
		"xl/_rels/workbook.xml.rels": []byte(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/data.xml"/><Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="strings.xml"/></Relationships>`),
		"xl/worksheets/data.xml":     []byte(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>`),
	}
	for name, body := range over {
		parts[name] = []byte(body)
	}
	return testkit.Zip(t, parts)
}

func TestLedgerReaderCells(t *testing.T) {
	const ns = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	sst := `<?xml version="1.0"?><sst ` + ns + ` count="3" uniqueCount="3">` +
		`<si><t>甲&amp;乙</t></si>` +
		`<si><r><rPr><b/></rPr><t xml:space="preserve">富 </t></r><r><t>文本</t></r><rPh sb="0" eb="1"><t>フリ</t></rPh></si>` +
		`<si><t>行1_x000D_行2</t></si></sst>`
	tests := []struct {
		name  string
		sheet string
		want  map[string]string
	}{
		{"shared strings, rich text, phonetic runs and _x escapes",
			`<worksheet ` + ns + `><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row></sheetData></worksheet>`,
			map[string]string{"A1": "甲&乙", "B1": "富 文本", "C1": "行1\r行2"}},
		{"inline strings with entities, character references and CDATA",
			`<worksheet ` + ns + `><sheetData><row r="2"><c r="A2" t="inlineStr"><is><t>&lt;a&gt; &#20013;&#x6587; &quot;q&quot;</t></is></c><c r="B2" t="inlineStr"><is><t><![CDATA[<raw & text>]]></t></is></c></row></sheetData></worksheet>`,
			map[string]string{"A2": "<a> 中文 \"q\"", "B2": "<raw & text>"}},
		{"numbers, numbers as text, booleans, formulas, errors, ISO dates",
			`<worksheet ` + ns + `><sheetData><row r="3"><c r="A3" s="1"><v>45123</v></c><c r="B3" t="s"><v>0</v></c><c r="C3" t="str"><f>TEXT(1,"0")</f><v>00123</v></c><c r="D3" t="b"><v>1</v></c><c r="E3" t="e"><v>#N/A</v></c><c r="F3" t="d"><v>2024-05-01T00:00:00Z</v></c><c r="G3"><f>1+1</f></c></row></sheetData></worksheet>`,
			map[string]string{"A3": "45123", "B3": "甲&乙", "C3": "00123", "D3": "1", "E3": "#N/A", "F3": "2024-05-01T00:00:00Z"}},
		{"missing r attributes, self-closing rows, prefixes, comments",
			`<?xml version="1.0"?><!-- written by hand --><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData><x:row r="4"><x:c t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c><x:c><x:v>2</x:v></x:c><x:c r="E4"><x:v>5</x:v></x:c><x:c><x:v>6</x:v></x:c></x:row><x:row r="5"/><x:row><x:c><x:v>7</x:v></x:c></x:row></x:sheetData></x:worksheet>`,
			map[string]string{"A4": "a", "B4": "2", "E4": "5", "F4": "6", "A6": "7"}},
		{"attribute values holding '>' and single quotes",
			`<worksheet ` + ns + `><sheetData><row r='1' x="a>b"><c r='A1' t='inlineStr' y="1>0"><is><t>ok</t></is></c></row></sheetData></worksheet>`,
			map[string]string{"A1": "ok"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ledgerRawRows(t, ledgerTestBook(t, tc.sheet, sst), xlsx.DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("got  %v\nwant %v", got, tc.want)
			}
		})
	}
}

func TestLedgerReaderRefusals(t *testing.T) {
	const ns = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	small := xlsx.DefaultLimits()
	small.MaxRows = 3
	small.MaxTokenBytes = 4 << 10
	bomb := `<worksheet ` + ns + `><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>` + strings.Repeat("a", 3<<20) + `</t></is></c></row></sheetData></worksheet>`
	tests := []struct {
		name   string
		data   []byte
		limits xlsx.Limits
		code   string
		msg    string
	}{
		{"not a zip", []byte("PK not really"), xlsx.DefaultLimits(), models.EInvalid, "不是有效的 Excel"},
		{"too many rows", ledgerTestBook(t, `<worksheet `+ns+`><sheetData><row/><row/><row/><row/></sheetData></worksheet>`, ""), small, models.ETooLarge, "超过 2 行"},
		{"compression ratio of a zip bomb", ledgerTestBook(t, bomb, ""), xlsx.DefaultLimits(), models.ETooLarge, "解压后过大"},
		{"one huge cell", ledgerTestBook(t, `<worksheet `+ns+`><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>`+strings.Repeat("好", 5000)+`</t></is></c></row></sheetData></worksheet>`, ""), small, models.EInvalid, "过长"},
		{"shared string index out of range", ledgerTestBook(t, `<worksheet `+ns+`><sheetData><row r="1"><c r="A1" t="s"><v>9</v></c></row></sheetData></worksheet>`, `<sst `+ns+`><si><t>a</t></si></sst>`), xlsx.DefaultLimits(), models.EInvalid, "无法识别"},
		{"unterminated row", ledgerTestBook(t, `<worksheet `+ns+`><sheetData><row r="1"><c r="A1"><v>1</v></c>`, ""), xlsx.DefaultLimits(), models.EInvalid, "无法识别"},
		{"bad cell reference", ledgerTestBook(t, `<worksheet `+ns+`><sheetData><row r="1"><c r="1A"><v>1</v></c></row></sheetData></worksheet>`, ""), xlsx.DefaultLimits(), models.EInvalid, "无法识别"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ledgerRawRows(t, tc.data, tc.limits)
			var appErr *models.Error
			if !errors.As(err, &appErr) {
				t.Fatalf("want an application error, got %v", err)
			}
			if appErr.Code != tc.code || !strings.Contains(appErr.Message, tc.msg) {
				t.Errorf("got %s %q, want %s containing %q", appErr.Code, appErr.Message, tc.code, tc.msg)
			}
		})
	}
}
