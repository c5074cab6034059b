package dashboards

import (
	"testing"

	"ruralkpi/internal/testkit"
	"ruralkpi/models"
)

// TestNewReturnFormPage: a fresh form shows the rows as laid out; a post shows what was typed in
// every field and each problem beside its field (the unit's and month's also above the rows), and
// leaves the laid-out form as it was; a post the rows could not be laid out for shows its problems only.
func TestNewReturnFormPage(t *testing.T) {
	p := testkit.Plan(t)
	form := models.ReturnForm{CurrentNumber: 1,
		Rows:       []models.ReturnFormRow{{Code: "service_points", Name: "服务网点", Value: "390", Note: "旧"}},
		Milestones: []models.ReturnFormMilestone{{Code: "joint_distribution", Label: "共配中心", State: "建设中"}}}
	choice := UploadPage{Units: p.ReportingUnits(), Periods: []string{"2024-06", "2024-05"}, Office: true}
	typed := map[string]string{models.ReturnFieldValue("service_points"): "abc", models.ReturnFieldState("joint_distribution"): "已完成",
		models.ReturnFieldDoneOn("joint_distribution"): "2024-06-01"}
	problems := []models.Problem{
		{Cell: models.ReturnFieldValue("service_points"), Message: "不是数字。"},
		{Cell: models.ReturnFieldValue("service_points"), Message: "请填写。"},
		{Cell: models.ReturnFieldPeriod, Message: "月份无效。"},
		{Message: "整份月报的问题。"},
	}
	tests := []struct {
		name                    string
		form                    *models.ReturnForm
		post                    *ReturnFormPost
		wantHasForm, wantPosted bool
		wantUnitName            string
		wantValue, wantState    string
		wantProblem             string
		wantGeneral             int
	}{
		{"fresh", &form, nil, true, false, p.UnitName("530302"), "390", "建设中", "", 0},
		{"office without a unit", nil, nil, false, false, "", "", "", "", 0},
		{"posted", &form, &ReturnFormPost{Fields: typed, Problems: problems}, true, true, p.UnitName("530302"), "abc", "已完成", "不是数字。 请填写。", 2},
		{"posted, not laid out", nil, &ReturnFormPost{Fields: typed, Problems: problems}, false, true, "", "", "", "不是数字。 请填写。", 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := NewReturnFormPage(p, ReturnFormInput{Choice: choice, County: "530302", Period: "2024-06", User: "county-530302", Form: tc.form}, tc.post)
			if d.HasForm != tc.wantHasForm || d.Posted != tc.wantPosted || d.UnitName != tc.wantUnitName || !d.Office || len(d.Periods) != 2 ||
				d.County != "530302" || d.User != "county-530302" || d.Problems == nil {
				t.Fatalf("page %+v", d)
			}
			var value, state string
			if len(d.Form.Rows) > 0 {
				value, state = d.Form.Rows[0].Value, d.Form.Milestones[0].State
			}
			if value != tc.wantValue || state != tc.wantState {
				t.Errorf("value %q state %q, want %q %q", value, state, tc.wantValue, tc.wantState)
			}
			if got := d.Problems[models.ReturnFieldValue("service_points")]; got != tc.wantProblem {
				t.Errorf("field problem %q, want %q", got, tc.wantProblem)
			}
			// The month's problem stands beside its field and above the rows; the whole return's only above.
			if len(d.General) != tc.wantGeneral || (tc.post != nil) != (d.Problems[models.ReturnFieldPeriod] == "月份无效。") {
				t.Errorf("general %+v, by field %+v", d.General, d.Problems)
			}
		})
	}
	if form.Rows[0].Value != "390" || form.Rows[0].Note != "旧" || form.Milestones[0].State != "建设中" {
		t.Errorf("the laid-out form was changed: %+v", form)
	}
}
