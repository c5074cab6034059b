package models_test

import (
	"fmt"
	"testing"

	"ruralkpi/models"
)

// demoDataset fills every reporting unit's return for every month of the plan with figures growing
// along the plan's path, about as the demo mode does.
func demoDataset(p *models.Plan) models.Dataset {
	ds := dataset(nil, nil)
	start, end := models.MustPeriod(p.StartPeriod), models.MustPeriod(p.EndPeriod)
	units := p.ReportingUnits()
	id := uint(0)
	for _, per := range models.PeriodsBetween(start, end) {
		for ui, u := range units {
			if per.String() < p.UnitStart(u.Code) {
				continue
			}
			id++
			for _, ind := range p.CountyReported() {
				if ind.Kind == models.KindMilestone {
					state := models.MilestoneInProgress
					if (ui+per.Month)%3 == 0 {
						state = models.MilestoneDone
					}
					ds.Milestones = append(ds.Milestones, models.MilestoneObservation{Unit: u.Code, Period: per,
						Indicator: ind.Code, State: state, VersionID: id, Approved: true})
					continue
				}
				v := float64((per.Index()-start.Index()+1)*(ui+3)) / 2
				if ind.Kind == models.KindAnnual {
					v = float64(per.Month * (ui + 5))
				}
				ds.Observations = append(ds.Observations, models.Observation{Unit: u.Code, Period: per, Indicator: ind.Code,
					Value: v, VersionID: id, Version: 1, Approved: per.Month%2 == 0})
			}
		}
	}
	for i, u := range units {
		ds.AdminVillages[u.Code] = 100 + 10*i
	}
	return ds
}

// nationalPlan builds a synthetic plan: a country over 30 provinces over 100 counties each (3,000
// reporting units) and 30 indicators of every kind and roll-up rule, over 36 months.
func nationalPlan(tb testing.TB) *models.Plan {
	tb.Helper()
	p := &models.Plan{Code: "national", Name: "全国合成方案", StartPeriod: "2023-01", EndPeriod: "2025-12",
		Years: []int{2023, 2024, 2025}, Workstreams: []models.Workstream{{Code: "all", Name: "全部"}}}
	add := func(ind models.Indicator, targets ...float64) {
		ind.Name, ind.Workstream = ind.Code, "all"
		p.Indicators = append(p.Indicators, ind)
		for k, v := range targets {
			p.Targets = append(p.Targets, models.Target{Indicator: ind.Code, Year: 2023 + k, Value: v})
		}
	}
	for i := range 12 {
		add(models.Indicator{Code: fmt.Sprintf("stock_%d", i), Kind: models.KindCumulative, RollUp: models.RollUpSum,
			Reporter: models.ReporterCounty}, 30000, 60000, 90000)
	}
	for i := range 10 {
		add(models.Indicator{Code: fmt.Sprintf("flow_%d", i), Kind: models.KindAnnual, RollUp: models.RollUpSum,
			Reporter: models.ReporterCounty}, 100000, 120000, 140000)
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
			pu.Children = append(pu.Children, models.Unit{Code: code, Name: code, Level: "county"})
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

// nationalDataset gives every county a return in each of the 36 months with all its figures.
func nationalDataset(p *models.Plan) models.Dataset {
	ds := dataset(nil, nil)
	units := p.ReportingUnits()
	periods := models.PeriodsBetween(models.MustPeriod(p.StartPeriod), models.MustPeriod(p.EndPeriod))
	id := uint(0)
	for n, per := range periods {
		for ui, u := range units {
			id++
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
	return ds
}

// BenchmarkProgressDemo indexes the demo-scale dataset (10 units, 29 months) and computes one month's
// whole picture, as the overview page does on every request.
func BenchmarkProgressDemo(b *testing.B) {
	p := loadPlan(b)
	ds := demoDataset(p)
	period := models.MustPeriod("2025-06")
	b.ReportAllocs()
	for b.Loop() {
		c := models.NewProgressCalculator(p, ds, models.ProgressOptions{})
		_ = c.All(period)
	}
}

// BenchmarkProgressDemoUnitTrend computes every indicator of one county in every month of the plan,
// as the unit page's trend charts do.
func BenchmarkProgressDemoUnitTrend(b *testing.B) {
	p := loadPlan(b)
	c := models.NewProgressCalculator(p, demoDataset(p), models.ProgressOptions{})
	start, end := models.MustPeriod(p.StartPeriod), models.MustPeriod(p.EndPeriod)
	b.ReportAllocs()
	for b.Loop() {
		for _, ind := range p.Indicators {
			_ = c.Series(ind.Code, "530302", start, end)
		}
	}
}

// BenchmarkProgressNational works on 3,000 units × 36 months × 30 indicators.
func BenchmarkProgressNational(b *testing.B) {
	p := nationalPlan(b)
	ds := nationalDataset(p)
	b.Logf("observations: %d, milestone observations: %d", len(ds.Observations), len(ds.Milestones))
	period := models.MustPeriod("2025-06")
	b.Run("index", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = models.NewProgressCalculator(p, ds, models.ProgressOptions{})
		}
	})
	c := models.NewProgressCalculator(p, ds, models.ProgressOptions{})
	b.Run("all_one_month", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = c.All(period)
		}
	})
	b.Run("national_trend_36_months", func(b *testing.B) {
		b.ReportAllocs()
		start, end := models.MustPeriod(p.StartPeriod), models.MustPeriod(p.EndPeriod)
		for b.Loop() {
			for _, ind := range p.Indicators {
				_ = c.Series(ind.Code, p.Root.Code, start, end)
			}
		}
	})
	b.Run("one_county_one_month", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = c.ForScope("p07c042", period)
		}
	})
}
