package models

import (
	"reflect"
	"testing"
)

// TestScopeProgressKeepsFewMonths: what a snapshot keeps per reporting unit is ForScope to the
// value, is carried to the next snapshot for the units a write did not touch and not for those it
// did (nor after a reference change), and holds at most MaxKeptScopeMonths months.
func TestScopeProgressKeepsFewMonths(t *testing.T) {
	p, ds := rollUpDataset(t)
	calc := NewProgressCalculator(p, ds, ProgressOptions{})
	snap := &ProgressSnapshot{Calc: calc}
	units := p.ReportingUnits()
	months := PeriodsBetween(MustPeriod(p.StartPeriod), MustPeriod(p.EndPeriod))[:MaxKeptScopeMonths+2]
	for _, per := range months {
		for _, u := range units {
			if got, want := snap.ScopeProgress(u.Code, per), calc.ForScope(u.Code, per); !reflect.DeepEqual(got, want) {
				t.Fatalf("%s %s: kept progress differs from ForScope", u.Code, per)
			}
		}
	}
	if n := len(snap.scopes.byPeriod); n != MaxKeptScopeMonths || len(snap.scopes.order) != MaxKeptScopeMonths {
		t.Errorf("%d months kept (order %v), want at most %d", n, snap.scopes.order, MaxKeptScopeMonths)
	}
	if _, ok := snap.scopes.byPeriod[months[0].Index()]; ok {
		t.Error("the month asked for least recently is still kept")
	}
	if got, least := snap.KeptScopeBytes(), int64(MaxKeptScopeMonths*len(units)*len(p.Indicators))*360; got < least {
		t.Errorf("KeptScopeBytes %d, want at least %d (the values kept)", got, least)
	}
	last := months[len(months)-1]
	t.Run("carried for untouched units only", func(t *testing.T) {
		next := &ProgressSnapshot{Calc: calc}
		snap.CarryScopes(next, map[string]bool{units[0].Code: true}, false)
		if _, ok := next.scopes.byPeriod[last.Index()][units[0].Code]; ok {
			t.Error("the touched unit's progress was carried")
		}
		if _, ok := next.scopes.byPeriod[last.Index()][units[1].Code]; !ok {
			t.Error("an untouched unit's progress was not carried")
		}
	})
	t.Run("nothing carried after a reference change or a write above the units", func(t *testing.T) {
		for name, carry := range map[string]func(next *ProgressSnapshot){
			"reference":     func(next *ProgressSnapshot) { snap.CarryScopes(next, nil, true) },
			"the root unit": func(next *ProgressSnapshot) { snap.CarryScopes(next, map[string]bool{p.Root.Code: true}, false) },
			"a province": func(next *ProgressSnapshot) {
				snap.CarryScopes(next, map[string]bool{p.Root.Children[0].Code: true}, false)
			},
		} {
			next := &ProgressSnapshot{Calc: calc}
			carry(next)
			if len(next.scopes.byPeriod) != 0 {
				t.Errorf("%s: progress carried", name)
			}
		}
	})
}
