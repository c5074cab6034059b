package dashboards

import (
	"ruralkpi/internal/testkit"
	"testing"

	"ruralkpi/models"
)

// TestNewPlanPage builds the plan view without a server: a figure target in the pages' format, a
// milestone's year naming the units due, and a later year with nothing new due reading 巩固提升.
func TestNewPlanPage(t *testing.T) {
	p := testkit.Plan(t)
	page := NewPlanPage(p, []models.TargetRecord{{Indicator: "service_points", Year: 2024, Value: 1350}})
	cells := map[string][]TargetCell{}
	for _, ws := range page.Workstreams {
		for _, r := range ws.Rows {
			cells[r.Code] = r.Targets
		}
	}
	year := func(y int) int {
		for i, py := range p.Years {
			if py == y {
				return i
			}
		}
		t.Fatalf("year %d not in the plan", y)
		return 0
	}
	tests := []struct {
		name, indicator string
		year            int
		want            TargetCell
	}{
		{"a figure", "service_points", 2024, TargetCell{Text: "1,350", Figure: true}},
		{"no target", "service_points", 2023, TargetCell{Text: "—", Figure: true}},
		{"units due", "joint_distribution", 2023, TargetCell{Text: "麒麟区、沾益区、马龙区、曲靖经开区"}},
		{"the whole city due, in the plan's word", "trunk_zhejiang", 2023, TargetCell{Text: "全市"}},
		{"nothing new due", "joint_distribution", 2025, TargetCell{Text: "巩固提升"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cells[tt.indicator][year(tt.year)]; got != tt.want {
				t.Errorf("%s %d = %+v, want %+v", tt.indicator, tt.year, got, tt.want)
			}
		})
	}
	if len(page.Units) != len(p.ReportingUnits()) {
		t.Errorf("units %d, want %d", len(page.Units), len(p.ReportingUnits()))
	}
}
