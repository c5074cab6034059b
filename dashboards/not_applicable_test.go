package dashboards

import (
	"bytes"
	"testing"

	"ruralkpi/models"
	"ruralkpi/plans"
)

func TestFigureNotApplicable(t *testing.T) {
	b, err := plans.Default()
	if err != nil {
		t.Fatal(err)
	}
	p, err := models.LoadPlan(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		pr    models.Progress
		short string
	}{
		{"沾益区 has no hub park of its own", models.Progress{Indicator: "hub_parks", Scope: "530303", Status: models.StatusGrey, HasActual: true}, "不适用"},
		{"沾益区 has no third-party company due", models.Progress{Indicator: "third_party_company", Scope: "530303", Status: models.StatusGrey}, "不适用"},
		{"a unit that reports a park anyway shows it", models.Progress{Indicator: "hub_parks", Scope: "530303", Status: models.StatusGrey, HasActual: true, Actual: 1}, "1"},
		{"麒麟区's park is due", models.Progress{Indicator: "hub_parks", Scope: "530302", Status: models.StatusGreen, HasActual: true, Actual: 1, DueYear: 2023, HasTarget: true, Target: 1, Schedule: models.ScheduleDone}, "已完成"},
		{"the city is never not applicable", models.Progress{Indicator: "hub_parks", Scope: "530300", Status: models.StatusGrey}, "—"},
		{"an indicator without a schedule stays no data", models.Progress{Indicator: "service_points", Scope: "530303", Status: models.StatusGrey}, "—"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := figure(p, tc.pr).Short; got != tc.short {
				t.Errorf("Short = %q, want %q", got, tc.short)
			}
		})
	}
}
