package handlers

import (
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
	"ruralkpi/models"
)

// homePage is `/` after sign-in: a county clerk's month, the office's "10th", and the overview for
// leaders (and anyone else).
func (s *Server) homePage(c *fiber.Ctx) error {
	u := currentUser(c)
	switch {
	case u != nil && u.Role == models.RoleCounty && c.Query("period") == "":
		data, err := s.myMonth(u.UnitCode)
		if err != nil {
			return err
		}
		return s.render(c, "home_county.html", "home", "我的本月", data)
	case u != nil && u.Role == models.RoleOffice && c.Query("period") == "":
		return s.cached(s.officeHome)(c)
	}
	// The leader's home (and any month asked for) is the overview, from the page cache.
	return s.cached(s.overviewPage)(c)
}

// officeHome is the office's "10th", from the page cache: every write that changes what it shows
// (returns and reviews, ledgers, deadlines and the lock setting, follow-ups, targets and
// allocations) records a data change, and what the clock changes it changes at midnight in the
// reporting zone, which the cache key's day follows.
func (s *Server) officeHome(c *fiber.Ctx) error {
	data, err := s.officeTenth()
	if err != nil {
		return err
	}
	return s.render(c, "home_office.html", "home", "本月工作台", data)
}

// collectingMonth is the month whose returns are being collected on the clock's day, kept inside the
// plan (after the plan's end: its last month).
func (s *Server) collectingMonth(now time.Time) (models.Period, []models.Period) {
	start, end := models.MustPeriod(s.Plan.StartPeriod), models.MustPeriod(s.Plan.EndPeriod)
	p := models.ReportingMonth(now)
	if end.Before(p) {
		p = end
	}
	if p.Before(start) {
		p = start
	}
	return p, models.ReportingMonths(start, end, now)
}

// monthState is the state of a unit's return for a month, in the words of the review (models.ReviewStatus.Label), 未报 when nothing was filed.
type monthState struct {
	Label, Color, Reason, Version string
}

func stateOf(sub models.Submission, filed bool) monthState {
	switch {
	case !filed:
		return monthState{Label: "未报", Color: "grey"}
	case sub.LatestStatus == models.StatusReturned:
		return monthState{Label: models.ReviewStatus(sub.LatestStatus).Label(), Color: "red", Reason: sub.ReviewNote}
	case sub.LatestStatus == models.StatusApproved:
		return monthState{Label: models.ReviewStatus(sub.LatestStatus).Label(), Color: "green"}
	}
	return monthState{Label: models.ReviewStatus(models.StatusSubmitted).Label(), Color: "amber"}
}

// myMonthData is the county clerk's home.
type myMonthData struct {
	UnitCode, UnitName        string
	Period, PeriodLabel       string
	Deadline, LockDate        string
	State                     monthState
	CanUpload                 bool
	LockedMessage             string
	TemplateURL               string
	DataLabel                 string
	Attention                 []dashboards.Figure
	FollowUps                 []dashboards.FollowUpRow
	LastMonthLabel            string
	LastMonth                 []lastMonthFigure
	LastMonthState            monthState
	HasLastMonth, PlanIsOver  bool
	UnitLink, HistoryLink     string
	ReturnsLink, FollowUpLink string
}

type lastMonthFigure struct{ Name, Value, Unit, Note string }

func (s *Server) myMonth(unit string) (myMonthData, error) {
	now := s.Config.Now()
	period, months := s.collectingMonth(now)
	un, _ := s.Plan.Unit(unit)
	board, err := s.Store.Board(s.Plan, months, period, now)
	if err != nil {
		return myMonthData{}, err
	}
	sub, filed := board.Submissions[unit][period.String()]
	d := myMonthData{UnitCode: unit, UnitName: un.Name, Period: period.String(), PeriodLabel: period.Label(),
		Deadline: board.Deadline.In(models.ReportingZone()).Format("2006年1月2日"), LockDate: board.LockDate,
		State: stateOf(sub, filed), CanUpload: !board.Locked[unit],
		TemplateURL: "/api/v1/returns/template?county=" + unit + "&period=" + period.String(),
		ReturnsLink: "/returns?period=" + period.String(), UnitLink: "/counties/" + unit, HistoryLink: "/returns/history",
		PlanIsOver: models.MustPeriod(s.Plan.EndPeriod).Before(models.ReportingMonth(now))}
	if !d.CanUpload {
		check, err := s.Store.SubmitCheck(s.Plan, unit, period, now)
		if err != nil {
			return d, err
		}
		_, d.LockedMessage = models.CanSubmit(check)
	}
	in, err := s.dashboardInput("")
	if err != nil {
		return d, err
	}
	d.DataLabel, d.Attention = in.Period.Label(), dashboards.Attention(in, unit)
	if d.FollowUps, err = s.followUpRows(unit, now, false); err != nil {
		return d, err
	}
	last := period.AddMonths(-1)
	d.LastMonthLabel = last.Label()
	lastSub, lastFiled := board.Submissions[unit][last.String()]
	d.LastMonthState = stateOf(lastSub, lastFiled)
	v, err := s.Store.LatestVersion(unit, last.String())
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return d, err
	}
	for _, val := range v.Values {
		ind, _ := s.Plan.Indicator(val.Indicator)
		d.LastMonth = append(d.LastMonth, lastMonthFigure{Name: ind.Name, Value: models.FormatNumber(val.Value), Unit: ind.Unit, Note: val.Note})
	}
	d.HasLastMonth = len(d.LastMonth) > 0
	return d, nil
}

// followUpRows lists a unit's (or, with unit empty, every unit's) follow-ups not yet closed; with
// overdueOnly, only those past their due day.
func (s *Server) followUpRows(unit string, now time.Time, overdueOnly bool) ([]dashboards.FollowUpRow, error) {
	list, err := s.Store.FollowUps(unit)
	if err != nil {
		return nil, err
	}
	return dashboards.OpenFollowUpRows(s.Plan, list, now, overdueOnly), nil
}
