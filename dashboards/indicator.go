package dashboards

import (
	"ruralkpi/models"
)

// tableMonths is how many months the indicator page's table shows, ending with the month shown.
const tableMonths = 12

// IndicatorRow is one unit's figures over the table's months.
type IndicatorRow struct {
	Code  string
	Name  string
	Link  string
	Cells []Figure
}

// IndicatorPage is the indicator page (/indicators/:code): every unit over time, and the table behind.
type IndicatorPage struct {
	Header
	Code      string
	Name      string
	Unit      string
	KindLabel string
	RollUp    string
	Note      string
	// Tolerance is the share of 序时进度 (as a percentage) down to which the indicator is amber.
	Tolerance string
	City      Figure
	Current   []Figure
	Units     *Chart
	CityTrend *Chart
	Months    []string
	Rows      []IndicatorRow
}

// NewIndicatorPage builds the page of one indicator.
func NewIndicatorPage(in Input, code string) (IndicatorPage, error) {
	p := in.Calc.Plan()
	ind, ok := p.Indicator(code)
	if !ok {
		return IndicatorPage{}, models.Errorf(models.ENotFound, "没有代码为 %q 的指标。", code)
	}
	page := IndicatorPage{Header: in.header(), Code: code, Name: ind.Name, Unit: ind.Unit, KindLabel: ind.Kind.Label(),
		RollUp: ind.RollUpLabel(p.WholeWord()), Note: ind.Note, Tolerance: models.FormatNumber(in.Calc.Tolerance(code) * 100)}
	all := in.Calc.ForIndicator(code, in.Period)
	page.City = figure(p, all[0])
	for _, pr := range all[1:] {
		if pr.GreyReason == models.GreyOfficeOnly {
			continue // the office's city-wide figure: units have none to list
		}
		f := figure(p, pr)
		f.Link += "?period=" + in.Period.String()
		page.Current = append(page.Current, f)
	}
	if ind.Kind != models.KindMilestone {
		if ind.RollUp != models.RollUpOffice {
			u, err := unitsChart(in, code, "units-"+code)
			if err != nil {
				return IndicatorPage{}, err
			}
			page.Units = &u
		}
		t, err := trendChart(in, code, p.Root.Code, "trend-"+code)
		if err != nil {
			return IndicatorPage{}, err
		}
		page.CityTrend = &t
	}
	start := models.MustPeriod(p.StartPeriod)
	first := in.Period.AddMonths(1 - tableMonths)
	if first.Before(start) {
		first = start
	}
	months := models.PeriodsBetween(first, in.Period)
	for _, m := range months {
		page.Months = append(page.Months, m.String())
	}
	scopes := append([]string{p.Root.Code}, codes(p.Root.Children)...)
	if ind.RollUp == models.RollUpOffice {
		scopes = scopes[:1]
	}
	for _, scope := range scopes {
		row := IndicatorRow{Code: scope, Name: p.UnitShortName(scope), Link: "/counties/" + scope + "?period=" + in.Period.String()}
		if scope == p.Root.Code {
			row.Name, row.Link = p.WholeWord(), ""
		}
		for _, m := range months {
			row.Cells = append(row.Cells, figure(p, in.Calc.Progress(code, scope, m)))
		}
		page.Rows = append(page.Rows, row)
	}
	return page, nil
}

func codes(units []models.Unit) []string {
	out := make([]string, len(units))
	for i, u := range units {
		out[i] = u.Code
	}
	return out
}
