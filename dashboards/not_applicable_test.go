package dashboards

import (
	"testing"

	"ruralkpi/internal/testkit"
	"ruralkpi/models"
)

func TestFigureNotApplicable(t *testing.T) {
	p := testkit.Plan(t)
	ds := models.Dataset{Observations: []models.Observation{
		{Unit: "530303", Period: models.MustPeriod("2024-06"), Indicator: "hub_parks", Value: 0, VersionID: 1},
		{Unit: "530304", Period: models.MustPeriod("2024-06"), Indicator: "hub_parks", Value: 1, VersionID: 2},
		{Unit: "530302", Period: models.MustPeriod("2023-11"), Indicator: "hub_parks", Value: 1, VersionID: 3},
	}}
	c := models.NewProgressCalculator(p, ds, models.ProgressOptions{})
	tests := []struct {
		name                   string
		indicator, scope, word string
		short                  string
	}{
		{"沾益区 has no hub park of its own", "hub_parks", "530303", "不适用", "不适用"},
		{"沾益区 has no third-party company due", "third_party_company", "530303", "不适用", "不适用"},
		{"a unit that builds a park anyway shows it", "hub_parks", "530304", "无目标", "已完成"},
		{"麒麟区's park is due", "hub_parks", "530302", "正常", "已完成"},
		{"an office figure per unit", "firms_10m", "530302", "市级填报", "市级填报"},
		{"an indicator without an allocation has no target", "service_points", "530303", "无目标", "—"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := figure(p, c.Progress(tc.indicator, tc.scope, models.MustPeriod("2024-06")))
			if f.Short != tc.short || f.StatusLabel != tc.word {
				t.Errorf("Short = %q, word %q, want %q and %q", f.Short, f.StatusLabel, tc.short, tc.word)
			}
		})
	}
}
