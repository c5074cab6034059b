package reports

import (
	"fmt"
	"io"
	"testing"
	"time"

	"ruralkpi/models"
)

// nationalPlan builds the synthetic national plan of the progress benchmarks: a country over 30
// provinces over 100 counties each (3,000 reporting units) and 30 indicators of every kind.
func nationalPlan(tb testing.TB) *models.Plan {
	tb.Helper()
	p := &models.Plan{Code: "national", Name: "全国合成方案", StartPeriod: "2023-01", EndPeriod: "2025-12",
		Years: []int{2023, 2024, 2025}, Workstreams: []models.Workstream{{Code: "all", Name: "全部"}}}
	add := func(ind models.Indicator, targets ...float64) {
		ind.Name, ind.Workstream, ind.Unit = "合成指标"+ind.Code, "all", "个"
		p.Indicators = append(p.Indicators, ind)
		for k, v := range targets {
			p.Targets = append(p.Targets, models.Target{Indicator: ind.Code, Year: 2023 + k, Value: v})
		}
	}
	for i := range 12 {
		add(models.Indicator{Code: fmt.Sprintf("stock_%d", i), Kind: models.KindCumulative, RollUp: models.RollUpSum,
			Reporter: models.ReporterCounty, Integer: true, Headline: i < 4}, 30000, 60000, 90000)
	}
	for i := range 10 {
		add(models.Indicator{Code: fmt.Sprintf("flow_%d", i), Kind: models.KindAnnual, RollUp: models.RollUpSum,
			Reporter: models.ReporterCounty, Headline: i < 3}, 100000, 120000, 140000)
	}
	for i := range 3 {
		add(models.Indicator{Code: fmt.Sprintf("rate_%d", i), Kind: models.KindRate, RollUp: models.RollUpRatio,
			Reporter: models.ReporterDerived, Numerator: fmt.Sprintf("stock_%d", i), Denominator: models.DenominatorAdminVillages}, 30, 60, 90)
	}
	for i := range 2 {
		add(models.Indicator{Code: fmt.Sprintf("office_%d", i), Kind: models.KindRate, RollUp: models.RollUpOffice,
			Reporter: models.ReporterOffice}, 10, 20, 30)
	}
	for i := range 3 {
		add(models.Indicator{Code: fmt.Sprintf("milestone_%d", i), Kind: models.KindMilestone, RollUp: models.RollUpCount,
			Reporter: models.ReporterCounty})
	}
	p.Root = models.Unit{Code: "cn", Name: "全国", Level: "country"}
	for prov := range 30 {
		pu := models.Unit{Code: fmt.Sprintf("p%02d", prov), Name: fmt.Sprintf("省%d", prov), Level: "province"}
		for county := range 100 {
			code := fmt.Sprintf("p%02dc%03d", prov, county)
			pu.Children = append(pu.Children, models.Unit{Code: code, Name: "县" + code, Level: "county"})
			for i := range 3 {
				p.Milestones = append(p.Milestones, models.MilestoneDue{Indicator: fmt.Sprintf("milestone_%d", i), Unit: code, Year: 2023 + (county+i)%3})
			}
		}
		p.Root.Children = append(p.Root.Children, pu)
	}
	if err := p.Validate(); err != nil {
		tb.Fatal(err)
	}
	return p
}

// nationalData gives every county a return in each of the 36 months with all its figures, and
// the version list of the benchmarked month (a few late, a few missing).
func nationalData(p *models.Plan, month models.Period) (models.Dataset, []models.ReturnVersion) {
	ds := models.Dataset{Allocations: map[string]map[int]map[string]float64{}, Targets: map[string]map[int]float64{},
		AdminVillages: map[string]int{}, Tolerances: map[string]float64{}}
	units := p.ReportingUnits()
	periods := models.PeriodsBetween(models.MustPeriod(p.StartPeriod), models.MustPeriod(p.EndPeriod))
	var versions []models.ReturnVersion
	id := uint(0)
	for n, per := range periods {
		for ui, u := range units {
			id++
			if per == month {
				if ui%97 == 0 {
					continue // missing
				}
				at := DefaultDeadline(per).Add(-time.Duration(ui%5) * 24 * time.Hour)
				if ui%41 == 0 {
					at = at.Add(72 * time.Hour) // late
				}
				versions = append(versions, models.ReturnVersion{ID: id, UnitCode: u.Code, Period: per.String(), Number: 1, Status: models.StatusApproved, UploadedAt: at})
			}
			for _, ind := range p.Indicators {
				switch {
				case ind.Kind == models.KindMilestone:
					state := models.MilestoneNotStarted
					if (ui+n)%4 == 0 {
						state = models.MilestoneDone
					}
					ds.Milestones = append(ds.Milestones, models.MilestoneObservation{Unit: u.Code, Period: per,
						Indicator: ind.Code, State: state, VersionID: id, Approved: true})
				case ind.Reporter == models.ReporterCounty:
					v := float64((n + 1) * (ui%17 + 1))
					if ind.Kind == models.KindAnnual {
						v = float64(per.Month * (ui%13 + 1))
					}
					ds.Observations = append(ds.Observations, models.Observation{Unit: u.Code, Period: per,
						Indicator: ind.Code, Value: v, VersionID: id, Version: 1, Approved: true})
				}
			}
		}
		for _, ind := range p.Indicators {
			if ind.Reporter == models.ReporterOffice {
				ds.Observations = append(ds.Observations, models.Observation{Unit: p.Root.Code, Period: per,
					Indicator: ind.Code, Value: float64(n), VersionID: id, Version: 1, Approved: true})
			}
		}
	}
	for ui, u := range units {
		ds.AdminVillages[u.Code] = 50 + ui%40
	}
	return ds, versions
}

// BenchmarkReportsDemo generates the demo's reports for 2025-06 from the stored demo: reading the
// store and computing progress (load), the workbook, and the briefing's view model.
func BenchmarkReportsDemo(b *testing.B) {
	st, p := demoStore(b)
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

// BenchmarkReportsNational works on 3,000 units × 36 months × 30 indicators: the progress values
// of the month and the month before (input), the workbook (91k summary rows, 30 province sheets,
// 9,000 milestone rows), and the briefing.
func BenchmarkReportsNational(b *testing.B) {
	p := nationalPlan(b)
	month := models.MustPeriod("2025-06")
	ds, versions := nationalData(p, month)
	calc := models.NewProgressCalculator(p, ds, models.ProgressOptions{})
	b.Run("input", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			in := NewInput(calc, month, afterPlanTime())
			in.Returns = ReturnsReceived(p, month, versions, DefaultDeadline(month), afterPlanTime())
		}
	})
	in := NewInput(calc, month, afterPlanTime())
	in.Returns = ReturnsReceived(p, month, versions, DefaultDeadline(month), afterPlanTime())
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
