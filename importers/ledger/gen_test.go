package ledger

import (
	"archive/zip"
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"ruralkpi/importers/xlsx"
	"ruralkpi/models"
)

// ledgerGenValue is one generated cell: a string or a number (dates are numbers, as Excel stores them).
type ledgerGenValue struct {
	Str   string
	Num   float64
	IsNum bool
	Empty bool
}

// ledgerGen makes a realistic, deterministic ledger: townships, villages from the reference list,
// Chinese names, dates as serial numbers, money with cents.
type ledgerGen struct {
	villages []Village
	rng      *rand.Rand
	unit     string
}

var ledgerGenSyllables = []rune("大小上下新老东西南北中河山石松柏桃李杨柳花果田坝营寨沟塘湾岭坡箐哨堡屯铺庄")

func ledgerGenName(rng *rand.Rand, n int) string {
	var b strings.Builder
	for range n {
		b.WriteRune(ledgerGenSyllables[rng.IntN(len(ledgerGenSyllables))])
	}
	return b.String()
}

// ledgerGenVillages makes a reference list: townships of about 12 villages each.
func ledgerGenVillages(n int, seed uint64) []Village {
	rng := rand.New(rand.NewPCG(seed, 7))
	seen := map[string]bool{}
	var out []Village
	town := ""
	for len(out) < n {
		if len(out)%12 == 0 {
			town = ledgerGenName(rng, 2) + "镇"
		}
		name := ledgerGenName(rng, 2+rng.IntN(2)) + "村"
		if seen[town+name] {
			continue
		}
		seen[town+name] = true
		out = append(out, Village{Township: town, Name: name, Division: fmt.Sprintf("530302%06d", len(out)+1)})
	}
	return out
}

func newLedgerGen(villages []Village, seed uint64) *ledgerGen {
	return &ledgerGen{villages: villages, rng: rand.New(rand.NewPCG(seed, 11)), unit: "530302"}
}

var ledgerGenOperators = []string{"中国邮政", "中通快递", "圆通速递", "韵达快递", "申通快递", "极兔速递", "供销社", "村委会"}

// row returns the 12 template columns of point i (coordinates left out, as most ledgers do).
func (g *ledgerGen) row(i int) []ledgerGenValue {
	v := g.villages[g.rng.IntN(len(g.villages))]
	opened := models.LedgerDateOf(time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)) + models.LedgerDate(g.rng.IntN(1700))
	status, changed := "运营中", ledgerGenValue{Empty: true}
	switch r := g.rng.IntN(20); {
	case r == 0:
		status = "已撤并"
		changed = ledgerGenValue{Num: float64(opened + models.LedgerDate(30+g.rng.IntN(90))), IsNum: true}
	case r == 1:
		status = "已裁撤"
		changed = ledgerGenValue{Num: float64(opened + models.LedgerDate(30+g.rng.IntN(90))), IsNum: true}
	}
	yesNo := func(p int) string {
		if g.rng.IntN(100) < p {
			return "是"
		}
		return "否"
	}
	s := func(x string) ledgerGenValue { return ledgerGenValue{Str: x} }
	n := func(x float64) ledgerGenValue { return ledgerGenValue{Num: x, IsNum: true} }
	return []ledgerGenValue{
		s(fmt.Sprintf("%s-P%06d", g.unit, i+1)),
		s(v.Name + ledgerGenName(g.rng, 2) + "快递服务站"),
		s(v.Township),
		s(v.Name),
		n(float64(opened)),
		s(status),
		changed,
		s(yesNo(60)),
		s(yesNo(70)),
		n(float64(g.rng.IntN(3_000_000)) / 100),
		n(float64(g.rng.IntN(20_000))),
		s(ledgerGenOperators[g.rng.IntN(len(ledgerGenOperators))]),
	}
}

// rowWithCoords is row with the optional coordinates filled in (Qujing lies about 103–104.5°E,
// 24.5–27°N), as in a ledger surveyed with GPS.
func (g *ledgerGen) rowWithCoords(i int) []ledgerGenValue {
	return append(g.row(i),
		ledgerGenValue{Num: 103 + float64(g.rng.IntN(1_500_000))/1e6, IsNum: true},
		ledgerGenValue{Num: 24.5 + float64(g.rng.IntN(2_500_000))/1e6, IsNum: true})
}

// ledgerGenHeaderCoords is every template column, coordinates included.
func ledgerGenHeaderCoords() []string {
	var out []string
	for _, c := range Columns() {
		out = append(out, c.Header)
	}
	return out
}

func ledgerGenHeader() []string {
	var out []string
	for _, c := range Columns()[:12] {
		out = append(out, c.Header)
	}
	return out
}

// writeLedgerGenXLSX writes a minimal but complete workbook by hand: shared strings in Excel's own
// layout (sst with count/uniqueCount, cells t="s") or inline strings (t="inlineStr").
func writeLedgerGenXLSX(w io.Writer, header []string, rows int, rowFn func(int) []ledgerGenValue, shared bool) error {
	zw := zip.NewWriter(w)
	add := func(name, body string) error {
		f, err := zw.Create(name)
		if err != nil {
			return err
		}
		_, err = io.WriteString(f, body)
		return err
	}
	ct := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>`
	if shared {
		ct += `<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`
	}
	ct += `</Types>`
	rels := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
	book := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="` + SheetName + `" sheetId="1" r:id="rId1"/></sheets></workbook>`
	bookRels := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`
	styles := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`
	for _, p := range [][2]string{{"[Content_Types].xml", ct}, {"_rels/.rels", rels}, {"xl/workbook.xml", book}, {"xl/_rels/workbook.xml.rels", bookRels}, {"xl/styles.xml", styles}} {
		if err := add(p[0], p[1]); err != nil {
			return err
		}
	}
	sf, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(sf, 64<<10)
	index := map[string]int{}
	var order []string
	refs := 0
	var esc strings.Builder
	escape := func(s string) string {
		if !strings.ContainsAny(s, "<>&\"") {
			return s
		}
		esc.Reset()
		_ = xmlEscapeTo(&esc, s)
		return esc.String()
	}
	cols := len(header)
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:%s%d"/><sheetData>`, xlsx.ColumnName(cols-1), rows+1)
	writeRow := func(r int, vals []ledgerGenValue) {
		fmt.Fprintf(bw, `<row r="%d" spans="1:%d">`, r, cols)
		for c, v := range vals {
			if v.Empty {
				continue
			}
			ref := xlsx.ColumnName(c) + strconv.Itoa(r)
			switch {
			case v.IsNum:
				style := ""
				if c == int(FieldOpenedOn) || c == int(FieldChangedOn) {
					style = ` s="1"`
				}
				fmt.Fprintf(bw, `<c r="%s"%s><v>%s</v></c>`, ref, style, strconv.FormatFloat(v.Num, 'f', -1, 64))
			case shared:
				i, ok := index[v.Str]
				if !ok {
					i = len(order)
					index[v.Str] = i
					order = append(order, v.Str)
				}
				refs++
				fmt.Fprintf(bw, `<c r="%s" t="s"><v>%d</v></c>`, ref, i)
			default:
				fmt.Fprintf(bw, `<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, ref, escape(v.Str))
			}
		}
		bw.WriteString(`</row>`)
	}
	hv := make([]ledgerGenValue, len(header))
	for i, h := range header {
		hv[i] = ledgerGenValue{Str: h}
	}
	writeRow(1, hv)
	for i := range rows {
		writeRow(i+2, rowFn(i))
	}
	bw.WriteString(`</sheetData></worksheet>`)
	if err := bw.Flush(); err != nil {
		return err
	}
	if shared {
		f, err := zw.Create("xl/sharedStrings.xml")
		if err != nil {
			return err
		}
		bw := bufio.NewWriterSize(f, 64<<10)
		fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, refs, len(order))
		for _, s := range order {
			fmt.Fprintf(bw, `<si><t>%s</t></si>`, escape(s))
		}
		bw.WriteString(`</sst>`)
		if err := bw.Flush(); err != nil {
			return err
		}
	}
	return zw.Close()
}

func xmlEscapeTo(b *strings.Builder, s string) error {
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&quot;")
		default:
			b.WriteRune(r)
		}
	}
	return nil
}

// writeLedgerGenExcelize writes the same ledger through excelize's StreamWriter, which stores
// strings inline (t="inlineStr"): a second, independent writer of the format.
func writeLedgerGenExcelize(w io.Writer, header []string, rows int, rowFn func(int) []ledgerGenValue) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetName); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(SheetName)
	if err != nil {
		return err
	}
	hv := make([]any, len(header))
	for i, h := range header {
		hv[i] = h
	}
	if err := sw.SetRow("A1", hv); err != nil {
		return err
	}
	vals := make([]any, len(header))
	for i := range rows {
		for c, v := range rowFn(i) {
			switch {
			case v.Empty:
				vals[c] = nil
			case v.IsNum:
				vals[c] = v.Num
			default:
				vals[c] = v.Str
			}
		}
		if err := sw.SetRow("A"+strconv.Itoa(i+2), vals); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

// ledgerGenFile returns the path of a generated ledger of n rows in the given layout ("shared" by
// our writer, "inline" by excelize), generating it once into the system temp folder: benchmarks
// reuse it across runs and the repository never holds it.
func ledgerGenFile(tb testing.TB, n int, layout string) (string, []Village) {
	tb.Helper()
	villages := ledgerGenVillages(1700, 1)
	p := filepath.Join(os.TempDir(), fmt.Sprintf("ruralkpi-ledger-%s-%d-v1.xlsx", layout, n))
	if _, err := os.Stat(p); err == nil {
		return p, villages
	}
	tmp := p + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		tb.Fatal(err)
	}
	g := newLedgerGen(villages, 2)
	switch layout {
	case "shared":
		err = writeLedgerGenXLSX(f, ledgerGenHeader(), n, g.row, true)
	case "shared-coords":
		err = writeLedgerGenXLSX(f, ledgerGenHeaderCoords(), n, g.rowWithCoords, true)
	case "inline":
		err = writeLedgerGenExcelize(f, ledgerGenHeader(), n, g.row)
	default:
		err = fmt.Errorf("unknown layout %q", layout)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.Rename(tmp, p); err != nil {
		tb.Fatal(err)
	}
	return p, villages
}
