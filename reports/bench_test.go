package reports

import (
	"io"
	"testing"
	"time"

	"ruralkpi/internal/teststore"
	"ruralkpi/models"
)

// nationalData is the progress benchmarks' synthetic national scale (models.SyntheticNational: 30
// provinces × 100 counties, 30 indicators, 36 months), with seven indicators made headline goals for
// the briefing, and the versions of the benchmarked month (a few late, a few missing).
func nationalData(tb testing.TB, month models.Period) (*models.Plan, models.Dataset, []models.ReturnVersion) {
	tb.Helper()
	p, ds, err := models.SyntheticNational(30, 100)
	if err != nil {
		tb.Fatal(err)
	}
	for i := range p.Indicators {
		p.Indicators[i].Headline = i < 4 || i >= 12 && i < 15
	}
	var versions []models.ReturnVersion
	for ui, u := range p.ReportingUnits() {
		if ui%97 == 0 {
			continue // missing
		}
		at := models.DefaultDeadline(month).Add(-time.Duration(ui%5) * 24 * time.Hour)
		if ui%41 == 0 {
			at = at.Add(72 * time.Hour) // late
		}
		versions = append(versions, models.ReturnVersion{ID: uint(ui + 1), UnitCode: u.Code, Period: month.String(), Number: 1,
			Status: models.StatusApproved, UploadedAt: at})
	}
	return p, ds, versions
}

// BenchmarkReportsDemo generates the demo's reports for 2025-06 from the stored demo: reading the
// store and computing progress (load), the workbook, and the briefing's view model.
func BenchmarkReportsDemo(b *testing.B) {
	st, p := teststore.Demo(b)
	month := models.MustPeriod("2025-06")
	b.Run("load", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Load(st, p, month, afterPlanTime()); err != nil {
				b.Fatal(err)
			}
		}
	})
	in, err := Load(st, p, month, afterPlanTime())
	if err != nil {
		b.Fatal(err)
	}
	benchWorkbookAndBriefing(b, in)
}

// BenchmarkReportsNational works on 3,000 units × 36 months × 30 indicators: the progress values
// of the month and the month before (input), the workbook (91k summary rows, 30 province sheets,
// 9,000 milestone rows), and the briefing.
func BenchmarkReportsNational(b *testing.B) {
	month := models.MustPeriod("2025-06")
	p, ds, versions := nationalData(b, month)
	calc := models.NewProgressCalculator(p, ds, models.ProgressOptions{})
	b.Run("input", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			in := NewInput(calc, month, afterPlanTime())
			in.Returns = ReturnsReceived(p, month, versions, models.DefaultDeadline(month), afterPlanTime())
		}
	})
	in := NewInput(calc, month, afterPlanTime())
	in.Returns = ReturnsReceived(p, month, versions, models.DefaultDeadline(month), afterPlanTime())
	benchWorkbookAndBriefing(b, in)
}

// benchWorkbookAndBriefing times the two reports of one input: the monthly workbook and the briefing.
func benchWorkbookAndBriefing(b *testing.B, in Input) {
	b.Run("monthly_workbook", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := WriteMonthly(io.Discard, in, MonthlyOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("briefing", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = BuildBriefing(in)
		}
	})
}
