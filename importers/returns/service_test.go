package returns

import (
	"strings"
	"sync"
	"testing"
	"time"

	"ruralkpi/importers"
	"ruralkpi/internal/testkit"
	"ruralkpi/internal/teststore"
	"ruralkpi/models"
	"ruralkpi/store"
)

// testStore is a fresh SQLite database holding the plan and 麒麟区's May 2024 return.
func testStore(tb testing.TB, p *models.Plan) *store.Store {
	tb.Helper()
	s, _ := teststore.Seeded(tb, p)
	may := testHistory()[3]
	var values []models.ReturnValue
	for code, v := range may.Values {
		values = append(values, models.ReturnValue{Indicator: code, Value: v})
	}
	if _, err := s.SaveVersion(models.NewVersion{UnitCode: testUnit, Period: "2024-05", Source: models.SourceDemo, Values: values,
		Milestones: []models.MilestoneReport{{Indicator: "joint_distribution", State: models.MilestoneDone, DoneOn: "2023-11-20"}}}); err != nil {
		tb.Fatal(err)
	}
	return s
}

// templateFromStore downloads the template the way the handlers do, and fills it in.
func templateFromStore(tb testing.TB, s *store.Store, p *models.Plan, fl filling) []byte {
	tb.Helper()
	in, err := TemplateFor(s, p, testUnit, testPeriod, "", testNow)
	if err != nil {
		tb.Fatal(err)
	}
	f := makeTemplate(tb, in)
	defer f.Close()
	fill(tb, f, fl)
	return fileBytes(tb, f)
}

func TestImportStoresAndRoundTrips(t *testing.T) {
	p := testkit.Plan(t)
	s := testStore(t, p)
	file := templateFromStore(t, s, p, goodFilling())
	req := ImportRequest{File: file, FileName: "麒麟区6月.xlsx", UploadedBy: "clerk", Now: testNow}

	dry := req
	dry.DryRun = true
	out, err := Import(s, p, importers.DefaultLimits(), dry)
	if err != nil || !out.OK() || out.Stored {
		t.Fatalf("dry run: %v stored=%v\n%s", err, out.Stored, problemsText(out.Problems))
	}
	if _, err := s.LatestVersion(testUnit, testPeriod); err != models.ErrNotFound {
		t.Fatalf("dry run stored something: %v", err)
	}
	if len(out.Changes) != len(goodValues)+2 || out.Changes[0].Kind != models.ReturnChangeAdded {
		t.Errorf("dry-run changes = %+v", out.Changes)
	}

	out, err = Import(s, p, importers.DefaultLimits(), req)
	if err != nil || !out.Stored {
		t.Fatalf("import: %v\n%s", err, problemsText(out.Problems))
	}
	stored, err := s.LatestVersion(testUnit, testPeriod)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Number != 1 || stored.UploadedBy != "clerk" || stored.FileHash != models.FileHash(file) || stored.Warnings != "[]" {
		t.Errorf("stored version = %+v", stored)
	}
	got := FiguresOf(stored)
	for code, want := range goodValues {
		if w := toFloat(want); got.Values[code] != w {
			t.Errorf("stored %s = %v, want %v", code, got.Values[code], w)
		}
	}
	if got.Milestones["third_party_company"] != models.MilestoneInProgress {
		t.Errorf("stored milestones = %v", got.Milestones)
	}

	// The very same file again: said so, nothing new.
	if _, err := Import(s, p, importers.DefaultLimits(), req); models.ErrorCode(err) != models.EConflict {
		t.Errorf("same file again: err = %v, want a conflict", err)
	}
	// A corrected file: version 2, and the preview shows what changed.
	fl := goodFilling()
	fl.values = map[string]any{"service_points": 119}
	fl.notes = map[string]string{"service_points": "更正：漏报 1 个"}
	second := req
	second.File = templateFromStore(t, s, p, fl)
	second.DryRun = true
	out, err = Import(s, p, importers.DefaultLimits(), second)
	if err != nil || out.Previous.Number != 1 {
		t.Fatalf("second dry run: %v previous=%d", err, out.Previous.Number)
	}
	kinds := map[string]string{}
	for _, c := range out.Changes {
		kinds[c.Indicator] = c.Kind
	}
	// The second template came pre-filled with version 1: figures the clerk did not touch stay.
	if kinds["service_points"] != models.ReturnChangeChanged || kinds["hub_parks"] != models.ReturnChangeSame || kinds["joint_distribution"] != models.ReturnChangeSame {
		t.Errorf("changes = %v", kinds)
	}
	second.DryRun = false
	out, err = Import(s, p, importers.DefaultLimits(), second)
	if err != nil || out.Version.Number != 2 {
		t.Fatalf("second import: %v version %d", err, out.Version.Number)
	}
	if !strings.Contains(out.Version.Warnings, "备注说明数据有更正") {
		t.Errorf("warnings stored = %s", out.Version.Warnings)
	}
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case int:
		return float64(x)
	case float64:
		return x
	}
	return 0
}

func TestImportRefusesAndStoresNothing(t *testing.T) {
	p := testkit.Plan(t)
	s := testStore(t, p)
	tests := []struct {
		name   string
		req    ImportRequest
		phrase string
	}{
		{"bad figures", ImportRequest{File: readFixture(t, "bad_values.xlsx")}, "不能为负数"},
		{"not a workbook", ImportRequest{File: readFixture(t, "bad_xls.xls")}, ".xls"},
		{"another county's user", ImportRequest{File: readFixture(t, "ok_template.xlsx"), ActingUnit: "530303"}, "与所选（或您所属）单位沾益区不符"},
		{"another month chosen", ImportRequest{File: readFixture(t, "ok_template.xlsx"), ExpectedPeriod: "2024-05"}, "与所选月份"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.req.Now = testNow
			out, err := Import(s, p, importers.DefaultLimits(), tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if out.OK() || out.Stored || !strings.Contains(problemsText(out.Problems), tc.phrase) {
				t.Errorf("stored=%v problems:\n%s", out.Stored, problemsText(out.Problems))
			}
			if _, err := s.LatestVersion(testUnit, testPeriod); err != models.ErrNotFound {
				t.Errorf("something was stored: %v", err)
			}
		})
	}
}

// TestConcurrentUploads sends two different files for the same unit and month at once: both land,
// as versions 1 and 2.
func TestConcurrentUploads(t *testing.T) {
	p := testkit.Plan(t)
	s := testStore(t, p)
	a := templateFromStore(t, s, p, goodFilling())
	fl := goodFilling()
	fl.values = map[string]any{"service_points": 120}
	b := templateFromStore(t, s, p, fl)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, file := range [][]byte{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := Import(s, p, importers.DefaultLimits(), ImportRequest{File: file, Now: testNow})
			if err == nil && !out.Stored {
				err = importers.Problems(out.Problems)
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	versions, err := s.ReturnHistory(testUnit, testPeriod)
	if err != nil {
		t.Fatal(err)
	}
	if len(versions) != 2 || versions[0].Number != 1 || versions[1].Number != 2 {
		t.Fatalf("versions = %+v", versions)
	}
}

func TestOfficeDraft(t *testing.T) {
	p := testkit.Plan(t)
	s := testStore(t, p)
	d := Draft{UnitCode: p.Root.Code, Period: testPeriod, Version: TemplateVersion, HasMonthly: true,
		Rows:       []DraftRow{{Code: "cost_reduction", Value: "12.5", ValueCell: "cost_reduction"}, {Code: "firms_10m", Value: "4", ValueCell: "firms_10m"}},
		Milestones: []DraftMilestone{{Code: "trunk_zhejiang", State: "已完成", DoneOn: "2023-12-01"}}}
	out, err := ImportDraft(s, p, d, ImportRequest{Source: models.SourceOffice, UploadedBy: "office", Now: testNow})
	if err != nil || !out.Stored {
		t.Fatalf("%v\n%s", err, problemsText(out.Problems))
	}
	v, err := s.LatestVersion(p.Root.Code, testPeriod)
	if err != nil || v.Source != models.SourceOffice || len(v.Values) != 2 || len(v.Milestones) != 1 {
		t.Fatalf("stored %+v %v", v, err)
	}
	// A county user cannot file the office's figures.
	out, err = ImportDraft(s, p, d, ImportRequest{ActingUnit: testUnit, Now: testNow})
	if err != nil || out.Stored {
		t.Fatalf("county user filed the office return: %v", err)
	}
}

// TestLockedMonth refuses a month locked after its deadline (5 July 2024 + 10 days) unless the
// request ignores locks; the office's city-wide figures are never locked.
func TestLockedMonth(t *testing.T) {
	p := testkit.Plan(t)
	s := testStore(t, p)
	late := time.Date(2024, 8, 1, 9, 0, 0, 0, time.UTC)
	file := readFixture(t, "ok_template.xlsx")
	_, err := Import(s, p, importers.DefaultLimits(), ImportRequest{File: file, Now: late, DryRun: true})
	if models.ErrorCode(err) != models.EConflict || !strings.Contains(models.ErrorMessage(err), "锁定") {
		t.Errorf("locked month: %v", err)
	}
	out, err := Import(s, p, importers.DefaultLimits(), ImportRequest{File: file, Now: late, IgnoreLock: true})
	if err != nil || !out.Stored {
		t.Errorf("ignoring the lock: %v %s", err, problemsText(out.Problems))
	}
	office := Draft{UnitCode: p.Root.Code, Period: testPeriod, HasMonthly: true, Rows: []DraftRow{{Code: "firms_10m", Value: "4"}}}
	if out, err := ImportDraft(s, p, office, ImportRequest{Now: late}); err != nil || !out.Stored {
		t.Errorf("office figures after the lock: %v", err)
	}
}

func TestTemplateFor(t *testing.T) {
	p := testkit.Plan(t)
	s := testStore(t, p)
	in, err := TemplateFor(s, p, testUnit, testPeriod, "", testNow)
	if err != nil {
		t.Fatal(err)
	}
	if in.Previous.Period != "2024-05" || in.Previous.Values["service_points"] != 112 || in.Targets["service_points"] == 0 {
		t.Errorf("template input = %+v", in)
	}
	if want := "请于 2024年7月5日前报送 2024年6月 的月报。"; in.Deadline != want {
		t.Errorf("deadline = %q, want %q", in.Deadline, want)
	}
	if in.Current.Number != 0 {
		t.Errorf("June not filed yet, but Current = version %d", in.Current.Number)
	}
	if may, err := TemplateFor(s, p, testUnit, "2024-05", "", testNow); err != nil || may.Current.Number == 0 || len(may.Current.Values) == 0 {
		t.Errorf("May is filed: Current = %+v, %v", may.Current, err)
	}
	// The office moved the deadline: the template says the new date.
	if err := s.SetDeadline(models.MustPeriod(testPeriod), time.Date(2024, 7, 8, 0, 0, 0, 0, models.ReportingZone()), models.Actor{Username: "office"}, testNow); err != nil {
		t.Fatal(err)
	}
	if in, err := TemplateFor(s, p, testUnit, testPeriod, "", testNow); err != nil || !strings.Contains(in.Deadline, "2024年7月8日前") {
		t.Errorf("moved deadline = %q, %v", in.Deadline, err)
	}
	for _, c := range []struct{ unit, period, acting, code string }{
		{testUnit, testPeriod, "530303", models.EForbidden},
		{"530300", testPeriod, "", models.EInvalid},
		{testUnit, "2024-08", "", models.EInvalid},
		{testUnit, "2024-6", "", models.EInvalid},
	} {
		if _, err := TemplateFor(s, p, c.unit, c.period, c.acting, testNow); models.ErrorCode(err) != c.code {
			t.Errorf("TemplateFor(%s %s as %q) = %v, want %s", c.unit, c.period, c.acting, err, c.code)
		}
	}
}
