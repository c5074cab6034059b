package dashboards

import (
	"ruralkpi/models"
)

// UnitStanding is a unit's overall standing in a month: how many of its judged indicators
// are at each status. Its overall status is red when at least a quarter of the judged indicators are
// red, amber when any is red or at least a quarter are red or amber, green otherwise; grey when
// nothing is judged.
type UnitStanding struct {
	Code         string
	Name         string // full name, as the map's outlines are named
	ShortName    string
	Link         string
	Status       string
	StatusLabel  string
	Counts       StatusCounts
	Judged       int
	OnTrackShare float64
	Share        string
	NotStarted   bool
	Start        string
	// Missing is true when the unit owed a return for the month and filed none.
	Missing bool
	// OffMap is true when the map has no outline for the unit (曲靖经开区): it is shown beside the map.
	OffMap bool
}

// overallShare is the share of judged indicators behind (red, or red and amber) that makes a unit's
// overall status red (amber).
const overallShare = 0.25

func standing(in Input, u models.Unit, figures []models.Progress, missing map[string]bool, mapFeatures map[string]bool) UnitStanding {
	p := in.Calc.Plan()
	st := UnitStanding{Code: u.Code, Name: u.Name, ShortName: p.UnitShortName(u.Code), Link: "/counties/" + u.Code + "?period=" + in.Period.String(),
		Start: p.UnitStart(u.Code), Missing: missing[u.Code]}
	st.OffMap = mapFeatures != nil && !mapFeatures[u.Name]
	for _, pr := range figures {
		if pr.NotStarted {
			st.NotStarted = true
		}
		if pr.Status == models.StatusGrey {
			continue
		}
		st.Counts.add(pr)
		st.Judged++
	}
	status := models.StatusGrey
	if st.Judged > 0 {
		st.OnTrackShare = float64(st.Counts.Green) / float64(st.Judged)
		st.Share = models.FormatPercent(st.OnTrackShare)
		judged := float64(st.Judged)
		switch {
		case float64(st.Counts.Red) >= overallShare*judged:
			status = models.StatusRed
		case st.Counts.Red > 0 || float64(st.Counts.Red+st.Counts.Amber) >= overallShare*judged:
			status = models.StatusAmber
		default:
			status = models.StatusGreen
		}
	}
	st.Status, st.StatusLabel = string(status), status.Label()
	if st.NotStarted {
		st.StatusLabel = "未开始报送"
	}
	return st
}

// Column is a column of the status matrix: the city, then each unit directly below it.
type Column struct {
	Code string
	Name string
	Link string
}

// MatrixRow is one indicator across the city and the units.
type MatrixRow struct {
	Indicator string
	Name      string
	Unit      string
	Link      string
	Cells     []Figure
}

// Overview is the overview page (/): headline cards, the status matrix, counts, newly red cells,
// missing returns and the county map.
type Overview struct {
	Header
	PlanName string
	Cards    []Figure
	Columns  []Column
	Rows     []MatrixRow
	// Counts counts the units' cells by status; CityCounts the city column's.
	Counts     StatusCounts
	CityCounts StatusCounts
	// NewlyRed lists the cells that are red this month and were not last month.
	NewlyRed []Figure
	// Missing lists units that owed a return this month and filed none; NotYet those that start later.
	Missing []UnitStanding
	NotYet  []UnitStanding
	Units   []UnitStanding
	Map     Chart
}

// NewOverview builds the overview. mapFeatures names the areas the county map has outlines for; nil
// means unknown, and every unit is then listed beside the map as well.
func NewOverview(in Input, mapFeatures map[string]bool) (Overview, error) {
	p := in.Calc.Plan()
	ov := Overview{Header: in.header(), PlanName: p.Name}
	root := p.Root.Code
	units := p.Root.Children // the tree one level down: counties of a city, cities of a province
	missing := map[string]bool{}
	for _, code := range in.Calc.MissingReturns(in.Period) {
		missing[code] = true
	}
	ov.Columns = append(ov.Columns, Column{Code: root, Name: p.WholeWord(), Link: "/?period=" + in.Period.String()})
	for _, u := range units {
		ov.Columns = append(ov.Columns, Column{Code: u.Code, Name: p.UnitShortName(u.Code), Link: "/counties/" + u.Code + "?period=" + in.Period.String()})
	}
	current := in.Calc.All(in.Period)
	previous := in.Calc.All(in.Period.AddMonths(-1))
	byUnit := map[string][]models.Progress{}
	scopes := len(units) + 1
	for k, pr := range current {
		if k%scopes == 0 {
			ind, _ := p.Indicator(pr.Indicator)
			ov.Rows = append(ov.Rows, MatrixRow{Indicator: ind.Code, Name: ind.Name, Unit: ind.Unit,
				Link: "/indicators/" + ind.Code + "?period=" + in.Period.String()})
		}
		f := figure(p, pr)
		f.Link += "?period=" + in.Period.String()
		if pr.Status == models.StatusRed && pr.Scope != root && isLeaf(p, pr.Scope) {
			f.FollowUp = FollowUpLink(pr.Scope, pr.Indicator, FollowUpTitle(f), "")
		}
		row := &ov.Rows[len(ov.Rows)-1]
		row.Cells = append(row.Cells, f)
		if pr.Scope == root {
			ov.CityCounts.add(pr)
			if ind, _ := p.Indicator(pr.Indicator); ind.Headline {
				ov.Cards = append(ov.Cards, f)
			}
		} else {
			if !pr.NotStarted {
				ov.Counts.add(pr)
			}
			byUnit[pr.Scope] = append(byUnit[pr.Scope], pr)
		}
		if pr.Status == models.StatusRed && previous[k].Status != models.StatusRed {
			ov.NewlyRed = append(ov.NewlyRed, f)
		}
	}
	for _, u := range units {
		st := standing(in, u, byUnit[u.Code], missing, mapFeatures)
		ov.Units = append(ov.Units, st)
		switch {
		case st.Missing:
			ov.Missing = append(ov.Missing, st)
		case st.NotStarted:
			ov.NotYet = append(ov.NotYet, st)
		}
	}
	m, err := mapChart(in, ov.Units, "overview-map")
	if err != nil {
		return Overview{}, err
	}
	ov.Map = m
	return ov, nil
}
