package returns

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"flag"
	"fmt"
	"hash/crc32"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"ruralkpi/internal/testkit"
	"ruralkpi/models"
)

var update = flag.Bool("update", false, "rewrite the fixtures in testdata/ (LibreOffice ones too when soffice is installed)")

// TestWriteFixtures regenerates testdata/ with -update. The committed files are what the other tests
// read, so that a fixture saved by LibreOffice stays exactly as LibreOffice wrote it.
func TestWriteFixtures(t *testing.T) {
	if !*update {
		t.Skip("run with -update to rewrite the fixtures")
	}
	p := testkit.Plan(t)
	write := func(name string, b []byte) {
		t.Helper()
		if err := os.WriteFile(filepath.Join("testdata", name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	good := filledTemplate(t, p, testPeriod, goodFilling())
	write("ok_template.xlsx", good)
	write("ok_messy.xlsx", messyWorkbook(t))
	write("ok_wps_like.xlsx", wpsLikeWorkbook(t))

	// Refusals.
	write("bad_csv.csv", []byte("指标代码,填报数\nservice_points,118\n"))
	write("bad_html.xls", []byte("<html><body><table><tr><td>service_points</td><td>118</td></tr></table></body></html>"))
	write("bad_pdf.pdf", []byte("%PDF-1.4\n%âãÏÓ\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"))
	write("bad_png.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"))
	write("bad_plain.zip", testkit.Zip(t, map[string][]byte{"月报.xlsx.txt": []byte("not a workbook")}))
	write("bad_docx.docx", testkit.Zip(t, map[string][]byte{"[Content_Types].xml": []byte(`<Types><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`)}))
	write("bad_xlsm.xlsm", macroWorkbook(t, good))
	write("bad_encrypted.xlsx", encryptedWorkbook(t, good))
	write("bad_zipbomb.xlsx", zipBomb(t, 40<<20))
	write("bad_zipbomb_lying.xlsx", lyingZipBomb(t))
	write("bad_corrupt.xlsx", good[:len(good)/2])
	write("bad_too_many_rows.xlsx", tooManyRows(t, p))
	write("bad_missing_sheet.xlsx", editTemplate(t, p, testPeriod, func(f *excelize.File) {
		must(t, f.DeleteSheet(SheetMilestones))
		must(t, f.SetSheetName(SheetMonthly, "Sheet1"))
	}))
	write("bad_missing_header.xlsx", editTemplate(t, p, testPeriod, func(f *excelize.File) {
		must(t, f.SetCellStr(SheetMonthly, "H4", "本月数"))
		must(t, f.SetCellStr(SheetMilestones, "A4", "代码"))
	}))
	write("bad_header_edited.xlsx", editTemplate(t, p, testPeriod, func(f *excelize.File) {
		must(t, f.SetCellStr(SheetMonthly, "D2", "530303"))
	}))
	write("bad_period_future.xlsx", filledTemplate(t, p, "2024-08", goodFilling()))
	write("bad_period_outside.xlsx", editTemplate(t, p, testPeriod, func(f *excelize.File) {
		must(t, f.SetCellStr(SheetMonthly, "F2", "2026-03"))
		must(t, f.SetCellStr(sheetMeta, "B2", "2026-03"))
	}))
	write("bad_old_version.xlsx", editTemplate(t, p, testPeriod, func(f *excelize.File) {
		must(t, f.SetCellStr(SheetMonthly, "H2", "RK-YB-0"))
	}))
	write("bad_values.xlsx", badValues(t, p))
	write("bad_milestones.xlsx", filledTemplate(t, p, testPeriod, filling{values: map[string]any{"service_points": 118},
		milestones: map[string][3]any{"joint_distribution": {"已完成", "", ""}, "third_party_company": {"快完成了", "", ""}}}))
	write("bad_milestone_date.xlsx", filledTemplate(t, p, testPeriod, filling{values: map[string]any{"service_points": 118},
		milestones: map[string][3]any{"joint_distribution": {"已完成", "2024-07-02", ""}, "third_party_company": {"已完成", "2024年13月1日", ""}}}))
	write("bad_empty.xlsx", filledTemplate(t, p, testPeriod, filling{}))
	libreOffice(t)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// editTemplate fills a template with the good figures, then lets edit spoil it.
func editTemplate(t *testing.T, p *models.Plan, period string, edit func(*excelize.File)) []byte {
	t.Helper()
	f := makeTemplate(t, testTemplateInput(p, period))
	defer f.Close()
	fill(t, f, goodFilling())
	edit(f)
	return fileBytes(t, f)
}

// messyWorkbook is a return typed the way clerks do: extra sheets, moved header cells and columns,
// blank and re-ordered rows, numbers as text with full-width digits, separators, spaces and units.
func messyWorkbook(t *testing.T) []byte {
	f := excelize.NewFile()
	defer f.Close()
	must(t, f.SetSheetName("Sheet1", "封面"))
	must(t, f.SetCellStr("封面", "A1", "麒麟区 6 月报送"))
	for _, s := range []string{SheetMonthly, "我的草稿", SheetMilestones} {
		_, err := f.NewSheet(s)
		must(t, err)
	}
	set := func(sheet, cell string, v any) { must(t, f.SetCellValue(sheet, cell, v)) }
	set(SheetMonthly, "A1", "月报")
	set(SheetMonthly, "C3", labelUnitCode)
	set(SheetMonthly, "E3", " 530302 ")
	set(SheetMonthly, "G3", labelPeriod)
	set(SheetMonthly, "H3", "2024年6月")
	set(SheetMonthly, "J3", labelVersion)
	set(SheetMonthly, "K3", TemplateVersion)
	for i, h := range []string{headerNote, headerCode, headerName, headerValuePrefix + "（截至本月）"} {
		set(SheetMonthly, cellName(i, 6), h)
	}
	rows := [][]any{
		{"", "outbound_parcels", "快递出口业务量", "612.5万件"},
		{},
		{"", " Service_Points ", "网点", "１１８"},
		{"已核对", "express_revenue", "收入", "\u00a01.32 "},
		{},
		{},
		{"", "covered_villages", "", "95"},
		{"", "mfg_factories", "", "1,007"},
		{"", "ev_replacement", "", 8},
		{"", "hub_parks", "", ""},
		{"", "agri_online_sales", "", "０．８７"},
	}
	for i, r := range rows {
		if len(r) > 0 {
			must(t, f.SetSheetRow(SheetMonthly, cellName(0, 7+i), &r))
		}
	}
	set(SheetMilestones, "A2", headerCode)
	set(SheetMilestones, "B2", headerState)
	set(SheetMilestones, "C2", headerDoneOn)
	set(SheetMilestones, "A3", "third_party_company")
	set(SheetMilestones, "B3", " 建设中 ")
	set(SheetMilestones, "A5", "joint_distribution")
	set(SheetMilestones, "B5", "已完成")
	set(SheetMilestones, "C5", time.Date(2023, 11, 20, 0, 0, 0, 0, time.UTC))
	set("我的草稿", "A1", "草稿：service_points 118？")
	return fileBytes(t, f)
}

// messyWant is what messyWorkbook must read as.
var messyWant = map[string]float64{"outbound_parcels": 612.5, "service_points": 118, "express_revenue": 1.32,
	"covered_villages": 95, "mfg_factories": 1007, "ev_replacement": 8, "agri_online_sales": 0.87}

// wpsLikeWorkbook is a hand-written minimal workbook the way other writers produce them: no styles,
// no shared strings, inline strings, cells and rows without addresses, numbers stored as text.
func wpsLikeWorkbook(t *testing.T) []byte {
	const ns = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	str := func(s string) string {
		if s == "" {
			return "<c/>"
		}
		return `<c t="inlineStr"><is><t xml:space="preserve">` + s + `</t></is></c>`
	}
	num := func(s string) string { return "<c><v>" + s + "</v></c>" }
	row := func(cells ...string) string { return "<row>" + strings.Join(cells, "") + "</row>" }
	sheet := func(rows ...string) []byte {
		return []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet ` + ns + `><sheetData>` + strings.Join(rows, "") + `</sheetData></worksheet>`)
	}
	monthly := sheet(
		row(str("月报")),
		row(str(labelUnitName), str("麒麟区"), str(labelUnitCode), num("530302"), str(labelPeriod), str("2024-06"), str(labelVersion), str(TemplateVersion)),
		row(),
		row(str(headerCode), str(headerName), str(headerUnit), str(headerBasis), str(headerCityTarget), str(headerAllocation), str(headerPrevious), str(headerValuePrefix+"（截至本月）"), str(headerNote)),
		row(str("service_points"), str("网点"), str("个"), str(""), num("3000"), num("150"), num("112"), str("118"), str("")),
		row(str("outbound_parcels"), str("出口量"), str("万件"), str(""), str(""), str(""), num("500"), num("612.5"), str("补报上月漏报")),
		row(str("express_revenue"), str("收入"), str("亿元"), str(""), str(""), str(""), str(""), str("1.32"), str("")),
	)
	milestones := sheet(
		row(str(headerCode), str(headerMilestone), str(headerDueYear), str(headerPrevState), str(headerState), str(headerDoneOn), str(headerNote)),
		row(str("joint_distribution"), str("统仓共配"), num("2023"), str("已完成"), str("已完成"), num("45250"), str("")),
	)
	rel := func(id, typ, target string) string {
		return `<Relationship Id="` + id + `" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/` + typ + `" Target="` + target + `"/>`
	}
	parts := map[string][]byte{
		"[Content_Types].xml": []byte(`<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
			`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
			`<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`),
		"_rels/.rels": []byte(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`),
		"xl/workbook.xml": []byte(`<?xml version="1.0" encoding="UTF-8"?><workbook ` + ns + ` xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>` +
			`<sheet name="` + SheetMonthly + `" sheetId="1" r:id="rId1"/><sheet name="` + SheetMilestones + `" sheetId="2" r:id="rId2"/></sheets></workbook>`),
		"xl/_rels/workbook.xml.rels": []byte(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			rel("rId1", "worksheet", "worksheets/sheet1.xml") + rel("rId2", "worksheet", "worksheets/sheet2.xml") + `</Relationships>`),
		"xl/worksheets/sheet1.xml": monthly,
		"xl/worksheets/sheet2.xml": milestones,
	}
	return testkit.Zip(t, parts)
}

// macroWorkbook is the good return saved as a macro-enabled workbook.
func macroWorkbook(t *testing.T, good []byte) []byte {
	parts := testkit.Unzip(t, good)
	parts["[Content_Types].xml"] = bytes.Replace(parts["[Content_Types].xml"],
		[]byte("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
		[]byte("application/vnd.ms-excel.sheet.macroEnabled.main+xml"), 1)
	parts["xl/vbaProject.bin"] = []byte("\xd0\xcf\x11\xe0 not really VBA")
	return testkit.Zip(t, parts)
}

// encryptedWorkbook is the good return saved with an opening password.
func encryptedWorkbook(t *testing.T, good []byte) []byte {
	f, err := excelize.OpenReader(bytes.NewReader(good))
	must(t, err)
	defer f.Close()
	var buf bytes.Buffer
	_, err = f.WriteTo(&buf, excelize.Options{Password: "1234"})
	must(t, err)
	return buf.Bytes()
}

// spreadsheetParts are the smallest parts that make a zip look like a workbook.
func spreadsheetParts() map[string][]byte {
	return map[string][]byte{"[Content_Types].xml": []byte(`<Types><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>`)}
}

// zipBomb is a workbook whose sheet honestly declares n bytes of blanks.
func zipBomb(t *testing.T, n int) []byte {
	parts := spreadsheetParts()
	parts["xl/worksheets/sheet1.xml"] = bytes.Repeat([]byte(" "), n)
	return testkit.Zip(t, parts)
}

// lyingZipBomb is the good return whose monthly sheet declares 2 KB but inflates to 30 MB.
func lyingZipBomb(t *testing.T) []byte {
	parts := testkit.Unzip(t, filledTemplate(t, testkit.Plan(t), testPeriod, goodFilling()))
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range slices.Sorted(maps.Keys(parts)) {
		if n != "xl/worksheets/sheet2.xml" {
			w, err := zw.Create(n)
			must(t, err)
			_, err = w.Write(parts[n])
			must(t, err)
			continue
		}
		huge := append(bytes.Repeat([]byte(" "), 30<<20), parts[n]...)
		var deflated bytes.Buffer
		fw, err := flate.NewWriter(&deflated, flate.BestCompression)
		must(t, err)
		_, err = fw.Write(huge)
		must(t, err)
		must(t, fw.Close())
		w, err := zw.CreateRaw(&zip.FileHeader{Name: n, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(huge),
			CompressedSize64: uint64(deflated.Len()), UncompressedSize64: 2048})
		must(t, err)
		_, err = w.Write(deflated.Bytes())
		must(t, err)
	}
	must(t, zw.Close())
	return buf.Bytes()
}

// tooManyRows is the good return with 1,200 rows pasted below it.
func tooManyRows(t *testing.T, p *models.Plan) []byte {
	return editTemplate(t, p, testPeriod, func(f *excelize.File) {
		for i := 0; i < 1200; i++ {
			row := []any{fmt.Sprintf("x%d", i), "粘贴的数据", i}
			must(t, f.SetSheetRow(SheetMonthly, cellName(0, 30+i), &row))
		}
	})
}

// badValues has one of each figure the rules refuse.
func badValues(t *testing.T, p *models.Plan) []byte {
	vals := map[string]any{}
	for k, v := range goodValues {
		vals[k] = v
	}
	vals["service_points"] = -5
	vals["covered_villages"] = 80
	vals["ev_replacement"] = 8.5
	vals["outbound_parcels"] = "很多"
	vals["express_revenue"] = "12%"
	vals["hub_parks"] = "#DIV/0!"
	vals["mfg_factories"] = "10000000000000"
	f := makeTemplate(t, testTemplateInput(p, testPeriod))
	defer f.Close()
	fill(t, f, filling{values: vals})
	extra := [][]any{
		{"parcels_total", "", "", "", "", "", "", 5},
		{"mfg_parks", "", "", "", "", "", "", 3},
		{"cost_reduction", "", "", "", "", "", "", 12},
		{"village_coverage", "", "", "", "", "", "", 50},
		{"", "", "", "", "", "", "", 7},
	}
	for i, r := range extra {
		must(t, f.SetSheetRow(SheetMonthly, cellName(0, 24+i), &r))
	}
	return fileBytes(t, f)
}

// libreOffice re-saves fixtures with LibreOffice, when it is installed, and makes the .xls and .ods.
func libreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Log("soffice not installed: LibreOffice fixtures kept as committed")
		return
	}
	convert := func(src, format, dst string) {
		out := t.TempDir()
		cmd := exec.Command(soffice, "-env:UserInstallation=file://"+t.TempDir(), "--headless", "--convert-to", format, "--outdir", out, filepath.Join("testdata", src))
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("soffice %s: %v\n%s", src, err, b)
		}
		ext := strings.SplitN(format, ":", 2)[0]
		b, err := os.ReadFile(filepath.Join(out, strings.TrimSuffix(src, filepath.Ext(src))+"."+ext))
		must(t, err)
		must(t, os.WriteFile(filepath.Join("testdata", dst), b, 0o644))
	}
	convert("ok_template.xlsx", "xlsx:Calc MS Excel 2007 XML", "ok_libreoffice.xlsx")
	convert("ok_messy.xlsx", "xlsx:Calc MS Excel 2007 XML", "ok_messy_libreoffice.xlsx")
	convert("ok_template.xlsx", "xls:MS Excel 97", "bad_xls.xls")
	convert("ok_template.xlsx", "ods", "bad_ods.ods")
}
