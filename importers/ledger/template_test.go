package ledger

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ruralkpi/importers/xlsx"
	"ruralkpi/internal/testkit"
	"ruralkpi/models"
)

// TestLedgerTemplateRoundTrip writes a pre-filled template and reads it back: the points must come
// back unchanged, with the drop-downs and the village sheet in place.
func TestLedgerTemplateRoundTrip(t *testing.T) {
	villages := []Village{{Township: "越州镇", Name: "潇湘村", Division: "530302101201"}, {Township: "越州镇", Name: "哨湾村"}}
	opened, _ := ParseDate([]byte("2023-08-15"), xlsx.CellSharedString)
	changed, _ := ParseDate([]byte("2024-03-01"), xlsx.CellSharedString)
	points := []models.LedgerPoint{
		{Code: "P001", Name: "潇湘村快递服务站", Township: "越州镇", Village: "潇湘村", Operator: "中国邮政", Income: 12500.5, Parcels: 3200,
			Row: 2, OpenedOn: opened, Status: models.LedgerOperating, Fused: true},
		// Text that looks like a formula is written escaped (models.SafeCell) and must read back as it was.
		{Code: "P002", Name: "-哨湾服务点（原+号点）", Township: "越州镇", Village: "哨湾村", Operator: "@村委会", Row: 3, OpenedOn: opened,
			ChangedOn: changed, Status: models.LedgerClosed, Direct: true, Lat: 25.5, Lon: 103.75, HasCoords: true},
	}
	var buf bytes.Buffer
	if err := WriteTemplate(&buf, "麒麟区", villages, points); err != nil {
		t.Fatal(err)
	}
	li, err := ParseBytes(buf.Bytes(), Check{AsOf: models.MustPeriod("2024-06"), Villages: NewVillageIndex(villages), Limits: xlsx.DefaultLimits()})
	if err != nil {
		t.Fatal(err)
	}
	if !li.OK() || len(li.Points) != 2 {
		t.Fatalf("problems %v, points %d", li.Problems, len(li.Points))
	}
	for i := range points {
		if li.Points[i] != points[i] {
			t.Errorf("point %d: got %+v, want %+v", i, li.Points[i], points[i])
		}
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dvs, err := f.GetDataValidations(SheetName)
	if err != nil {
		t.Fatal(err)
	}
	if len(dvs) != 8 {
		t.Errorf("%d data validations, want 8", len(dvs))
	}
	comments, err := f.GetComments(SheetName)
	if err != nil || len(comments) != len(Columns()) {
		t.Errorf("%d header notes, %v", len(comments), err)
	}
	if v, _ := f.GetCellValue(VillageSheet, "C2"); v != "530302101201" {
		t.Errorf("village sheet C2 = %q", v)
	}
	t.Run("empty template still has its header", func(t *testing.T) {
		var buf bytes.Buffer
		if err := WriteTemplate(&buf, "麒麟区", nil, nil); err != nil {
			t.Fatal(err)
		}
		li, err := ParseBytes(buf.Bytes(), Check{AsOf: models.MustPeriod("2024-06"), Limits: xlsx.DefaultLimits()})
		if err != nil {
			t.Fatal(err)
		}
		if len(li.Problems) != 1 || li.Problems[0].Cell != "A2" {
			t.Errorf("want only the no-data problem, got %v", li.Problems)
		}
	})
}

// TestLedgerTemplateDimension: each sheet declares the range it uses. Readers that trust the
// declaration (openpyxl in read-only mode) saw only column A of `<dimension ref="A1">`.
func TestLedgerTemplateDimension(t *testing.T) {
	points := []models.LedgerPoint{
		{Code: "P001", Name: "潇湘村快递服务站", Township: "越州镇", Village: "潇湘村", Status: models.LedgerOperating},
		{Code: "P002", Name: "石堡村快递服务站", Township: "越州镇", Village: "石堡村", Status: models.LedgerOperating, HasCoords: true, Lon: 103.8, Lat: 25.4},
	}
	villages := []Village{{Township: "越州镇", Name: "潇湘村"}, {Township: "越州镇", Name: "石堡村"}, {Township: "茨营镇", Name: "茨营村"}}
	var buf bytes.Buffer
	if err := WriteTemplate(&buf, "麒麟区", villages, points); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lastCol, _ := excelize.ColumnNumberToName(len(Columns()))
	want := map[string]string{SheetName: "A1:" + lastCol + "3", VillageSheet: "A1:C4"}
	for sheet, ref := range want {
		if got, err := f.GetSheetDimension(sheet); err != nil || got != ref {
			t.Errorf("%s: dimension %q, %v; want %q", sheet, got, err, ref)
		}
	}
	empty := bytes.Buffer{}
	if err := WriteTemplate(&empty, "麒麟区", nil, nil); err != nil {
		t.Fatal(err)
	}
	ef, err := excelize.OpenReader(bytes.NewReader(empty.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer ef.Close()
	if got, _ := ef.GetSheetDimension(SheetName); got != "A1:"+lastCol+"1" {
		t.Errorf("empty template: dimension %q", got)
	}

	// The reader that went wrong, where it is installed (CI installs python3-openpyxl).
	python := testkit.Openpyxl(t) // the XML above is checked either way
	path := filepath.Join(t.TempDir(), "ledger.xlsx")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	script := `import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
for ws in wb.worksheets:
    rows = list(ws.iter_rows(values_only=True))
    print(ws.title, ws.max_column, len(rows), rows[0][-1])`
	out, err := exec.Command(python, "-c", script, path).CombinedOutput()
	if err != nil {
		t.Fatalf("openpyxl: %v\n%s", err, out)
	}
	cols := Columns()
	for _, line := range []string{
		SheetName + " " + strconv.Itoa(len(cols)) + " 3 " + cols[len(cols)-1].Header,
		VillageSheet + " 3 4 统计用区划代码",
	} {
		if !strings.Contains(string(out), line) {
			t.Errorf("openpyxl read-only sees\n%s\nwant a line %q", out, line)
		}
	}
}
