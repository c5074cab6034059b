package ledger

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"

	"ruralkpi/importers/xlsx"
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
