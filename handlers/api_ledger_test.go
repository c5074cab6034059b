package handlers

import (
	"bytes"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"ruralkpi/models"
	"ruralkpi/store"
)

// ledgerTestFile builds a small ledger with excelize from header and rows.
func ledgerTestFile(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "网点台账"); err != nil {
		t.Fatal(err)
	}
	header := []any{"网点编码", "网点名称", "乡（镇、街道）", "行政村（社区）", "开办日期", "运营状态", "状态变更日期", "是否客货邮融合", "是否县村直通", "上月收入（元）", "上月业务量（件）", "运营主体"}
	if err := f.SetSheetRow("网点台账", "A1", &header); err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow("网点台账", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestLedgerAPI(t *testing.T) {
	app, s := returnsApp(t) // June 2024 is open on its clock
	if err := s.Store.ReplaceAdminVillages("530302", []models.AdminVillage{{Township: "越州镇", Name: "潇湘村"}}, "test", models.Actor{Username: "test"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	post := func(fields map[string]string, file []byte) (int, map[string]any) {
		return postLedgerAPI(t, app, fields, file)
	}
	good := ledgerTestFile(t, [][]any{{"P001", "潇湘村快递服务站", "越州镇", "潇湘村", "2023-08-15", "运营中", nil, "是", "否", 12000, 3000, "中国邮政"}})
	bad := ledgerTestFile(t, [][]any{{"P001", "潇湘村快递服务站", "越州镇", "萧湘村", "2023-08-15", "运营中", nil, "是", "否", -1, 3000, "中国邮政"}})
	unit := map[string]string{"county": "530302", "period": "2024-06"}
	tests := []struct {
		name   string
		fields map[string]string
		file   []byte
		status int
		check  func(t *testing.T, out map[string]any)
	}{
		{"unknown county", map[string]string{"county": "999999", "period": "2024-06"}, good, 422, nil},
		{"no file", unit, nil, 422, nil},
		{"problems with cells, nothing stored", unit, bad, 422, func(t *testing.T, out map[string]any) {
			errs, _ := out["errors"].([]any)
			if len(errs) != 2 || out["stored"] != false {
				t.Errorf("got %v", out)
			}
		}},
		{"dry run", map[string]string{"county": "530302", "period": "2024-06", "dry_run": "1"}, good, 200, func(t *testing.T, out map[string]any) {
			if out["stored"] != false || out["indicators"].(map[string]any)["points_income_10k"] != 1.0 {
				t.Errorf("got %v", out)
			}
		}},
		{"stored", unit, good, 201, func(t *testing.T, out map[string]any) {
			if snap, _ := out["snapshot"].(map[string]any); snap == nil || snap["version"] != 1.0 {
				t.Errorf("got %v", out)
			}
		}},
		{"same file again", unit, good, 409, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, out := post(tc.fields, tc.file)
			if status != tc.status {
				t.Fatalf("status %d, want %d: %v", status, tc.status, out)
			}
			if tc.check != nil {
				tc.check(t, out)
			}
		})
	}
	t.Run("template carries the stored points", func(t *testing.T) {
		status, body := get(t, app, "/api/v1/ledger/template?county=530302")
		if status != 200 {
			t.Fatalf("status %d: %s", status, body)
		}
		f, err := excelize.OpenReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if v, _ := f.GetCellValue("网点台账", "A2"); v != "P001" {
			t.Errorf("A2 = %q", v)
		}
		if status, _ := get(t, app, "/api/v1/ledger/template?county=1"); status != 422 {
			t.Errorf("unknown county: %d", status)
		}
	})
}

func TestLedgerPages(t *testing.T) {
	app, s := newTestApp(t, false)
	if status, body := get(t, app, "/ledger/530302"); status != 200 || !bytes.Contains(body, []byte("尚未上传网点台账")) {
		t.Fatalf("empty ledger page: %d", status)
	}
	pts := []models.LedgerPoint{
		{Code: "P001", Name: "潇湘村快递服务站", Township: "越州镇", Village: "潇湘村", Status: models.LedgerOperating, Income: 12000, Fused: true},
		{Code: "P002", Name: "大冲服务点", Township: "茨营镇", Village: "大冲村", Status: models.LedgerClosed, Income: 0},
	}
	figures := `{"service_points":1,"points_income_10k":1}`
	if _, err := s.Store.SaveLedgerSnapshot(store.NewLedgerSnapshot{UnitCode: "530302", Period: "2024-06", Points: pts, Indicators: figures}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Store.SaveLedgerSnapshot(store.NewLedgerSnapshot{UnitCode: "530302", Period: "2024-05", Points: pts[:1]}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Store.SaveVersion(models.NewVersion{UnitCode: "530302", Period: "2024-06", Source: models.SourceUpload,
		Values: []models.ReturnValue{{Indicator: "service_points", Value: 3}}}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		url      string
		status   int
		has, not []string
	}{
		{"/ledger/530302", 200, []string{"P001", "P002", "不一致", "共 2 个", "新增 1 个"}, nil},
		{"/ledger/530302?township=%E8%B6%8A%E5%B7%9E%E9%95%87", 200, []string{"P001"}, []string{"大冲服务点"}},
		{"/ledger/530302?status=closed", 200, []string{"P002"}, []string{"潇湘村快递服务站"}},
		{"/ledger/530302?q=%E5%A4%A7%E5%86%B2", 200, []string{"大冲服务点"}, []string{"潇湘村快递服务站"}},
		{"/ledger/530302/points/P002", 200, []string{"已裁撤", "2024-06"}, nil},
		{"/ledger/530302/points/NOPE", 404, nil, nil},
		{"/ledger/999", 404, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.url, func(t *testing.T) {
			status, body := get(t, app, tc.url)
			if status != tc.status {
				t.Fatalf("status %d", status)
			}
			for _, h := range tc.has {
				if !bytes.Contains(body, []byte(h)) {
					t.Errorf("page lacks %q", h)
				}
			}
			for _, h := range tc.not {
				if bytes.Contains(body, []byte(h)) {
					t.Errorf("page has %q", h)
				}
			}
		})
	}
}
