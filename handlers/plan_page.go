package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

type planRow struct {
	Code, Name, Unit, Kind, Reporter, Note string
	Targets                                []targetCell
}

// targetCell is one year's target: a figure (right-aligned) or the units a milestone is due in.
type targetCell struct {
	Text   string
	Figure bool
}

type planWorkstream struct {
	Code, Name string
	Rows       []planRow
}

type planUnit struct{ Code, Name, Start string }

type planPageData struct {
	Start, End, LeadUnit string
	Years                []int
	Phases               []models.Phase
	Workstreams          []planWorkstream
	Units                []planUnit
}

// planPage shows the plan: its phases, and every indicator by workstream with its yearly targets.
func (s *Server) planPage(c *fiber.Ctx) error {
	targets, err := s.Store.Targets(0)
	if err != nil {
		return err
	}
	byKey := map[string]map[int]float64{}
	for _, t := range targets {
		if byKey[t.Indicator] == nil {
			byKey[t.Indicator] = map[int]float64{}
		}
		byKey[t.Indicator][t.Year] = t.Value
	}
	data := planPageData{Start: s.Plan.StartPeriod, End: s.Plan.EndPeriod, LeadUnit: s.Plan.LeadUnit, Years: s.Plan.Years, Phases: s.Plan.Phases}
	for _, w := range s.Plan.Workstreams {
		ws := planWorkstream{Code: w.Code, Name: w.Name}
		for _, ind := range s.Plan.IndicatorsFor(w.Code) {
			row := planRow{Code: ind.Code, Name: ind.Name, Unit: ind.Unit, Kind: ind.Kind.Label(), Reporter: ind.Reporter.Label(), Note: ind.Note}
			for _, y := range s.Plan.Years {
				row.Targets = append(row.Targets, s.targetCell(ind, y, byKey))
			}
			ws.Rows = append(ws.Rows, row)
		}
		data.Workstreams = append(data.Workstreams, ws)
	}
	for _, u := range s.Plan.ReportingUnits() {
		data.Units = append(data.Units, planUnit{Code: u.Code, Name: u.Name, Start: s.Plan.UnitStart(u.Code)})
	}
	return s.render(c, "plan.html", "plan", "方案目标", data)
}

// targetCell writes a year's target: the figure, or for milestones the units due that year
// ("巩固提升" once everything was due in earlier years).
func (s *Server) targetCell(ind models.Indicator, year int, targets map[string]map[int]float64) targetCell {
	if v, ok := targets[ind.Code][year]; ok {
		return targetCell{Text: models.FormatNumber(v), Figure: true}
	}
	if ind.Kind != models.KindMilestone {
		return targetCell{Text: "—", Figure: true}
	}
	names, dueBefore := "", false
	for _, m := range s.Plan.MilestonesFor(ind.Code) {
		if m.Year < year {
			dueBefore = true
		}
		if m.Year != year {
			continue
		}
		name := s.Plan.WholeWord()
		if u, ok := s.Plan.Unit(m.Unit); ok {
			name = u.Name
			if u.ShortName != "" {
				name = u.ShortName
			}
		}
		if names != "" {
			names += "、"
		}
		names += name
	}
	switch {
	case names != "":
		return targetCell{Text: names}
	case dueBefore:
		return targetCell{Text: "巩固提升"}
	default:
		return targetCell{Text: "—", Figure: true}
	}
}
