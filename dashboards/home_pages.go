package dashboards

import (
	"sort"
	"strconv"
	"time"

	"ruralkpi/models"
)

// CollectingMonth is the month whose returns are being collected on the clock's day, kept inside
// the plan (after the plan's end: its last month), and the reporting months so far.
func CollectingMonth(p *models.Plan, now time.Time) (models.Period, []models.Period) {
	start, end := models.MustPeriod(p.StartPeriod), models.MustPeriod(p.EndPeriod)
	period := models.ReportingMonth(now)
	if end.Before(period) {
		period = end
	}
	if period.Before(start) {
		period = start
	}
	return period, models.ReportingMonths(start, end, now)
}

// MonthState is the state of a unit's return for a month, in the words of the review
// (models.ReviewStatus.Label), 未报 when nothing was filed.
type MonthState struct {
	Label, Color, Reason, Version string
}

// MonthStateOf is the state of a unit's return for a month from its submission (filed: there is one).
func MonthStateOf(sub models.Submission, filed bool) MonthState {
	switch {
	case !filed:
		return MonthState{Label: "未报", Color: "grey"}
	case sub.LatestStatus == models.StatusReturned:
		return MonthState{Label: models.ReviewStatus(sub.LatestStatus).Label(), Color: "red", Reason: sub.ReviewNote}
	case sub.LatestStatus == models.StatusApproved:
		return MonthState{Label: models.ReviewStatus(sub.LatestStatus).Label(), Color: "green"}
	}
	return MonthState{Label: models.ReviewStatus(models.StatusSubmitted).Label(), Color: "amber"}
}

// MyMonthPage is the county clerk's home (/): the month being collected and what to act on.
type MyMonthPage struct {
	UnitCode, UnitName        string
	Period, PeriodLabel       string
	Deadline, LockDate        string
	State                     MonthState
	CanUpload                 bool
	LockedMessage             string
	TemplateURL               string
	DataLabel                 string
	Attention                 []Figure
	FollowUps                 []FollowUpRow
	LastMonthLabel            string
	LastMonth                 []LastMonthFigure
	LastMonthState            MonthState
	HasLastMonth, PlanIsOver  bool
	UnitLink, HistoryLink     string
	ReturnsLink, FollowUpLink string
}

// LastMonthFigure is a figure of the unit's return of the month before, on the clerk's home.
type LastMonthFigure struct{ Name, Value, Unit, Note string }

// MyMonthInput is what the clerk's home is built from, read by the handler.
type MyMonthInput struct {
	Unit   string
	Period models.Period // the month being collected (CollectingMonth)
	Board  models.Board  // the deadlines board of Period
	// LockedMessage says why the unit may not file Period; read only when the board locks it.
	LockedMessage string
	Data          Input                // the dashboards' input of the latest month with data
	FollowUps     []models.FollowUp    // the unit's follow-ups
	LastMonth     models.ReturnVersion // the unit's latest version of the month before Period
	Now           time.Time
}

// NewMyMonthPage builds the county clerk's home.
func NewMyMonthPage(p *models.Plan, in MyMonthInput) MyMonthPage {
	unit, period, board := in.Unit, in.Period, in.Board
	sub, filed := board.Submissions[unit][period.String()]
	un, _ := p.Unit(unit)
	d := MyMonthPage{UnitCode: unit, UnitName: un.Name, Period: period.String(), PeriodLabel: period.Label(),
		Deadline: models.FormatLocalDate(board.Deadline), LockDate: board.LockDate,
		State: MonthStateOf(sub, filed), CanUpload: !board.Locked[unit],
		TemplateURL: "/api/v1/returns/template?county=" + unit + "&period=" + period.String(),
		ReturnsLink: "/returns?period=" + period.String(), UnitLink: "/counties/" + unit, HistoryLink: "/returns/history",
		PlanIsOver: models.MustPeriod(p.EndPeriod).Before(models.ReportingMonth(in.Now))}
	if !d.CanUpload {
		d.LockedMessage = in.LockedMessage
	}
	d.DataLabel, d.Attention = in.Data.Period.Label(), Attention(in.Data, unit)
	d.FollowUps = OpenFollowUpRows(p, in.FollowUps, in.Now, false)
	last := period.AddMonths(-1)
	d.LastMonthLabel = last.Label()
	lastSub, lastFiled := board.Submissions[unit][last.String()]
	d.LastMonthState = MonthStateOf(lastSub, lastFiled)
	for _, val := range in.LastMonth.Values {
		ind, _ := p.Indicator(val.Indicator)
		d.LastMonth = append(d.LastMonth, LastMonthFigure{Name: ind.Name, Value: models.FormatNumber(val.Value), Unit: ind.Unit, Note: val.Note})
	}
	d.HasLastMonth = len(d.LastMonth) > 0
	return d
}

// OfficeTenthPage is the office's home: what to do before the 10th's consolidated report.
type OfficeTenthPage struct {
	Period, PeriodLabel, Deadline, LockDate string
	NotFiled, Late                          []UnitState
	// NotFiledMore, LateMore, NewlyRedMore, WaitingMore and WaitingLedgersMore count the units
	// (values, versions) past MaxHomeRows that their lists leave out, for the link to the full list
	// (the deadlines board, the monthly workbook, the review page).
	NotFiledMore, LateMore, NewlyRedMore, WaitingMore, WaitingLedgersMore int
	LastPeriod                                                            string // the month before Period, whose late returns Late lists
	Waiting                                                               []WaitingVersion
	WaitingLedgers                                                        []WaitingVersion
	DataLabel, DataPeriod                                                 string
	NewlyRed                                                              []RedLine
	Overdue                                                               []FollowUpRow
	Gaps                                                                  []AllocationGap
	Year                                                                  int
}

// MaxHomeRows bounds each list of units or values on the office's home: at national scale the
// month's missing returns and newly red values run to thousands, which nobody reads on a home page;
// the rest are counted and linked to their full list. A city (the demo: 10 units, at most 12 values
// newly red in a month) stays under it.
const MaxHomeRows = 20

// UnitState is a unit whose return is missing or late, on the office's home.
type UnitState struct{ Code, Name, Label, Color string }

// WaitingVersion is a return version or ledger snapshot waiting for review, on the office's home.
type WaitingVersion struct {
	ID                              uint
	UnitName, Period, Version, When string
}

// RedLine is a figure newly red without a follow-up, with the link that opens one.
type RedLine struct {
	Figure
	FollowUpLink string
}

// AllocationGap is an indicator whose unit allocations do not add up to the city target.
type AllocationGap struct{ Name, Target, Allocated, Label, Color string }

// OfficeTenthInput is what the office's home is built from, read by the handler.
type OfficeTenthInput struct {
	Period models.Period // the month being collected (CollectingMonth)
	// Board is the deadlines board of Period with the month before in its grid.
	Board          models.Board
	Submissions    map[string]map[string]models.Submission
	PendingLedgers []models.LedgerSnapshot // the newest snapshots awaiting review
	Data           Input                   // the dashboards' input of the latest month with data
	FollowUps      []models.FollowUp       // every unit's follow-ups
	Targets        []models.TargetRecord   // the city targets of Data's year
	Now            time.Time
}

// NewOfficeTenthPage builds the office's home.
func NewOfficeTenthPage(p *models.Plan, in OfficeTenthInput) OfficeTenthPage {
	period, board := in.Period, in.Board
	d := OfficeTenthPage{Period: period.String(), PeriodLabel: period.Label(), LockDate: board.LockDate,
		Deadline: models.FormatLocalDate(board.Deadline)}
	last := period.AddMonths(-1).String()
	d.LastPeriod = last
	for _, u := range p.ReportingUnits() {
		st := board.Grid[u.Code][period.String()]
		if st == models.Missing || st == models.NotYetDue {
			if len(d.NotFiled) < MaxHomeRows {
				d.NotFiled = append(d.NotFiled, UnitState{u.Code, u.Name, st.Label(), TimelinessColor(st)})
			} else {
				d.NotFiledMore++
			}
		}
		if st := board.Grid[u.Code][last]; st == models.Late || st == models.Missing {
			if len(d.Late) < MaxHomeRows {
				d.Late = append(d.Late, UnitState{u.Code, u.Name, last[:4] + "年" + strconv.Itoa(models.MustPeriod(last).Month) + "月" + st.Label(), TimelinessColor(st)})
			} else {
				d.LateMore++
			}
		}
	}
	d.Waiting, d.WaitingLedgers = waitingReviews(p, in.Submissions, in.PendingLedgers)
	if n := len(d.Waiting); n > MaxHomeRows { // on the reporting days of a province, hundreds
		d.Waiting, d.WaitingMore = d.Waiting[:MaxHomeRows], n-MaxHomeRows
	}
	if n := len(d.WaitingLedgers); n > MaxHomeRows {
		d.WaitingLedgers, d.WaitingLedgersMore = d.WaitingLedgers[:MaxHomeRows], n-MaxHomeRows
	}
	d.DataLabel, d.DataPeriod = in.Data.Period.Label(), in.Data.Period.String()
	followed := map[string]bool{}
	for _, f := range OpenFollowUpRows(p, in.FollowUps, in.Now, false) {
		followed[f.UnitCode+" "+f.Indicator] = true
		if f.Overdue {
			d.Overdue = append(d.Overdue, f)
		}
	}
	due := FollowUpDue(in.Now)
	eachNewlyRed(in.Data, func(pr models.Progress) {
		switch {
		case followed[pr.Scope+" "+pr.Indicator]:
		case len(d.NewlyRed) < MaxHomeRows:
			f := newlyRedFigure(p, pr)
			d.NewlyRed = append(d.NewlyRed, RedLine{Figure: f, FollowUpLink: FollowUpLink(f.Scope, f.Indicator, FollowUpTitle(f), due)})
		default:
			d.NewlyRedMore++
		}
	})
	d.Year = in.Data.Period.Year
	d.Gaps = allocationGaps(p, d.Year, in.Targets, in.Data.Calc.Reference().Allocations)
	return d
}

// waitingReviews lists the newest return versions (newest upload first) and ledger snapshots still
// waiting for review.
func waitingReviews(p *models.Plan, subs map[string]map[string]models.Submission, pendingLedgers []models.LedgerSnapshot) (returns, ledgers []WaitingVersion) {
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
		returns = append(returns, WaitingVersion{ID: v.sub.LatestID, UnitName: p.UnitName(v.unit), Period: v.period,
			Version: "第" + strconv.Itoa(v.sub.LatestNumber) + "版", When: models.FormatShortLocalTime(v.sub.LatestUpload)})
	}
	for _, sn := range pendingLedgers {
		ledgers = append(ledgers, WaitingVersion{ID: sn.ID, UnitName: p.UnitName(sn.UnitCode), Period: sn.Period,
			Version: "第" + strconv.Itoa(sn.Number) + "版", When: models.FormatShortLocalTime(sn.UploadedAt)})
	}
	return returns, ledgers
}

// allocationGaps lists the year's indicators whose unit allocations (the read model's, indicator →
// year → unit) do not add up to the city target.
func allocationGaps(p *models.Plan, year int, targets []models.TargetRecord, allocations map[string]map[int]map[string]float64) []AllocationGap {
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
	var out []AllocationGap
	for _, ind := range models.Allocatable(p) {
		t, ok := target[ind.Code]
		if !ok || ind.Kind == models.KindRate {
			continue
		}
		if b := models.AllocationBalance(t, sum[ind.Code], n[ind.Code]); b != models.BalanceExact {
			out = append(out, AllocationGap{Name: ind.Name, Target: models.FormatNumber(t), Allocated: models.FormatNumber(sum[ind.Code]), Label: b.Label(), Color: BalanceColor(b)})
		}
	}
	return out
}
