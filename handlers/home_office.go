package handlers

import (
	"sort"
	"strconv"
	"time"

	"ruralkpi/dashboards"
	"ruralkpi/models"
)

// officeTenthData is the office's home: what to do before the 10th's consolidated report.
type officeTenthData struct {
	Period, PeriodLabel, Deadline, LockDate string
	NotFiled, Late                          []unitState
	Waiting                                 []waitingVersion
	WaitingLedgers                          []waitingVersion
	DataLabel, DataPeriod                   string
	NewlyRed                                []redLine
	Overdue                                 []dashboards.FollowUpRow
	Gaps                                    []allocationGap
	Year                                    int
}

type unitState struct{ Code, Name, Label, Color string }

type waitingVersion struct {
	ID                              uint
	UnitName, Period, Version, When string
}

type redLine struct {
	dashboards.Figure
	FollowUpLink string
}

type allocationGap struct{ Name, Target, Allocated, Label, Color string }

func (s *Server) officeTenth() (officeTenthData, error) {
	now := s.Config.Now()
	period, months := s.collectingMonth(now)
	// The page shows this month's column and last month's: the grid needs no other month.
	var grid []models.Period
	if len(months) > 0 && !period.AddMonths(-1).Before(months[0]) {
		grid = []models.Period{period.AddMonths(-1)}
	}
	board, err := s.Store.Board(s.Plan, grid, period, now)
	if err != nil {
		return officeTenthData{}, err
	}
	d := officeTenthData{Period: period.String(), PeriodLabel: period.Label(), LockDate: board.LockDate,
		Deadline: board.Deadline.In(models.ReportingZone()).Format("2006年1月2日")}
	last := period.AddMonths(-1).String()
	for _, u := range s.Plan.ReportingUnits() {
		st := board.Grid[u.Code][period.String()]
		if st == models.Missing || st == models.NotYetDue {
			d.NotFiled = append(d.NotFiled, unitState{u.Code, u.Name, st.Label(), dashboards.TimelinessColor(st)})
		}
		if st := board.Grid[u.Code][last]; st == models.Late || st == models.Missing {
			d.Late = append(d.Late, unitState{u.Code, u.Name, last[:4] + "年" + strconv.Itoa(models.MustPeriod(last).Month) + "月" + st.Label(), dashboards.TimelinessColor(st)})
		}
	}
	if d.Waiting, d.WaitingLedgers, err = s.waitingReviews(); err != nil {
		return d, err
	}
	in, err := s.dashboardInput("")
	if err != nil {
		return d, err
	}
	d.DataLabel, d.DataPeriod = in.Period.Label(), in.Period.String()
	open, err := s.followUpRows("", now, false)
	if err != nil {
		return d, err
	}
	followed := map[string]bool{}
	for _, f := range open {
		followed[f.UnitCode+" "+f.Indicator] = true
		if f.Overdue {
			d.Overdue = append(d.Overdue, f)
		}
	}
	for _, f := range dashboards.NewlyRed(in) {
		if !followed[f.Scope+" "+f.Indicator] {
			d.NewlyRed = append(d.NewlyRed, redLine{Figure: f, FollowUpLink: s.followUpLink(f, now)})
		}
	}
	d.Year = in.Period.Year
	d.Gaps, err = s.allocationGaps(d.Year, in.Calc.Reference().Allocations)
	return d, err
}

// followUpLink opens the follow-up form prefilled for a red figure, with a due day two weeks on.
func (s *Server) followUpLink(f dashboards.Figure, now time.Time) string {
	return dashboards.FollowUpLink(f.Scope, f.Indicator, dashboards.FollowUpTitle(f), dashboards.FollowUpDue(now))
}

// waitingReviews lists the newest return versions (newest upload first) and ledger snapshots still
// waiting for review.
func (s *Server) waitingReviews() (returns, ledgers []waitingVersion, err error) {
	subs, err := s.Store.Submissions()
	if err != nil {
		return nil, nil, err
	}
	type waiting struct {
		unit, period string
		sub          models.Submission
	}
	var vs []waiting
	for unit, months := range subs {
		for period, sub := range months {
			if sub.LatestStatus == models.StatusSubmitted { // only the newest version is reviewed
				vs = append(vs, waiting{unit, period, sub})
			}
		}
	}
	sort.Slice(vs, func(i, j int) bool {
		a, b := vs[i].sub, vs[j].sub
		if !a.LatestUpload.Equal(b.LatestUpload) {
			return a.LatestUpload.After(b.LatestUpload)
		}
		return a.LatestID > b.LatestID
	})
	for _, v := range vs {
		returns = append(returns, waitingVersion{ID: v.sub.LatestID, UnitName: s.Plan.UnitName(v.unit), Period: v.period,
			Version: "第" + strconv.Itoa(v.sub.LatestNumber) + "版", When: v.sub.LatestUpload.In(models.ReportingZone()).Format("01-02 15:04")})
	}
	lr, err := s.Store.LedgerReviews("", 20)
	if err != nil {
		return nil, nil, err
	}
	for _, sn := range lr.Pending {
		ledgers = append(ledgers, waitingVersion{ID: sn.ID, UnitName: s.Plan.UnitName(sn.UnitCode), Period: sn.Period,
			Version: "第" + strconv.Itoa(sn.Number) + "版", When: sn.UploadedAt.In(models.ReportingZone()).Format("01-02 15:04")})
	}
	return returns, ledgers, nil
}

// allocationGaps lists the year's indicators whose unit allocations (the read model's, indicator →
// year → unit) do not add up to the city target.
func (s *Server) allocationGaps(year int, allocations map[string]map[int]map[string]float64) ([]allocationGap, error) {
	targets, err := s.Store.Targets(year)
	if err != nil {
		return nil, err
	}
	sum, n := map[string]float64{}, map[string]int{}
	for ind, byYear := range allocations {
		units := make([]string, 0, len(byYear[year]))
		for u := range byYear[year] {
			units = append(units, u)
		}
		sort.Strings(units) // added in the stored order (Store.Allocations), so the sum is the same to the bit
		for _, u := range units {
			sum[ind] += byYear[year][u]
		}
		n[ind] = len(units)
	}
	target := map[string]float64{}
	for _, t := range targets {
		target[t.Indicator] = t.Value
	}
	var out []allocationGap
	for _, ind := range models.Allocatable(s.Plan) {
		t, ok := target[ind.Code]
		if !ok || ind.Kind == models.KindRate {
			continue
		}
		if b := models.AllocationBalance(t, sum[ind.Code], n[ind.Code]); b != models.BalanceExact {
			out = append(out, allocationGap{Name: ind.Name, Target: models.FormatNumber(t), Allocated: models.FormatNumber(sum[ind.Code]), Label: b.Label(), Color: dashboards.BalanceColor(b)})
		}
	}
	return out, nil
}
