package handlers

import (
	"slices"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

type boardRow struct {
	Code, Name, Status, StatusLabel, Color, FirstUpload, Version, Note string
	Locked, Reopened                                                   bool
}

type gridRow struct {
	Name  string
	Cells []gridCell
}

type gridCell struct{ Period, Status, Short, Label, Color string }

type deadlinesPageData struct {
	Office              bool
	Period, PeriodLabel string
	Deadline, LockDate  string
	LockAfterDays       int
	Counts              map[string]int
	Board               []boardRow
	Months              []string
	Grid                []gridRow
	Periods             []string
}

// deadlinesPage shows the completeness and timeliness board for a month and the grid of every
// unit over every month so far.
func (s *Server) deadlinesPage(c *fiber.Ctx) error {
	now := s.Config.Now()
	months := models.ReportingMonths(models.MustPeriod(s.Plan.StartPeriod), models.MustPeriod(s.Plan.EndPeriod), now)
	if len(months) == 0 {
		return models.Errorf(models.ENotFound, "方案尚未开始，没有需要报送的月份。")
	}
	period := months[len(months)-1]
	if q := c.Query("period"); q != "" {
		p, err := models.ParsePeriod(q)
		if err != nil || !s.Plan.ContainsPeriod(q) {
			return models.Errorf(models.EInvalid, "月份 %q 不在方案期内。", q)
		}
		period = p
	}
	board, err := s.Store.Board(s.Plan, months, period, now)
	if err != nil {
		return err
	}
	// The grid shows the latest months first: the ones being chased are on screen without scrolling.
	newestFirst := slices.Clone(months)
	slices.Reverse(newestFirst)
	data := deadlinesPageData{Office: currentUser(c).Role == models.RoleOffice, Period: period.String(), PeriodLabel: period.Label(),
		Deadline: board.Deadline.Format("2006-01-02"), LockDate: board.LockDate, LockAfterDays: board.LockAfterDays, Counts: map[string]int{}}
	for _, u := range s.Plan.ReportingUnits() {
		st := board.Grid[u.Code][period.String()]
		row := boardRow{Code: u.Code, Name: u.Name, Status: string(st), StatusLabel: st.Label(), Color: timelinessColor(st), Locked: board.Locked[u.Code], Reopened: board.Reopened[u.Code]}
		if sub, ok := board.Submissions[u.Code][period.String()]; ok {
			row.FirstUpload = sub.FirstUpload.In(models.ReportingZone()).Format("2006-01-02 15:04")
			row.Version = "第" + strconv.Itoa(sub.LatestNumber) + "版 " + models.ReviewStatus(sub.LatestStatus).Label()
			row.Note = sub.ReviewNote
		}
		data.Counts[string(st)]++
		data.Board = append(data.Board, row)
		g := gridRow{Name: u.Name}
		for _, m := range newestFirst {
			st := board.Grid[u.Code][m.String()]
			g.Cells = append(g.Cells, gridCell{Period: m.String(), Status: string(st), Short: shortTimeliness(st), Label: st.Label(), Color: timelinessColor(st)})
		}
		data.Grid = append(data.Grid, g)
	}
	for _, m := range newestFirst {
		data.Months = append(data.Months, m.String()[2:])
		data.Periods = append(data.Periods, m.String())
	}
	return s.render(c, "deadlines.html", "deadlines", "报送进度", data)
}

// timelinessColor maps a timeliness state onto the stylesheet's status colours.
func timelinessColor(t models.Timeliness) string {
	switch t {
	case models.OnTime:
		return "green"
	case models.Late:
		return "amber"
	case models.Missing:
		return "red"
	}
	return "grey"
}

// shortTimeliness is the one-character mark of the grid.
func shortTimeliness(t models.Timeliness) string {
	switch t {
	case models.OnTime:
		return "✓"
	case models.Late:
		return "迟"
	case models.Missing:
		return "缺"
	case models.NotYetDue:
		return "…"
	}
	return ""
}
