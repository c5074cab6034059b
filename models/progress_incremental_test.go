package models_test

import (
	"reflect"
	"testing"

	"ruralkpi/models"
)

// A calculator updated for one unit's months must answer exactly as one indexed afresh over the
// changed dataset: the read model relies on it after every write.
func TestWithUnitMonthsMatchesFreshIndex(t *testing.T) {
	p, ds, err := models.SyntheticNational(2, 4)
	if err != nil {
		t.Fatal(err)
	}
	unit := p.ReportingUnits()[3].Code
	last := models.MustPeriod(p.EndPeriod)
	tests := []struct {
		name   string
		months []models.Period
		// Change rewrites the unit's figures of the months (nil drops them all).
		change func(o models.Observation) (models.Observation, bool)
	}{
		{"new values in two months", []models.Period{models.MustPeriod("2024-03"), models.MustPeriod("2024-04")},
			func(o models.Observation) (models.Observation, bool) {
				o.Value, o.Version, o.VersionID, o.Approved = o.Value*3+1, 2, 99999, false
				return o, true
			}},
		{"some figures gone", []models.Period{models.MustPeriod("2023-12")},
			func(o models.Observation) (models.Observation, bool) { return o, o.Indicator != "stock_1" }},
		{"the newest month emptied", []models.Period{last}, nil},
		{"a month without figures before", []models.Period{models.MustPeriod("2022-12")},
			func(o models.Observation) (models.Observation, bool) { return o, true }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := map[int]bool{}
			for _, m := range tt.months {
				in[m.Index()] = true
			}
			changed := models.UnitMonths{Unit: unit, Months: tt.months}
			after := ds
			after.Observations, after.Milestones = nil, nil
			for _, o := range ds.Observations {
				if o.Unit != unit || !in[o.Period.Index()] {
					after.Observations = append(after.Observations, o)
				}
			}
			for _, m := range ds.Milestones {
				if m.Unit != unit || !in[m.Period.Index()] {
					after.Milestones = append(after.Milestones, m)
				}
			}
			if tt.change != nil {
				for _, o := range ds.Observations {
					if o.Unit == unit && in[o.Period.Index()] {
						if o2, keep := tt.change(o); keep {
							changed.Observations = append(changed.Observations, o2)
						}
					}
				}
				for _, m := range ds.Milestones {
					if m.Unit == unit && in[m.Period.Index()] {
						m.State = models.MilestoneDone
						changed.Milestones = append(changed.Milestones, m)
					}
				}
				if tt.months[0].String() == "2022-12" {
					changed.Observations = append(changed.Observations, models.Observation{Unit: unit, Period: tt.months[0], Indicator: "stock_0", Value: 7, Version: 1, VersionID: 5})
				}
			}
			after.Observations = append(after.Observations, changed.Observations...)
			after.Milestones = append(after.Milestones, changed.Milestones...)

			base := models.NewProgressIndex(p, ds, models.ProgressOptions{})
			got := base.WithUnitMonths(changed)
			want := models.NewProgressCalculator(p, after, models.ProgressOptions{})
			for _, per := range []string{"2023-01", "2023-12", "2024-03", "2024-04", "2024-07", p.EndPeriod} {
				period := models.MustPeriod(per)
				if g, w := got.All(period), want.All(period); !reflect.DeepEqual(g, w) {
					t.Errorf("All(%s) differs from a fresh index", per)
				}
				if g, w := got.ForScope(unit, period), want.ForScope(unit, period); !reflect.DeepEqual(g, w) {
					t.Errorf("ForScope(%s, %s) differs from a fresh index", unit, per)
				}
				if g, w := got.MissingReturns(period), want.MissingReturns(period); !reflect.DeepEqual(g, w) {
					t.Errorf("MissingReturns(%s) = %v, want %v", per, g, w)
				}
			}
			gl, gok := got.LatestPeriod()
			wl, wok := want.LatestPeriod()
			if gl != wl || gok != wok {
				t.Errorf("LatestPeriod %v %v, want %v %v", gl, gok, wl, wok)
			}
			// The old calculator is untouched: readers holding it see what they saw.
			if g, w := base.ForScope(unit, tt.months[0]), models.NewProgressCalculator(p, ds, models.ProgressOptions{}).ForScope(unit, tt.months[0]); !reflect.DeepEqual(g, w) {
				t.Error("the calculator updated from was changed")
			}
		})
	}
}
