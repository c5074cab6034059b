package dashboards

import (
	"ruralkpi/models"
)

// WorkstreamSection is one indicator of a workstream: the city's figure, the units ranked in a bar
// chart coloured by status, the city's trend and the table of units.
type WorkstreamSection struct {
	City    Figure
	Ranking *Chart
	Trend   *Chart
	Units   []Figure
}

// WorkstreamPage is the workstream page (/workstreams/:code).
type WorkstreamPage struct {
	Header
	Code     string
	Name     string
	Sections []WorkstreamSection
}

// NewWorkstreamPage builds the page of one workstream.
func NewWorkstreamPage(in Input, code string) (WorkstreamPage, error) {
	p := in.Calc.Plan()
	page := WorkstreamPage{Header: in.header(), Code: code}
	for _, w := range p.Workstreams {
		if w.Code == code {
			page.Name = w.Name
		}
	}
	if page.Name == "" {
		return WorkstreamPage{}, models.Errorf(models.ENotFound, "没有代码为 %q 的工作板块。", code)
	}
	for _, ind := range p.IndicatorsFor(code) {
		all := in.Calc.ForIndicator(ind.Code, in.Period)
		sec := WorkstreamSection{City: figure(p, all[0])}
		sec.City.Link = "/indicators/" + ind.Code + "?period=" + in.Period.String()
		for _, pr := range all[1:] {
			if pr.GreyReason == models.GreyOfficeOnly {
				continue // the office's city-wide figure: units have none to list
			}
			f := figure(p, pr)
			f.Link += "?period=" + in.Period.String()
			sec.Units = append(sec.Units, f)
		}
		if ind.Kind != models.KindMilestone {
			if ind.RollUp != models.RollUpOffice && anyRatio(all[1:]) {
				r, err := rankingChart(in, ind.Code, "rank-"+ind.Code)
				if err != nil {
					return WorkstreamPage{}, err
				}
				sec.Ranking = &r
			}
			t, err := trendChart(in, ind.Code, p.Root.Code, "trend-"+ind.Code)
			if err != nil {
				return WorkstreamPage{}, err
			}
			sec.Trend = &t
		}
		page.Sections = append(page.Sections, sec)
	}
	return page, nil
}

// anyRatio reports whether any unit has a ratio to rank by (a per-county milestone count has none).
func anyRatio(values []models.Progress) bool {
	for _, pr := range values {
		if pr.HasRatio {
			return true
		}
	}
	return false
}
