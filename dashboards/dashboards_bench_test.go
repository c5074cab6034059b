package dashboards

import (
	"testing"

	"ruralkpi/internal/testkit"
	"ruralkpi/models"
)

// BenchmarkDemoPages builds each page's view model and chart options at demo scale (10 units,
// 2023-08 to 2025-12), including indexing the dataset, as a request does (reading the database and
// executing the template are measured in handlers.BenchmarkDashboardPages).
func BenchmarkDemoPages(b *testing.B) {
	p := testkit.Plan(b)
	ds, versions := demoDataset(b, p)
	latest := models.MustPeriod("2025-12")
	input := func() Input {
		in, err := NewInput(models.NewProgressCalculator(p, ds, models.ProgressOptions{}), &latest, latest)
		if err != nil {
			b.Fatal(err)
		}
		return in
	}
	pages := []struct {
		name  string
		build func(in Input) error
	}{
		{"overview", func(in Input) error { _, err := NewOverview(in, nil); return err }},
		{"county", func(in Input) error { _, err := NewUnitPage(in, "530325", versions); return err }},
		{"workstream", func(in Input) error { _, err := NewWorkstreamPage(in, "actions"); return err }},
		{"indicator", func(in Input) error { _, err := NewIndicatorPage(in, "service_points"); return err }},
		{"api", func(in Input) error { _, err := ProgressItems(in, ""); return err }},
	}
	for _, pg := range pages {
		b.Run(pg.name, func(b *testing.B) {
			b.ReportAllocs()
			start := testkit.CPUTime()
			for b.Loop() {
				if err := pg.build(input()); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(testkit.CPUTime()-start)/float64(b.N), "cpu-ns/op")
		})
	}
}

// BenchmarkNationalPages builds the same pages over 3,000 units × 36 months × 30 indicators, the
// dataset already indexed (indexing is models.BenchmarkProgressNational/index).
func BenchmarkNationalPages(b *testing.B) {
	p, ds, err := models.SyntheticNational(30, 100)
	if err != nil {
		b.Fatal(err)
	}
	latest := models.MustPeriod("2025-06")
	in, err := NewInput(models.NewProgressCalculator(p, ds, models.ProgressOptions{}), &latest, latest)
	if err != nil {
		b.Fatal(err)
	}
	county := p.ReportingUnits()[1234].Code
	pages := []struct {
		name  string
		build func() error
	}{
		{"overview", func() error { _, err := NewOverview(in, nil); return err }},
		{"county", func() error { _, err := NewUnitPage(in, county, nil); return err }},
		{"workstream", func() error { _, err := NewWorkstreamPage(in, "all"); return err }},
		{"indicator", func() error { _, err := NewIndicatorPage(in, "stock_0"); return err }},
		{"api_one_county", func() error { _, err := ProgressItems(in, county); return err }},
	}
	for _, pg := range pages {
		b.Run(pg.name, func(b *testing.B) {
			b.ReportAllocs()
			start := testkit.CPUTime()
			for b.Loop() {
				if err := pg.build(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(testkit.CPUTime()-start)/float64(b.N), "cpu-ns/op")
		})
	}
}
