package models

import (
	"reflect"
	"testing"
)

// TestAllFiguresAreAllsFigures checks that the untraced values are All's but for their sources, in
// every month (and one on each side of the plan) of a country whose figures are not whole numbers,
// with gaps and a county that starts late.
func TestAllFiguresAreAllsFigures(t *testing.T) {
	p, ds := rollUpDataset(t)
	c := NewProgressCalculator(p, ds, ProgressOptions{})
	a, b := MustPeriod(p.StartPeriod).AddMonths(-1), MustPeriod(p.EndPeriod).AddMonths(1)
	for _, period := range PeriodsBetween(a, b) {
		t.Run(period.String(), func(t *testing.T) {
			got, want := c.AllFigures(period), c.All(period)
			if len(got) != len(want) {
				t.Fatalf("%d values, want %d", len(got), len(want))
			}
			for k := range want {
				g, w := got[k], want[k]
				g.Sources, g.AllApproved, w.Sources, w.AllApproved = nil, false, nil, false
				if !reflect.DeepEqual(g, w) {
					t.Fatalf("%s of %s: got %+v, want %+v", w.Indicator, w.Scope, g, w)
				}
			}
		})
	}
}
