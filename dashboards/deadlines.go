package dashboards

import (
	"net/url"
	"slices"
	"strconv"

	"ruralkpi/models"
)

// BoardRow is one reporting unit on the deadlines board: how its return for the month stands.
type BoardRow struct {
	Code, Name, Status, StatusLabel, Color, FirstUpload, Version, Note string
	Locked, Reopened                                                   bool
}

// GridYear is one year of the deadlines grid: at most twelve months, newest first, so that a year
// fits a laptop's width without scrolling sideways.
type GridYear struct {
	Year   string
	Months []string // column heads, "9月"
	Rows   []GridRow
}

// GridRow is one unit's line of a year of the deadlines grid, newest month first.
type GridRow struct {
	Name  string
	Cells []GridCell
}

// GridCell is one unit and month of the deadlines grid.
type GridCell struct{ Period, Link, Status, Short, Label, Color string }

// AreaRow is a unit above the reporting units on the deadlines board (a province, a city): how the
// returns of the units below it stand for the month, linking to its own board.
type AreaRow struct {
	Code, Name string
	Link       string
	Units      int
	Counts     map[string]int // by timeliness state, as DeadlinesPage.Counts
}

// DeadlinesPage is the completeness and timeliness board for a month and the grid of the units over
// every month so far (/deadlines), for one unit of the tree (Scope, the plan's root unless the
// address names another): the reporting units directly below it each have a row, the units above
// reporting units a summary row that opens their own board — so that a province's or the country's
// board stays a page of tens of rows, not every county's (11 MB for the whole country).
type DeadlinesPage struct {
	Office              bool
	Period, PeriodLabel string
	Deadline, LockDate  string
	LockAfterDays       int
	// Scope is the unit whose board this is; Trail its ancestors from the root down, each with the
	// address of its board.
	Scope models.Unit
	Trail []AreaRow
	// Counts is over every reporting unit below Scope.
	Counts map[string]int
	Areas  []AreaRow
	Board  []BoardRow
	// Years is the grid of Board's units over every month so far, newest year first.
	Years   []GridYear
	Periods []string
}

// DeadlinesLink is the address of the board of a unit for a month; the root's is the plain board.
func DeadlinesLink(p *models.Plan, period, unit string) string {
	q := url.Values{"period": {period}}
	if unit != p.Root.Code {
		q.Set("unit", unit)
	}
	return "/deadlines?" + q.Encode()
}

// NewDeadlinesPage builds the deadlines page of scope for period from the store's board over months
// (the reporting months so far, oldest first); office shows the office's actions.
func NewDeadlinesPage(p *models.Plan, board models.Board, months []models.Period, period models.Period, scope models.Unit, office bool) DeadlinesPage {
	// The grid shows the latest months first: the ones being chased are on screen without scrolling.
	newestFirst := slices.Clone(months)
	slices.Reverse(newestFirst)
	page := DeadlinesPage{Office: office, Period: period.String(), PeriodLabel: period.Label(), Scope: scope,
		Deadline: board.Deadline.Format("2006-01-02"), LockDate: board.LockDate, LockAfterDays: board.LockAfterDays, Counts: map[string]int{}}
	for code := p.Parent(scope.Code); code != ""; code = p.Parent(code) {
		page.Trail = append([]AreaRow{{Code: code, Name: p.UnitShortName(code), Link: DeadlinesLink(p, period.String(), code)}}, page.Trail...)
	}
	for _, u := range p.Leaves(scope.Code) {
		page.Counts[string(board.Grid[u.Code][period.String()])]++
	}
	var units []models.Unit // the reporting units with a row of their own
	for _, c := range scope.Children {
		if len(c.Children) == 0 {
			units = append(units, c)
			continue
		}
		area := AreaRow{Code: c.Code, Name: c.Name, Link: DeadlinesLink(p, period.String(), c.Code), Counts: map[string]int{}}
		for _, u := range p.Leaves(c.Code) {
			area.Units++
			area.Counts[string(board.Grid[u.Code][period.String()])]++
		}
		page.Areas = append(page.Areas, area)
	}
	if len(scope.Children) == 0 {
		units = []models.Unit{scope}
	}
	for _, u := range units {
		st := board.Grid[u.Code][period.String()]
		row := BoardRow{Code: u.Code, Name: u.Name, Status: string(st), StatusLabel: st.Label(), Color: TimelinessColor(st), Locked: board.Locked[u.Code], Reopened: board.Reopened[u.Code]}
		if sub, ok := board.Submissions[u.Code][period.String()]; ok {
			row.FirstUpload = models.FormatLocalTime(sub.FirstUpload)
			row.Version = "第" + strconv.Itoa(sub.LatestNumber) + "版 " + models.ReviewStatus(sub.LatestStatus).Label()
			row.Note = sub.ReviewNote
		}
		page.Board = append(page.Board, row)
	}
	for _, m := range newestFirst {
		page.Periods = append(page.Periods, m.String())
		if len(units) == 0 {
			continue
		}
		if n := len(page.Years); n == 0 || page.Years[n-1].Year != strconv.Itoa(m.Year) {
			page.Years = append(page.Years, GridYear{Year: strconv.Itoa(m.Year)})
		}
		page.Years[len(page.Years)-1].Months = append(page.Years[len(page.Years)-1].Months, strconv.Itoa(m.Month)+"月")
	}
	for i := range page.Years {
		y := &page.Years[i]
		for _, u := range units {
			g := GridRow{Name: u.Name}
			for _, m := range newestFirst {
				if strconv.Itoa(m.Year) != y.Year {
					continue
				}
				st := board.Grid[u.Code][m.String()]
				g.Cells = append(g.Cells, GridCell{Period: m.String(), Link: DeadlinesLink(p, m.String(), scope.Code), Status: string(st),
					Short: shortTimeliness(st), Label: st.Label(), Color: TimelinessColor(st)})
			}
			y.Rows = append(y.Rows, g)
		}
	}
	return page
}

// TimelinessColor maps a timeliness state onto the stylesheet's status colours.
func TimelinessColor(t models.Timeliness) string {
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
