package reports

import (
	"fmt"
	"io"
	"path/filepath"
	"reflect"
	"testing"

	"ruralkpi/internal/teststore"
	"ruralkpi/models"
	"ruralkpi/store"
)

// TestBriefingInPlaceIsTheBriefing checks that the briefing built from LoadBriefing (the read model's
// values in place, the top without sources) is, in every month, the one built from Load (every value
// copied and traced), and so are the values newly red: on the demo city (the reporting units directly
// below the root) and on a small synthetic country (provinces, cities, counties), whose months have
// values newly red at the top and in the counties.
func TestBriefingInPlaceIsTheBriefing(t *testing.T) {
	demo, demoPlan := teststore.Demo(t)
	p, allocs, villages, err := models.SyntheticCountry(2, 4, 12)
	if err != nil {
		t.Fatal(err)
	}
	country := teststore.Open(t, filepath.Join(t.TempDir(), "country.db"))
	if err := country.SeedSynthetic(p, allocs, villages, func(string) {}); err != nil {
		t.Fatal(err)
	}
	for i := range p.Indicators {
		p.Indicators[i].Headline = i < 4 || i >= 12 && i < 15
	}
	for _, tc := range []struct {
		name  string
		st    *store.Store
		plan  *models.Plan
		end   string
		below bool // units below those directly below the root report
	}{{"demo city", demo, demoPlan, "2025-12", false}, {"synthetic country", country, p, p.EndPeriod, true}} {
		t.Run(tc.name, func(t *testing.T) {
			top, below := 0, 0 // values newly red at the root or the units below it, and below those
			topUnits := map[string]bool{tc.plan.Root.Code: true}
			for _, u := range tc.plan.Root.Children {
				topUnits[u.Code] = true
			}
			for _, period := range models.PeriodsBetween(models.MustPeriod(tc.plan.StartPeriod), models.MustPeriod(tc.end)) {
				flat, err := Load(tc.st, tc.plan, period, afterPlanTime())
				if err != nil {
					t.Fatal(err)
				}
				inPlace, err := LoadBriefing(tc.st, tc.plan, period, afterPlanTime())
				if err != nil {
					t.Fatal(err)
				}
				b := BuildBriefing(inPlace)
				if want := BuildBriefing(flat); !reflect.DeepEqual(b, want) {
					t.Errorf("%s: briefing in place\n%+v\nwant\n%+v", period, b, want)
				}
				for _, r := range b.Ranking {
					if u, _ := tc.plan.Unit(r.Code); len(u.Children) == 0 {
						continue
					}
					var rows []ReturnRow // the returns of the reporting units below the ranked unit
					for _, l := range tc.plan.Leaves(r.Code) {
						for _, row := range flat.Returns {
							if row.Unit == l.Code {
								rows = append(rows, row)
							}
						}
					}
					c := CountReturns(rows)
					if want := fmt.Sprintf("按时%d/%d", c.OnTime, c.Expected); r.Returns != want || c.Expected == 0 {
						t.Errorf("%s: %s's returns %q, want %q", period, r.Unit, r.Returns, want)
					}
				}
				got, want := NewlyRed(inPlace), NewlyRed(flat)
				if len(got) != len(want) {
					t.Fatalf("%s: %d values newly red in place, want %d", period, len(got), len(want))
				}
				for k := range want {
					g, w := got[k], want[k]
					for _, pr := range []*models.Progress{&g.Current, &g.Previous, &w.Current, &w.Previous} {
						pr.Sources, pr.AllApproved = nil, false // the top's are not traced in place
					}
					if !reflect.DeepEqual(g, w) {
						t.Errorf("%s: newly red %d in place\n%+v\nwant\n%+v", period, k, g, w)
					}
					if topUnits[w.Current.Scope] {
						top++
					} else {
						below++
					}
				}
			}
			if top == 0 || tc.below && below == 0 {
				t.Errorf("%d values newly red at the top and %d below it in all months: the comparison needs them", top, below)
			}
		})
	}
}

// TestMonthlyRefusesBriefingInput checks that the workbook, which prints every unit's values and
// their sources, is not written from BriefingInput's (the top only, untraced).
func TestMonthlyRefusesBriefingInput(t *testing.T) {
	st, p := teststore.Demo(t)
	in, err := LoadBriefing(st, p, models.MustPeriod("2024-07"), afterPlanTime())
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteMonthly(io.Discard, in, MonthlyOptions{}); err == nil {
		t.Error("the monthly workbook was written from the briefing's input")
	}
}
