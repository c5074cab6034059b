package dashboards

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"ruralkpi/models"
)

// MapName is the name the county map's outlines are registered under by static/js/charts.js.
const MapName = "qujing"

// Chart is one chart on a page: its options as JSON, rendered by html/template into a data-echarts
// attribute (never into a script), and the month its data is as of.
type Chart struct {
	ID          string
	Title       string
	AsOf        string
	OptionsJSON string
}

// optionsJSON marshals chart options; the options are plain data, so this cannot fail in practice,
// but a failure is still reported rather than drawn as an empty chart.
func optionsJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("dashboards: chart options: %w", err)
	}
	return string(b), nil
}

// missing is how ECharts is told that a month has no value.
const missing = "-"

// trendChart draws one indicator of one scope over the plan: the actual figure up to the month shown,
// the 序时 path (expected to date) and the year's target, month by month.
func trendChart(in Input, code, scope, id string) (Chart, error) {
	p := in.Calc.Plan()
	ind, _ := p.Indicator(code)
	start, end := models.MustPeriod(p.StartPeriod), models.MustPeriod(p.EndPeriod)
	series := in.Calc.Series(code, scope, start, end)
	months := make([]string, len(series))
	actual := make([]opts.LineData, len(series))
	expected := make([]opts.LineData, len(series))
	target := make([]opts.LineData, len(series))
	for k, pr := range series {
		months[k] = pr.Period.String()
		actual[k], expected[k], target[k] = opts.LineData{Value: missing}, opts.LineData{Value: missing}, opts.LineData{Value: missing}
		if pr.HasActual && !in.Period.Before(pr.Period) {
			actual[k].Value = round2(pr.Actual)
		}
		if pr.HasExpected {
			expected[k].Value = round2(pr.Expected)
		}
		if pr.HasTarget {
			target[k].Value = round2(pr.Target)
		}
	}
	title := ind.Name
	if ind.Unit != "" {
		title += "（" + ind.Unit + "）"
	}
	c := charts.NewLine()
	c.SetGlobalOptions(
		charts.WithTitleOpts(opts.Title{Title: title, Subtitle: asOf(in.Period) + " · " + p.UnitShortName(scope) + " · 来源：各单位月报最新版本",
			TitleStyle: &opts.TextStyle{FontSize: 15}}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0"}),
		charts.WithGridOpts(opts.Grid{Top: "70", Bottom: "60", Left: "50", Right: "20", ContainLabel: opts.Bool(true)}),
		charts.WithColorsOpts(opts.Colors{"#0b5394", "#d48806", "#6b7785"}),
	)
	c.SetXAxis(months)
	c.AddSeries("实际完成", actual, charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(true)}))
	c.AddSeries("序时进度", expected, charts.WithLineStyleOpts(opts.LineStyle{Type: "dashed"}),
		charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}))
	c.AddSeries("年度目标", target, charts.WithLineStyleOpts(opts.LineStyle{Type: "dotted"}),
		charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false), Step: "end"}))
	c.Validate()
	js, err := optionsJSON(c.JSON())
	return Chart{ID: id, Title: title, AsOf: asOf(in.Period), OptionsJSON: js}, err
}

// rankingChart ranks the units below the city on one indicator by ratio to 序时进度, each bar coloured by
// its status; units with nothing to judge come last, empty.
func rankingChart(in Input, code, id string) (Chart, error) {
	p := in.Calc.Plan()
	ind, _ := p.Indicator(code)
	all := in.Calc.ForIndicator(code, in.Period)[1:]
	sort.SliceStable(all, func(a, b int) bool {
		if all[a].HasRatio != all[b].HasRatio {
			return all[a].HasRatio
		}
		return all[a].Ratio > all[b].Ratio
	})
	// A horizontal bar chart draws its first category at the bottom: reverse so the best is on top.
	names := make([]string, len(all))
	data := make([]opts.BarData, len(all))
	for k := range all {
		pr := all[len(all)-1-k]
		names[k] = p.UnitShortName(pr.Scope)
		data[k] = opts.BarData{Name: names[k], Value: missing, ItemStyle: &opts.ItemStyle{Color: statusColor(pr.Status)}}
		if pr.HasRatio {
			data[k].Value = round2(pr.Ratio * 100)
		}
	}
	c := charts.NewBar()
	c.SetGlobalOptions(
		charts.WithTitleOpts(opts.Title{Title: ind.Name + " · 各单位序时完成率（%）", Subtitle: asOf(in.Period) + " · 100% 即达到序时进度",
			TitleStyle: &opts.TextStyle{FontSize: 15}}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithGridOpts(opts.Grid{Top: "70", Bottom: "20", Left: "20", Right: "40", ContainLabel: opts.Bool(true)}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
	)
	c.SetXAxis(names)
	c.AddSeries("序时完成率", data, charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "right", Formatter: "{c}%"}))
	c.XYReversal()
	c.Validate()
	js, err := optionsJSON(c.JSON())
	return Chart{ID: id, Title: ind.Name, AsOf: asOf(in.Period), OptionsJSON: js}, err
}

// unitsChart draws one indicator's actual figure for every unit below the city, month by month up to the
// month shown.
func unitsChart(in Input, code, id string) (Chart, error) {
	p := in.Calc.Plan()
	ind, _ := p.Indicator(code)
	start := models.MustPeriod(p.StartPeriod)
	months := models.PeriodsBetween(start, in.Period)
	labels := make([]string, len(months))
	for k, m := range months {
		labels[k] = m.String()
	}
	c := charts.NewLine()
	title := ind.Name
	if ind.Unit != "" {
		title += "（" + ind.Unit + "）"
	}
	c.SetGlobalOptions(
		charts.WithTitleOpts(opts.Title{Title: title + " · 各单位", Subtitle: asOf(in.Period) + " · 来源：各单位月报最新版本",
			TitleStyle: &opts.TextStyle{FontSize: 15}}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0", Type: "scroll"}),
		charts.WithGridOpts(opts.Grid{Top: "70", Bottom: "60", Left: "50", Right: "20", ContainLabel: opts.Bool(true)}),
		// One colour per unit, none of them the status red or green (ECharts' default has nine).
		charts.WithColorsOpts(unitPalette()),
	)
	c.SetXAxis(labels)
	for _, u := range p.Root.Children {
		data := make([]opts.LineData, len(months))
		for k, pr := range in.Calc.Series(code, u.Code, start, in.Period) {
			data[k] = opts.LineData{Value: missing}
			if pr.HasActual {
				data[k].Value = round2(pr.Actual)
			}
		}
		c.AddSeries(p.UnitShortName(u.Code), data, charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}))
	}
	c.Validate()
	js, err := optionsJSON(c.JSON())
	return Chart{ID: id, Title: title, AsOf: asOf(in.Period), OptionsJSON: js}, err
}

// unitPalette tells twelve units' lines apart without borrowing the status colours.
func unitPalette() opts.Colors {
	return opts.Colors{"#1f5aa6", "#e08a00", "#7b4ea3", "#0f8b8d", "#b5487e", "#5c6b73", "#c2a100", "#3a9fd9",
		"#8c564b", "#2e4057", "#d1709a", "#6b8e23"}
}

// mapChart colours the counties by their overall status. It is a plain options map: go-echarts has no
// per-area colour on map data.
func mapChart(in Input, units []UnitStanding, id string) (Chart, error) {
	data := make([]map[string]any, 0, len(units))
	for _, u := range units {
		item := map[string]any{
			"name":      u.Name,
			"itemStyle": map[string]any{"areaColor": statusColor(models.ProgressStatus(u.Status))},
		}
		if u.Judged > 0 {
			item["value"] = round2(u.OnTrackShare * 100)
			// The name and the share the subtitle promises, drawn on the map on one line: two lines
			// stood on each other where centres are close (麒麟区 below 沾益区).
			item["label"] = map[string]any{"formatter": u.ShortName + " " + models.FormatPercent(u.OnTrackShare)}
		} else {
			item["value"] = missing
		}
		data = append(data, item)
	}
	options := map[string]any{
		"title":   map[string]any{"text": "各县（市、区）总体状态", "subtext": asOf(in.Period) + " · 数值为" + models.StatusGreen.Label() + "指标占比（%）", "textStyle": map[string]any{"fontSize": 15}},
		"tooltip": map[string]any{"trigger": "item", "formatter": "{b}：" + models.StatusGreen.Label() + "指标占比 {c}%"},
		"series": []any{map[string]any{
			// The map fills its panel; labels are dark on a white halo, readable on every fill (white
			// text lost characters on light areas), smaller, and moved apart where they would still
			// overlap (hiding them lost 麒麟区, whose centre is close to 沾益区's and 马龙区's).
			"type": "map", "map": MapName, "roam": false, "top": 56, "bottom": 4, "left": 4, "right": 4,
			"label": map[string]any{"show": true, "color": "#1a1a1a", "fontSize": 12, "fontWeight": "bold", "lineHeight": 15,
				"textBorderColor": "#ffffff", "textBorderWidth": 3},
			"labelLayout": map[string]any{"moveOverlap": "shiftY"},
			"emphasis":    map[string]any{"label": map[string]any{"color": "#1a1a1a"}, "itemStyle": map[string]any{"areaColor": "#9fc5e8"}},
			"data":        data,
		}},
	}
	js, err := optionsJSON(options)
	return Chart{ID: id, Title: "各县（市、区）总体状态", AsOf: asOf(in.Period), OptionsJSON: js}, err
}
