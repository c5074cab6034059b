package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"strings"
	"testing"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/gofiber/fiber/v2"
)

// hostileLabel is a unit name as an upload could carry it: it must show as text, never run.
const hostileLabel = `</script><script>window.pwned=1</script>"'&<b>`

// chartPage is how the app's pages carry charts: the option of chart.JSON() marshalled to JSON and
// put in a data-echarts attribute by html/template, which escapes it for the attribute.
const chartPage = `<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>go-echarts</title>
<link rel="stylesheet" href="/static/css/app.css"></head>
<body><main>{{range .}}<section class="card"><div class="chart{{if .Map}} chart-map{{end}}" id="{{.ID}}" data-echarts="{{.Option}}"></div></section>{{end}}</main>
<script src="/static/vendor/echarts.min.js"></script>
<script src="/static/js/charts.js"></script>
</body></html>`

type pageChart struct {
	ID     string
	Option string
	Map    bool
}

func optionJSON(t *testing.T, c interface {
	Validate()
	JSON() map[string]interface{}
}) string {
	t.Helper()
	c.Validate()
	b, err := json.Marshal(c.JSON())
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// goEchartsCharts builds a bar chart with a hostile label and the county map, as the dashboards will.
func goEchartsCharts(t *testing.T) []pageChart {
	t.Helper()
	bar := charts.NewBar()
	bar.SetGlobalOptions(charts.WithTitleOpts(opts.Title{Title: "各县完成率", Subtitle: "数据截至 2025年6月"}))
	bar.SetXAxis([]string{"麒麟区", "沾益区", hostileLabel}).
		AddSeries("完成率", []opts.BarData{{Value: 96.5}, {Value: 88}, {Value: 71.2}})

	counties := []string{"麒麟区", "沾益区", "马龙区", "陆良县", "师宗县", "罗平县", "富源县", "会泽县", "宣威市"}
	var data []opts.MapData
	for i, name := range counties {
		data = append(data, opts.MapData{Name: name, Value: float64(1 + i%3)})
	}
	m := charts.NewMap()
	m.RegisterMapType("qujing")
	m.SetGlobalOptions(
		charts.WithTitleOpts(opts.Title{Title: "各县状态"}),
		charts.WithVisualMapOpts(opts.VisualMap{Min: 1, Max: 3, Calculable: opts.Bool(false),
			InRange: &opts.VisualMapInRange{Color: []string{"#b3261e", "#9a5b00", "#1e7b34"}}}),
	)
	m.AddSeries("状态", data)
	return []pageChart{{ID: "bar", Option: optionJSON(t, bar)}, {ID: "map", Option: optionJSON(t, m), Map: true}}
}

// testGoEchartsThroughTemplate: the app's chain — go-echarts option, html/template attribute,
// charts.js, ECharts 5 — draws both charts under the CSP, and a label holding </script> is shown
// as the exact text and never runs.
func testGoEchartsThroughTemplate(t *testing.T, browser context.Context, dir string) {
	tmpl := template.Must(template.New("page").Parse(chartPage))
	var html strings.Builder
	if err := tmpl.Execute(&html, goEchartsCharts(t)); err != nil {
		t.Fatal(err)
	}
	base := startFixtureServer(t, func(app *fiber.App) {
		app.Get("/go-echarts", func(c *fiber.Ctx) error {
			c.Set("Content-Security-Policy", contentSecurityPolicy)
			c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
			return c.SendString(html.String())
		})
	})
	label, err := json.Marshal(hostileLabel)
	if err != nil {
		t.Fatal(err)
	}
	assert := fmt.Sprintf(`(function () {
  var problems = [];
  if (window.pwned) { problems.push('the label ran as script'); }
  var bar = echarts.getInstanceByDom(document.getElementById('bar'));
  var labels = bar ? bar.getOption().xAxis[0].data : [];
  if (labels.indexOf(%s) < 0) { problems.push('label not shown as its exact text: ' + JSON.stringify(labels)); }
  return problems;
})()`, label)
	problems, err := checkPage(browser, pageCheck{name: "go-echarts", url: base + "/go-echarts", vp: viewports()[0], minCharts: 2, assert: assert}, dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}
