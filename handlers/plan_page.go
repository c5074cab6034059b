package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
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

// kindLabel names an indicator kind in Chinese.
func kindLabel(k models.IndicatorKind) string {
	switch k {
	case models.KindCumulative:
		return "累计"
	case models.KindAnnual:
		return "年度"
	case models.KindRate:
		return "比率"
	case models.KindMilestone:
		return "节点"
	}
	return string(k)
}

// reporterLabel names who reports an indicator, in Chinese.
func reporterLabel(r models.Reporter) string {
	switch r {
	case models.ReporterCounty:
		return "各单位填报"
	case models.ReporterOffice:
		return "专班办公室录入"
	case models.ReporterDerived:
		return "系统计算"
	}
	return string(r)
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
			row := planRow{Code: ind.Code, Name: ind.Name, Unit: ind.Unit, Kind: kindLabel(ind.Kind), Reporter: reporterLabel(ind.Reporter), Note: ind.Note}
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
		return targetCell{Text: dashboards.Number(v), Figure: true}
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
		name := "全市"
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
