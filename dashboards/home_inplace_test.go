package dashboards

import (
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"ruralkpi/internal/teststore"
	"ruralkpi/models"
	"ruralkpi/store"
)

// syntheticCountry is a small synthetic country (2 provinces, 4 cities, 40 counties reporting)
// seeded into a fresh database, as `ruralkpi seed --synthetic` does at national scale.
func syntheticCountry(t *testing.T) (*store.Store, *models.Plan) {
	t.Helper()
	p, allocs, villages, err := models.SyntheticCountry(2, 4, 40)
	if err != nil {
		t.Fatal(err)
	}
	st := teststore.Open(t, filepath.Join(t.TempDir(), "country.db"))
	if err := st.SeedSynthetic(p, allocs, villages, func(string) {}); err != nil {
		t.Fatal(err)
	}
	return st, p
}

// TestNewlyRedInPlaceIsTheTracedList checks that NewlyRed over the read model's kept values
// (Input.Scopes: each unit's month before read in place) is, in every month, the list computed
// and traced value by value: on the demo city and on a small synthetic country. It also checks the
// months compared have values newly red and values red in both months (which the list leaves out).
func TestNewlyRedInPlaceIsTheTracedList(t *testing.T) {
	demo, demoPlan := teststore.Demo(t)
	country, countryPlan := syntheticCountry(t)
	for _, tc := range []struct {
		name string
		st   *store.Store
		plan *models.Plan
	}{{"demo city", demo, demoPlan}, {"synthetic country", country, countryPlan}} {
		t.Run(tc.name, func(t *testing.T) {
			snap, err := tc.st.Progress(tc.plan)
			if err != nil {
				t.Fatal(err)
			}
			newly, stillRed := 0, 0
			for _, period := range models.PeriodsBetween(models.MustPeriod(tc.plan.StartPeriod), models.MustPeriod(tc.plan.EndPeriod)) {
				traced := Input{Calc: snap.Calc, Period: period}
				inPlace := traced
				inPlace.Scopes = snap.ScopeProgress
				got, want := NewlyRed(inPlace), NewlyRed(traced)
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s: %d values newly red in place, want %d\n%+v\nwant\n%+v", period, len(got), len(want), got, want)
				}
				reds := 0
				for _, u := range tc.plan.ReportingUnits() {
					for _, pr := range traced.ForScope(u.Code, period) {
						if pr.Status == models.StatusRed && !pr.NotStarted {
							reds++
						}
					}
				}
				newly, stillRed = newly+len(want), stillRed+reds-len(want)
			}
			if newly == 0 || stillRed == 0 {
				t.Errorf("%d values newly red and %d red in both months in all months: the comparison needs both", newly, stillRed)
			}
		})
	}
}

// TestOfficeHomeListsAreCapped checks that the office's home lists at most MaxHomeRows units not
// filed, units late and values newly red, the first ones in order, and counts the rest; and that
// the demo city's home, in every month, lists everything (nothing past the cap).
func TestOfficeHomeListsAreCapped(t *testing.T) {
	now := time.Date(2025, 10, 4, 9, 0, 0, 0, models.ReportingZone())
	t.Run("synthetic country", func(t *testing.T) {
		st, p := syntheticCountry(t)
		snap, err := st.Progress(p)
		if err != nil {
			t.Fatal(err)
		}
		period := models.MustPeriod("2025-09")
		last := period.AddMonths(-1).String()
		board := models.Board{Grid: map[string]map[string]models.Timeliness{}}
		units := p.ReportingUnits()
		for k, u := range units { // every unit missing this month; every one but the first late last month
			board.Grid[u.Code] = map[string]models.Timeliness{period.String(): models.Missing, last: models.OnTime}
			if k > 0 {
				board.Grid[u.Code][last] = models.Late
			}
		}
		var data Input // the month with the most values newly red
		var all []Figure
		for _, m := range models.PeriodsBetween(models.MustPeriod(p.StartPeriod), models.MustPeriod(p.EndPeriod)) {
			in := Input{Calc: snap.Calc, Period: m, Scopes: snap.ScopeProgress}
			if reds := NewlyRed(in); len(reds) > len(all) {
				data, all = in, reds
			}
		}
		subs := map[string]map[string]models.Submission{} // every unit's September waiting for review, uploaded in unit order
		var ledgers []models.LedgerSnapshot               // and as many ledgers
		for k, u := range units {
			subs[u.Code] = map[string]models.Submission{period.String(): {LatestID: uint(k + 1), LatestNumber: 1,
				LatestStatus: models.StatusSubmitted, LatestUpload: now.Add(time.Duration(k) * time.Second)}}
			ledgers = append(ledgers, models.LedgerSnapshot{ID: uint(k + 1), UnitCode: u.Code, Period: period.String(), Number: 1})
		}
		d := NewOfficeTenthPage(p, OfficeTenthInput{Period: period, Board: board, Data: data, Now: now, Submissions: subs, PendingLedgers: ledgers})
		lateUnits := len(units) - 1
		for _, c := range []struct {
			name              string
			shown, more, want int
		}{{"not filed", len(d.NotFiled), d.NotFiledMore, len(units)}, {"late", len(d.Late), d.LateMore, lateUnits},
			{"newly red", len(d.NewlyRed), d.NewlyRedMore, len(all)}, {"waiting", len(d.Waiting), d.WaitingMore, len(units)},
			{"waiting ledgers", len(d.WaitingLedgers), d.WaitingLedgersMore, len(units)}} {
			if c.want <= MaxHomeRows {
				t.Fatalf("%s: %d in all: the synthetic country needs more than %d", c.name, c.want, MaxHomeRows)
			}
			if c.shown != MaxHomeRows || c.more != c.want-MaxHomeRows {
				t.Errorf("%s: %d shown and %d more, want %d and %d", c.name, c.shown, c.more, MaxHomeRows, c.want-MaxHomeRows)
			}
		}
		for k, f := range d.NewlyRed {
			if f.Scope != all[k].Scope || f.Indicator != all[k].Indicator {
				t.Errorf("newly red %d: %s %s, want %s %s", k, f.Scope, f.Indicator, all[k].Scope, all[k].Indicator)
			}
		}
		if newest := units[len(units)-1]; d.Waiting[0].ID != uint(len(units)) || d.Waiting[0].UnitName != newest.Name {
			t.Errorf("waiting starts with %+v, want the newest upload (%s)", d.Waiting[0], newest.Name)
		}
		if d.NotFiled[0].Code != units[0].Code || d.Late[0].Code != units[1].Code || d.LastPeriod != last {
			t.Errorf("lists start %s, %s (last month %s)", d.NotFiled[0].Code, d.Late[0].Code, d.LastPeriod)
		}
	})
	t.Run("demo city", func(t *testing.T) {
		st, p := teststore.Demo(t)
		snap, err := st.Progress(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, period := range models.PeriodsBetween(models.MustPeriod(p.StartPeriod).AddMonths(1), models.MustPeriod(p.EndPeriod)) {
			board, err := st.Board(p, []models.Period{period.AddMonths(-1)}, period, now)
			if err != nil {
				t.Fatal(err)
			}
			data := Input{Calc: snap.Calc, Period: period, Scopes: snap.ScopeProgress}
			d := NewOfficeTenthPage(p, OfficeTenthInput{Period: period, Board: board, Data: data, Now: now, Submissions: snap.Submissions})
			if more := fmt.Sprint(d.NotFiledMore, d.LateMore, d.NewlyRedMore, d.WaitingMore); more != "0 0 0 0" || len(d.NewlyRed) != len(NewlyRed(data)) {
				t.Errorf("%s: %s left out, %d of %d newly red listed", period, more, len(d.NewlyRed), len(NewlyRed(data)))
			}
		}
	})
}
