package dashboards

import (
	"strings"
	"testing"

	"ruralkpi/internal/testkit"
	"ruralkpi/models"
)

// TestNewOfficeForm builds the office's form without a server: only office-reported indicators,
// a unit's task as one tick row per unit, stored figures and states in Chinese, the posted form
// winning over the store, and each problem beside its row without touching the caller's rows.
func TestNewOfficeForm(t *testing.T) {
	p := testkit.Plan(t)
	var figure, tick models.Indicator
	for _, ind := range p.Indicators {
		switch {
		case ind.Reporter != models.ReporterOffice:
		case ind.Kind == models.KindMilestone && ind.RollUp == models.RollUpCount:
			tick = ind
		case ind.Kind != models.KindMilestone && figure.Code == "":
			figure = ind
		}
	}
	if figure.Code == "" || tick.Code == "" {
		t.Fatal("the plan has no office figure or no unit task ticked by the office")
	}
	var tickUnit string
	for _, m := range p.MilestonesFor(tick.Code) {
		if m.Unit != "" {
			tickUnit = m.Unit
			break
		}
	}
	stored := models.ReturnVersion{Values: []models.ReturnValue{{Indicator: figure.Code, Value: 12.5, Note: "说明"}},
		Milestones: []models.MilestoneReport{{Indicator: tick.Code, Unit: tickUnit, State: models.MilestoneDone, DoneOn: "2024-05-01"}}}
	row := func(rows []OfficeRow, code string) OfficeRow {
		for _, r := range rows {
			if r.Code == code {
				return r
			}
		}
		t.Fatalf("no row %s", code)
		return OfficeRow{}
	}
	key := models.MilestoneKey(tick.Code, tickUnit)
	fromStore := NewOfficeRows(p, stored, nil)
	posted := NewOfficeRows(p, stored, func(field string) string { return "posted:" + field })
	form := NewOfficeForm(p, "2024-06", []string{"2024-06"}, fromStore, []models.Problem{{Indicator: figure.Code, Message: "不是数字"}})
	tests := []struct {
		name, got, want string
	}{
		{"stored figure", row(fromStore, figure.Code).Value, "12.5"},
		{"stored note", row(fromStore, figure.Code).Note, "说明"},
		{"tick row named with its unit", row(fromStore, key).Name, tick.Name + "（" + p.UnitName(tickUnit) + "）"},
		{"stored state in Chinese", row(fromStore, key).State, models.MilestoneDoneLabel},
		{"stored date done", row(fromStore, key).DoneOn, "2024-05-01"},
		{"posted figure wins", row(posted, figure.Code).Value, "posted:v_" + figure.Code},
		{"posted tick state wins", row(posted, key).State, "posted:s_" + key},
		{"problem beside its row", row(form.Rows, figure.Code).Problem, "不是数字"},
		{"caller's rows untouched", row(fromStore, figure.Code).Problem, ""},
		{"states offered", strings.Join(form.States, " "), "未启动 建设中 已完成"},
		{"city's return", form.RootCode, p.Root.Code},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %q, want %q", tc.got, tc.want)
			}
		})
	}
	for _, r := range fromStore {
		if ind, ok := p.Indicator(strings.SplitN(r.Code, "@", 2)[0]); !ok || ind.Reporter != models.ReporterOffice {
			t.Errorf("row %s is not an office-reported indicator", r.Code)
		}
	}
}
