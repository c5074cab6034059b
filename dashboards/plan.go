package dashboards

import "ruralkpi/models"

// PlanRow is one indicator of the plan page with its yearly targets.
type PlanRow struct {
	Code, Name, Unit, Kind, Reporter, Note string
	Targets                                []TargetCell
}

// TargetCell is one year's target: a figure (right-aligned) or the units a milestone is due in.
type TargetCell struct {
	Text   string
	Figure bool
}

// PlanWorkstream is one workstream of the plan page with its indicators.
type PlanWorkstream struct {
	Code, Name string
	Rows       []PlanRow
}

// PlanUnit is a reporting unit and the month it starts reporting.
type PlanUnit struct{ Code, Name, Start string }

// PlanPage is the plan page (/plan): its phases, and every indicator by workstream with its
// yearly targets.
type PlanPage struct {
	Start, End, LeadUnit string
	Years                []int
	Phases               []models.Phase
	Workstreams          []PlanWorkstream
	Units                []PlanUnit
}

// NewPlanPage builds the plan page from the plan and the targets in force (the plan's, or the
// office's edits of them).
func NewPlanPage(p *models.Plan, targets []models.TargetRecord) PlanPage {
	byKey := map[string]map[int]float64{}
	for _, t := range targets {
		if byKey[t.Indicator] == nil {
			byKey[t.Indicator] = map[int]float64{}
		}
		byKey[t.Indicator][t.Year] = t.Value
	}
	page := PlanPage{Start: p.StartPeriod, End: p.EndPeriod, LeadUnit: p.LeadUnit, Years: p.Years, Phases: p.Phases}
	for _, w := range p.Workstreams {
		ws := PlanWorkstream{Code: w.Code, Name: w.Name}
		for _, ind := range p.IndicatorsFor(w.Code) {
			row := PlanRow{Code: ind.Code, Name: ind.Name, Unit: ind.Unit, Kind: ind.Kind.Label(), Reporter: ind.Reporter.Label(), Note: ind.Note}
			for _, y := range p.Years {
				row.Targets = append(row.Targets, targetCell(p, ind, y, byKey))
			}
			ws.Rows = append(ws.Rows, row)
		}
		page.Workstreams = append(page.Workstreams, ws)
	}
	for _, u := range p.ReportingUnits() {
		page.Units = append(page.Units, PlanUnit{Code: u.Code, Name: u.Name, Start: p.UnitStart(u.Code)})
	}
	return page
}

// targetCell writes a year's target: the figure, or for milestones the units due that year
// ("巩固提升" once everything was due in earlier years).
func targetCell(p *models.Plan, ind models.Indicator, year int, targets map[string]map[int]float64) TargetCell {
	if v, ok := targets[ind.Code][year]; ok {
		return TargetCell{Text: models.FormatNumber(v), Figure: true}
	}
	if ind.Kind != models.KindMilestone {
		return TargetCell{Text: "—", Figure: true}
	}
	names, dueBefore := "", false
	for _, m := range p.MilestonesFor(ind.Code) {
		if m.Year < year {
			dueBefore = true
		}
		if m.Year != year {
			continue
		}
		name := p.WholeWord()
		if _, ok := p.Unit(m.Unit); ok {
			name = p.UnitShortName(m.Unit)
		}
		if names != "" {
			names += "、"
		}
		names += name
	}
	switch {
	case names != "":
		return TargetCell{Text: names}
	case dueBefore:
		return TargetCell{Text: "巩固提升"}
	default:
		return TargetCell{Text: "—", Figure: true}
	}
}
