package reports

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ruralkpi/dashboards"
	"ruralkpi/models"
	"ruralkpi/plans"
)

// TestOneFigureReadsTheSameEverywhere follows one city figure through the dashboard pages, the CSV
// export, the monthly workbook and the briefing: each must print the same digits for the actual and the
// completion, the same status word and the same word for the source's review. The figures are halves
// on purpose (0.5 亿元 of an 8 亿元 target is 6.25%), and the actual needs no second decimal, where two rounding rules part.
func TestOneFigureReadsTheSameEverywhere(t *testing.T) {
	b, err := plans.Default()
	if err != nil {
		t.Fatal(err)
	}
	p, err := models.LoadPlan(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	const code = "express_revenue"
	period := models.MustPeriod("2024-06")
	ds := models.Dataset{
		Targets:      map[string]map[int]float64{code: {2024: 8}},
		Observations: []models.Observation{{Unit: "530302", Period: period, Indicator: code, Value: 0.5, VersionID: 7, Version: 1}},
	}
	calc := models.NewProgressCalculator(p, ds, models.ProgressOptions{})
	pr := calc.Progress(code, p.Root.Code, period)
	if !pr.HasActual || !pr.HasTarget || pr.Completion != 0.0625 {
		t.Fatalf("fixture: progress %+v, want 0.5 of 8", pr)
	}
	ind, _ := p.Indicator(code)
	want := struct{ actual, completion, status, review string }{"0.5", "6.3%", pr.StatusWord(), "待审核"}

	t.Run("page", func(t *testing.T) {
		in, err := dashboards.NewInput(calc, &period, period)
		if err != nil {
			t.Fatal(err)
		}
		page, err := dashboards.NewIndicatorPage(in, code)
		if err != nil {
			t.Fatal(err)
		}
		f := page.City
		if f.Actual != want.actual || f.Completion != want.completion || f.StatusLabel != want.status {
			t.Errorf("page: actual %q, completion %q, status %q; want %q, %q, %q", f.Actual, f.Completion, f.StatusLabel, want.actual, want.completion, want.status)
		}
		if !strings.Contains(f.Trace, want.review) {
			t.Errorf("page trace %q does not say %q", f.Trace, want.review)
		}
	})

	t.Run("csv", func(t *testing.T) {
		row := ProgressTable(p, []models.Progress{pr}).Rows[0]
		if row[8] != want.actual || row[10]+"%" != want.completion || row[11] != want.status {
			t.Errorf("csv: actual %q, completion %q, status %q; want %q, %q (without %%), %q", row[8], row[10], row[11], want.actual, want.completion, want.status)
		}
	})

	t.Run("workbook", func(t *testing.T) {
		var buf bytes.Buffer
		if err := WriteMonthly(&buf, NewInput(calc, period, afterPlanTime()), MonthlyOptions{}); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows(SheetSummary)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for i, r := range rows {
			if len(r) < 10 || r[0] != ind.Name || r[1] != p.UnitShortName(p.Root.Code) {
				continue
			}
			found = true
			row := strconv.Itoa(i + 1)
			actual, _ := f.GetCellValue(SheetSummary, "F"+row)
			completion, _ := f.GetCellValue(SheetSummary, "H"+row)
			if actual != want.actual || completion != want.completion || r[8] != want.status {
				t.Errorf("workbook: actual %q, completion %q, status %q; want %q, %q, %q", actual, completion, r[8], want.actual, want.completion, want.status)
			}
			if !strings.Contains(r[9], want.review) {
				t.Errorf("workbook remark %q does not say %q", r[9], want.review)
			}
		}
		if !found {
			t.Fatalf("no summary row for %s", ind.Name)
		}
	})

	t.Run("briefing", func(t *testing.T) {
		for _, g := range BuildBriefing(NewInput(calc, period, afterPlanTime())).Goals {
			if g.Name != ind.Name {
				continue
			}
			if g.Actual != want.actual || g.Completion != want.completion || g.StatusLabel != want.status {
				t.Errorf("briefing: actual %q, completion %q, status %q; want %q, %q, %q", g.Actual, g.Completion, g.StatusLabel, want.actual, want.completion, want.status)
			}
			return
		}
		t.Fatalf("no briefing goal for %s", ind.Name)
	})
}
