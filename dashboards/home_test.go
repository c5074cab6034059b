package dashboards

import (
	"strings"
	"testing"

	"ruralkpi/internal/testkit"
	"ruralkpi/models"
)

// TestFinalMonthHidesTheForecast: after the plan's last month there is no year end to forecast.
func TestFinalMonthHidesTheForecast(t *testing.T) {
	p := testkit.Plan(t)
	pr := models.Progress{Indicator: "service_points", Scope: p.Root.Code, HasForecast: true, Forecast: 5000}
	for _, tt := range []struct{ period, want string }{{"2025-11", "5,000"}, {p.EndPeriod, "—"}} {
		pr.Period = models.MustPeriod(tt.period)
		if got := figure(p, pr).Forecast; got != tt.want {
			t.Errorf("%s forecast %q, want %q", tt.period, got, tt.want)
		}
	}
}

// TestNewlyRedOffersAFollowUp: every newly red unit figure carries the prefilled 督办 link.
func TestNewlyRedOffersAFollowUp(t *testing.T) {
	in, _ := demoInput(t, "2025-06")
	reds := NewlyRed(in)
	if len(reds) == 0 {
		t.Fatal("the demo has no newly red figure in June 2025")
	}
	for _, f := range reds {
		if !strings.HasPrefix(f.FollowUp, "/followups?") || !strings.Contains(f.FollowUp, "unit="+f.Scope) || f.Scope == in.Calc.Plan().Root.Code {
			t.Errorf("%s %s: follow-up link %q", f.Scope, f.Indicator, f.FollowUp)
		}
		if prev := in.Calc.Progress(f.Indicator, f.Scope, in.Period.AddMonths(-1)); prev.Status == models.StatusRed {
			t.Errorf("%s %s was red already", f.Scope, f.Indicator)
		}
	}
	for _, f := range Attention(in, "530325") {
		if f.Status != "red" && f.Status != "amber" {
			t.Errorf("attention lists a %s figure", f.Status)
		}
	}
}

// TestMapLabelsAreReadable: the map's labels were white on light fills (富源县 read 富源) and its
// subtitle promised shares that were not drawn.
func TestMapLabelsAreReadable(t *testing.T) {
	in, _ := demoInput(t, "2025-06")
	ov, err := NewOverview(in, nil)
	if err != nil {
		t.Fatal(err)
	}
	js := string(ov.Map.OptionsJSON)
	if strings.Contains(js, `"color":"#ffffff"`) || !strings.Contains(js, `"textBorderColor":"#ffffff"`) {
		t.Error("map labels are still white text")
	}
	if !strings.Contains(js, `"formatter":"富源县 `) {
		t.Errorf("map labels do not draw the share: %.300s", js)
	}
}

// TestUnitsChartHasAColourPerUnit: ten units shared ECharts' nine default colours.
func TestUnitsChartHasAColourPerUnit(t *testing.T) {
	in, _ := demoInput(t, "2025-06")
	c, err := unitsChart(in, "service_points", "u")
	if err != nil {
		t.Fatal(err)
	}
	if len(unitPalette()) < len(in.Calc.Plan().Root.Children) || !strings.Contains(c.OptionsJSON, `"#1f5aa6"`) {
		t.Errorf("%d colours for %d units", len(unitPalette()), len(in.Calc.Plan().Root.Children))
	}
}
