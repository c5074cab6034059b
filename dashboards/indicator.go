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

// KindLabel names an indicator kind in Chinese.
func KindLabel(k models.IndicatorKind) string {
	switch k {
	case models.KindCumulative:
		return "累计值（自方案实施起）"
	case models.KindAnnual:
		return "年度累计值（自当年1月起）"
	case models.KindRate:
		return "比率"
	case models.KindMilestone:
		return "节点任务"
	}
	return string(k)
}

// RollUpLabel says in Chinese how the city's figure is made from the units'.
func RollUpLabel(ind models.Indicator) string {
	if ind.Reporter == models.ReporterDerived || ind.RollUp == models.RollUpRatio {
		return "由分子、分母汇总后重新计算（不取各单位比率的平均）"
	}
	switch ind.RollUp {
	case models.RollUpSum:
		return "各单位相加"
	case models.RollUpOffice:
		return "专班办公室填报全市数"
	case models.RollUpCount:
		return "统计完成的单位数"
	}
	return string(ind.RollUp)
}

// NewIndicatorPage builds the page of one indicator.
func NewIndicatorPage(in Input, code string) (IndicatorPage, error) {
	p := in.Calc.Plan()
	ind, ok := p.Indicator(code)
	if !ok {
		return IndicatorPage{}, models.Errorf(models.ENotFound, "没有代码为 %q 的指标。", code)
	}
	page := IndicatorPage{Header: in.header(), Code: code, Name: ind.Name, Unit: ind.Unit, KindLabel: KindLabel(ind.Kind),
		RollUp: RollUpLabel(ind), Note: ind.Note, Tolerance: Number(in.Calc.Tolerance(code) * 100)}
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
			row.Name, row.Link = "全市", ""
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
