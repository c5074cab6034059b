package models

import (
	"reflect"
	"testing"
)

// rollUpDataset is a country of 3 provinces × 5 counties with figures that are not whole numbers (so
// that adding them in another order would show), gaps in the returns, and a county that starts late.
func rollUpDataset(t *testing.T) (*Plan, Dataset) {
	t.Helper()
	p, _, err := SyntheticNational(3, 5)
	if err != nil {
		t.Fatal(err)
	}
	p.Root.Children[1].Children[2].StartPeriod = "2023-08"
	ds := Dataset{Allocations: map[string]map[int]map[string]float64{}, Targets: map[string]map[int]float64{},
		AdminVillages: map[string]int{}, Tolerances: map[string]float64{}}
	start, end := MustPeriod(p.StartPeriod), MustPeriod(p.EndPeriod)
	id := uint(0)
	for ui, u := range p.ReportingUnits() {
		ds.AdminVillages[u.Code] = 40 + ui
		for m, per := range PeriodsBetween(start, end) {
			if (ui+m)%4 == 0 || per.String() < p.UnitStart(u.Code) {
				continue // no return this month
			}
			id++
			for k, ind := range p.Indicators {
				if ind.Reporter != ReporterCounty || ind.Kind == KindMilestone {
					continue
				}
				ds.Observations = append(ds.Observations, Observation{Unit: u.Code, Period: per, Indicator: ind.Code,
					Value: float64(ui*7+m*3+k) / 3 * 1.1, VersionID: id, Version: 1, Approved: true})
			}
		}
	}
	return p, ds
}

// withoutRollUps is the calculator adding up the units' figures on every question, as before.
func withoutRollUps(c *ProgressCalculator) *ProgressCalculator {
	d := *c
	d.roll = nil
	return &d
}

// sameSeries checks every indicator's monthly series for every scope against the calculator that
// adds up on every question.
func sameSeries(t *testing.T, p *Plan, c *ProgressCalculator) {
	t.Helper()
	ref := withoutRollUps(c)
	a, b := MustPeriod(p.StartPeriod).AddMonths(-2), MustPeriod(p.EndPeriod).AddMonths(2)
	for _, u := range c.units {
		for _, ind := range p.Indicators {
			got, want := c.Series(ind.Code, u.code, a, b), ref.Series(ind.Code, u.code, a, b)
			if !reflect.DeepEqual(got, want) {
				for k := range got {
					if !reflect.DeepEqual(got[k], want[k]) {
						t.Fatalf("%s of %s in %s: got %+v, want %+v", ind.Code, u.code, got[k].Period, got[k], want[k])
					}
				}
			}
		}
	}
}

// TestRollUpsGiveIdenticalFigures: the series of sums kept per unit give, to the bit, what adding up
// the units' figures gives, before and after a write to one county's months.
func TestRollUpsGiveIdenticalFigures(t *testing.T) {
	p, ds := rollUpDataset(t)
	c := NewProgressCalculator(p, ds, ProgressOptions{})
	if c.roll == nil {
		t.Fatal("no roll-ups kept")
	}
	t.Run("fresh", func(t *testing.T) { sameSeries(t, p, c) })
	t.Run("after a write", func(t *testing.T) {
		unit := p.Root.Children[2].Children[3].Code
		months := []Period{MustPeriod("2024-03"), MustPeriod("2025-01")}
		var obs []Observation
		for _, per := range months {
			obs = append(obs, Observation{Unit: unit, Period: per, Indicator: "stock_0", Value: 1234.567, VersionID: 9999, Version: 2},
				Observation{Unit: unit, Period: per, Indicator: "flow_1", Value: 0.3, VersionID: 9999, Version: 2})
		}
		d := c.WithUnitMonths(UnitMonths{Unit: unit, Months: months, Observations: obs})
		sameSeries(t, p, d)
		sameSeries(t, p, c) // the old calculator is undisturbed
		got := d.Series("stock_0", p.Root.Code, months[0], months[0])[0].Actual
		if was := c.Series("stock_0", p.Root.Code, months[0], months[0])[0].Actual; got == was {
			t.Fatalf("the nation's sum did not follow the write: %v", got)
		}
	})
}
