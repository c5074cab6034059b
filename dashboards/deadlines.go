package dashboards

import (
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
type GridCell struct{ Period, Status, Short, Label, Color string }

// DeadlinesPage is the completeness and timeliness board for a month and the grid of every unit
// over every month so far (/deadlines).
type DeadlinesPage struct {
	Office              bool
	Period, PeriodLabel string
	Deadline, LockDate  string
	LockAfterDays       int
	Counts              map[string]int
	Board               []BoardRow
	// Years is the grid of every unit over every month so far, newest year first.
	Years   []GridYear
	Periods []string
}

// NewDeadlinesPage builds the deadlines page for period from the store's board over months (the
// reporting months so far, oldest first); office shows the office's actions.
func NewDeadlinesPage(p *models.Plan, board models.Board, months []models.Period, period models.Period, office bool) DeadlinesPage {
	// The grid shows the latest months first: the ones being chased are on screen without scrolling.
	newestFirst := slices.Clone(months)
	slices.Reverse(newestFirst)
	page := DeadlinesPage{Office: office, Period: period.String(), PeriodLabel: period.Label(),
		Deadline: board.Deadline.Format("2006-01-02"), LockDate: board.LockDate, LockAfterDays: board.LockAfterDays, Counts: map[string]int{}}
	for _, u := range p.ReportingUnits() {
		st := board.Grid[u.Code][period.String()]
		row := BoardRow{Code: u.Code, Name: u.Name, Status: string(st), StatusLabel: st.Label(), Color: TimelinessColor(st), Locked: board.Locked[u.Code], Reopened: board.Reopened[u.Code]}
		if sub, ok := board.Submissions[u.Code][period.String()]; ok {
			row.FirstUpload = models.FormatLocalTime(sub.FirstUpload)
			row.Version = "第" + strconv.Itoa(sub.LatestNumber) + "版 " + models.ReviewStatus(sub.LatestStatus).Label()
			row.Note = sub.ReviewNote
		}
		page.Counts[string(st)]++
		page.Board = append(page.Board, row)
	}
	for _, m := range newestFirst {
		page.Periods = append(page.Periods, m.String())
		if n := len(page.Years); n == 0 || page.Years[n-1].Year != strconv.Itoa(m.Year) {
			page.Years = append(page.Years, GridYear{Year: strconv.Itoa(m.Year)})
		}
		page.Years[len(page.Years)-1].Months = append(page.Years[len(page.Years)-1].Months, strconv.Itoa(m.Month)+"月")
	}
	for i := range page.Years {
		y := &page.Years[i]
		for _, u := range p.ReportingUnits() {
			g := GridRow{Name: u.Name}
			for _, m := range newestFirst {
				if strconv.Itoa(m.Year) != y.Year {
					continue
				}
				st := board.Grid[u.Code][m.String()]
				g.Cells = append(g.Cells, GridCell{Period: m.String(), Status: string(st), Short: shortTimeliness(st), Label: st.Label(), Color: TimelinessColor(st)})
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
