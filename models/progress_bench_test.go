package models_test

import (
	"testing"

	"ruralkpi/internal/testkit"
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

// BenchmarkProgressDemo indexes the demo-scale dataset (10 units, 29 months) and computes one month's
// whole picture, as the overview page does on every request.
func BenchmarkProgressDemo(b *testing.B) {
	p := testkit.Plan(b)
	ds := demoDataset(p)
	period := models.MustPeriod("2025-06")
	b.ReportAllocs()
	cpuStart := testkit.CPUTime()
	for b.Loop() {
		c := models.NewProgressCalculator(p, ds, models.ProgressOptions{})
		_ = c.All(period)
	}
	b.ReportMetric(float64(testkit.CPUTime()-cpuStart)/float64(b.N), "cpu-ns/op")
}

// BenchmarkProgressDemoUnitTrend computes every indicator of one county in every month of the plan,
// as the unit page's trend charts do.
func BenchmarkProgressDemoUnitTrend(b *testing.B) {
	p := testkit.Plan(b)
	c := models.NewProgressCalculator(p, demoDataset(p), models.ProgressOptions{})
	start, end := models.MustPeriod(p.StartPeriod), models.MustPeriod(p.EndPeriod)
	b.ReportAllocs()
	cpuStart := testkit.CPUTime()
	for b.Loop() {
		for _, ind := range p.Indicators {
			_ = c.Series(ind.Code, "530302", start, end)
		}
	}
	b.ReportMetric(float64(testkit.CPUTime()-cpuStart)/float64(b.N), "cpu-ns/op")
}

// BenchmarkProgressNational works on 3,000 units × 36 months × 30 indicators.
func BenchmarkProgressNational(b *testing.B) {
	p, ds, err := models.SyntheticNational(30, 100)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("observations: %d, milestone observations: %d", len(ds.Observations), len(ds.Milestones))
	period := models.MustPeriod("2025-06")
	b.Run("index", func(b *testing.B) {
		b.ReportAllocs()
		cpuStart := testkit.CPUTime()
		for b.Loop() {
			_ = models.NewProgressCalculator(p, ds, models.ProgressOptions{})
		}
		b.ReportMetric(float64(testkit.CPUTime()-cpuStart)/float64(b.N), "cpu-ns/op")
	})
	c := models.NewProgressCalculator(p, ds, models.ProgressOptions{})
	b.Run("all_one_month", func(b *testing.B) {
		b.ReportAllocs()
		cpuStart := testkit.CPUTime()
		for b.Loop() {
			_ = c.All(period)
		}
		b.ReportMetric(float64(testkit.CPUTime()-cpuStart)/float64(b.N), "cpu-ns/op")
	})
	b.Run("national_trend_36_months", func(b *testing.B) {
		b.ReportAllocs()
		start, end := models.MustPeriod(p.StartPeriod), models.MustPeriod(p.EndPeriod)
		cpuStart := testkit.CPUTime()
		for b.Loop() {
			for _, ind := range p.Indicators {
				_ = c.Series(ind.Code, p.Root.Code, start, end)
			}
		}
		b.ReportMetric(float64(testkit.CPUTime()-cpuStart)/float64(b.N), "cpu-ns/op")
	})
	b.Run("one_county_one_month", func(b *testing.B) {
		b.ReportAllocs()
		cpuStart := testkit.CPUTime()
		for b.Loop() {
			_ = c.ForScope("p07c042", period)
		}
		b.ReportMetric(float64(testkit.CPUTime()-cpuStart)/float64(b.N), "cpu-ns/op")
	})
}

func TestSyntheticNational(t *testing.T) {
	p, ds, err := models.SyntheticNational(2, 3)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(p.ReportingUnits()); got != 6 {
		t.Errorf("reporting units = %d, want 6", got)
	}
	if len(p.Indicators) != 30 {
		t.Errorf("indicators = %d, want 30", len(p.Indicators))
	}
	// 22 county figures per return, 6 counties, 36 months; 2 office figures a month.
	if want := 22*6*36 + 2*36; len(ds.Observations) != want {
		t.Errorf("observations = %d, want %d", len(ds.Observations), want)
	}
	c := models.NewProgressCalculator(p, ds, models.ProgressOptions{})
	june := models.MustPeriod("2024-06")
	all := c.All(june)
	if len(all) != 30*3 {
		t.Errorf("All = %d values, want 30 indicators x (country + 2 provinces)", len(all))
	}
	// A province rolls up its own counties; the country rolls up all of them.
	province := c.Progress("stock_0", "p01", june)
	sum := 0.0
	for _, u := range p.Leaves("p01") {
		sum += c.Progress("stock_0", u.Code, june).Actual
	}
	if province.Actual != sum || province.Reported != 3 || len(province.Sources) != 3 {
		t.Errorf("province p01 = %v from %d units, want %v from 3", province.Actual, province.Reported, sum)
	}
	if country := c.Progress("stock_0", "cn", june); country.Reported != 6 {
		t.Errorf("country reported by %d units, want 6", country.Reported)
	}
	counts := map[models.ProgressStatus]int{}
	for _, pr := range all {
		counts[pr.Status]++
	}
	if counts[models.StatusGreen] == 0 || counts[models.StatusRed] == 0 {
		t.Errorf("statuses %v: want a mix", counts)
	}
}
