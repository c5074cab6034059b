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

// TestWarmScopesAfterAReferenceChange: after a reference change carries nothing, the next snapshot
// computes — before any reader asks — every reporting unit's progress of the month the old one kept
// whole (not the month before, of which the homes read only a few units), to the value ForScope
// gives with the new reference; a snapshot that carried that month computes nothing again.
func TestWarmScopesAfterAReferenceChange(t *testing.T) {
	p, ds := rollUpDataset(t)
	calc := NewProgressCalculator(p, ds, ProgressOptions{})
	old := &ProgressSnapshot{Calc: calc}
	units := p.ReportingUnits()
	months := PeriodsBetween(MustPeriod(p.StartPeriod), MustPeriod(p.EndPeriod))
	whole, before := months[5], months[4]
	for _, u := range units {
		old.ScopeProgress(u.Code, whole)
	}
	old.ScopeProgress(units[0].Code, before) // asked for last, for one unit only

	next := &ProgressSnapshot{Calc: calc}
	old.CarryScopes(next, nil, true)
	old.WarmScopes(next)
	if len(next.scopes.byPeriod) != 1 || len(next.scopes.byPeriod[whole.Index()]) != len(units) {
		t.Fatalf("warmed %d months, %d units of %s; want every unit of that month only", len(next.scopes.byPeriod), len(next.scopes.byPeriod[whole.Index()]), whole)
	}
	for _, u := range units {
		if got, want := next.scopes.byPeriod[whole.Index()][u.Code], calc.ForScope(u.Code, whole); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: warmed progress differs from ForScope", u.Code)
		}
	}

	carried := &ProgressSnapshot{Calc: calc}
	old.CarryScopes(carried, map[string]bool{units[0].Code: true}, false)
	old.WarmScopes(carried)
	if _, ok := carried.scopes.byPeriod[whole.Index()][units[0].Code]; ok {
		t.Error("a snapshot that carried the month computed the touched unit again before a reader asked")
	}
	(&ProgressSnapshot{Calc: calc}).WarmScopes(carried) // nothing kept: nothing to warm, no panic
}
