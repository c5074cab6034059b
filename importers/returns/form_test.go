package returns

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"ruralkpi/importers"
	"ruralkpi/internal/testkit"
	"ruralkpi/models"
)

// formEntryOf types a filling into the web form's fields, as text, as a browser posts it.
func formEntryOf(unit, period string, fl filling) FormEntry {
	e := FormEntry{UnitCode: unit, Period: period, Fields: map[string]string{}}
	for code, v := range fl.values {
		e.Fields[models.ReturnFieldValue(code)] = fmt.Sprint(v)
	}
	for code, n := range fl.notes {
		e.Fields[models.ReturnFieldNote(code)] = n
	}
	for code, m := range fl.milestones {
		for i, name := range []string{models.ReturnFieldState(code), models.ReturnFieldDoneOn(code), models.ReturnFieldMilestoneNote(code)} {
			if s := fmt.Sprint(m[i]); s != "" {
				e.Fields[name] = s
			}
		}
	}
	return e
}

// cellsToFields maps every cell of a read template to the form field of the same row and column.
func cellsToFields(d Draft) map[string]string {
	out := map[string]string{d.UnitCell: models.ReturnFieldUnit, d.PeriodCell: models.ReturnFieldPeriod}
	for _, r := range d.Rows {
		out[r.ValueCell], out[r.NoteCell] = models.ReturnFieldValue(r.Code), models.ReturnFieldNote(r.Code)
	}
	for _, m := range d.Milestones {
		out[m.StateCell], out[m.DoneOnCell], out[m.NoteCell] = models.ReturnFieldState(m.Code), models.ReturnFieldDoneOn(m.Code), models.ReturnFieldMilestoneNote(m.Code)
	}
	return out
}

// ratePlan is the plan with one county row made a percentage, so the percentage rules have a row.
func ratePlan(t *testing.T) *models.Plan {
	p := testkit.Plan(t)
	for i, ind := range p.Indicators {
		if ind.Code == "covered_villages" {
			// A share (verdicts: only shares are capped at 100%; a growth rate may exceed it).
			p.Indicators[i].Kind, p.Indicators[i].Unit, p.Indicators[i].Integer, p.Indicators[i].Percent = models.KindRate, "%", false, models.PercentShare
		}
	}
	return p
}

// TestFormAndTemplateAgree types the same text into the template and into the web form and checks
// the one set of rules gives the same return, the same warnings and the same refusals — each
// refusal of a cell on the form field of that cell.
func TestFormAndTemplateAgree(t *testing.T) {
	with := func(values map[string]any, notes map[string]string) filling {
		fl := goodFilling()
		v := map[string]any{}
		for k, x := range fl.values {
			v[k] = x
		}
		for k, x := range values {
			v[k] = x
		}
		fl.values = v
		for k, x := range notes {
			fl.notes[k] = x
		}
		return fl
	}
	late := goodFilling()
	late.milestones = map[string][3]any{"joint_distribution": {"已完成", "2024-07-02", ""}, "third_party_company": {"已完成", "", ""}}
	typed := func(state, doneOn, note string) filling {
		fl := goodFilling()
		fl.milestones = map[string][3]any{"joint_distribution": {state, doneOn, note}, "third_party_company": {"建设中", "", ""}}
		return fl
	}
	cases := []struct {
		name     string
		plan     func(*testing.T) *models.Plan
		fl       filling
		expected string // the unit the upload must be for
		// expectedPeriod is the month the upload must be for.
		expectedPeriod string
		// unit and period are typed into the header (the form's county and period) instead of testUnit
		// and testPeriod, as a template of that unit and month would carry them.
		unit, period *string
		refused      string // a word of the expected refusal; "" when accepted
	}{
		{name: "accepted, with notes and milestones", fl: goodFilling()},
		{name: "a jump and a correction note warn", fl: with(map[string]any{"service_points": 900}, map[string]string{"service_points": "更正上月数"})},
		{name: "text in a number", fl: with(map[string]any{"service_points": "一百二十"}, nil), refused: "网点"},
		{name: "falling cumulative", fl: with(map[string]any{"service_points": 100}, nil), refused: "累计数不会减少"},
		{name: "falling year total", fl: with(map[string]any{"outbound_parcels": 400}, nil), refused: "本年累计数不会减少"},
		{name: "negative", fl: with(map[string]any{"ev_replacement": -3}, nil), refused: "不能为负数"},
		{name: "fraction of a count", fl: with(map[string]any{"ev_replacement": 8.5}, nil), refused: "只能填整数"},
		{name: "percent sign on a count", fl: with(map[string]any{"hub_parks": "12%"}, nil), refused: "不是百分比"},
		{name: "percent over cap", plan: ratePlan, fl: with(map[string]any{"covered_villages": "130%"}, nil), refused: "不能超过 100"},
		{name: "note too long", fl: with(nil, map[string]string{"service_points": strings.Repeat("长", 501)}), refused: "备注太长"},
		{name: "milestone done late or without a date", fl: late, refused: "完成日期"},
		{name: "wrong unit", fl: goodFilling(), expected: "530303", refused: "不符"},
		{name: "wrong month", fl: goodFilling(), expectedPeriod: "2024-05", refused: "与所选月份"},
		{name: "no unit", fl: goodFilling(), unit: ptr(""), refused: "找不到"},
		{name: "not a unit of the plan", fl: goodFilling(), unit: ptr("999999"), refused: "不是本规划的填报单位"},
		{name: "a unit with units under it", plan: nestedPlan, fl: goodFilling(), unit: ptr("530303"), refused: "不是填报单位"},
		{name: "no month", fl: goodFilling(), period: ptr(""), refused: "找不到"},
		{name: "month not a month", fl: goodFilling(), period: ptr("六月"), refused: "格式"},
		{name: "month outside the plan", fl: goodFilling(), period: ptr("2030-01"), refused: "不在规划期"},
		{name: "month not yet come", fl: goodFilling(), period: ptr("2024-08"), refused: "还没有到"},
		{name: "before the unit reports", plan: lateStartPlan, fl: goodFilling(), refused: "起报送月报"},
		{name: "nothing filled", fl: filling{values: map[string]any{}, notes: map[string]string{}, milestones: map[string][3]any{}}, refused: "没有填写任何数据"},
		{name: "thousands separator misplaced", fl: with(map[string]any{"service_points": "1,18"}, nil), refused: "千分位"},
		{name: "an error value", fl: with(map[string]any{"service_points": "#N/A"}, nil), refused: "错误值"},
		{name: "too large", fl: with(map[string]any{"service_points": "1e20"}, nil), refused: "数值过大"},
		{name: "blank but spaces", fl: with(map[string]any{"service_points": "　"}, nil), refused: ""},
		{name: "date without a state", fl: typed("", "2024-06-01", ""), refused: "没有选择状态"},
		{name: "state not one of the list", fl: typed("差不多", "", ""), refused: "无法识别"},
		{name: "milestone note too long", fl: typed("建设中", "", strings.Repeat("长", 501)), refused: "备注太长"},
		{name: "done without a date", fl: typed("已完成", "", ""), refused: "请填写完成日期"},
		{name: "done on no date", fl: typed("已完成", "去年", ""), refused: "无法识别"},
		{name: "done before 2000", fl: typed("已完成", "1999-12-31", ""), refused: "不合理"},
	}
	var formMessages []string
	defer func() { checkEveryRefusalGiven(t, formMessages) }()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := testkit.Plan(t)
			if tc.plan != nil {
				p = tc.plan(t)
			}
			ref := testReference(p)
			ref.ExpectedUnit = tc.expected
			file := filledTemplate(t, p, testPeriod, tc.fl)
			read, _, err := Read(bytes.NewReader(file), importers.DefaultLimits(), p)
			if err != nil {
				t.Fatal(err)
			}
			ref.ExpectedPeriod = tc.expectedPeriod
			unit, period := testUnit, testPeriod
			if tc.unit != nil {
				unit, read.UnitCode, read.MetaUnit = *tc.unit, *tc.unit, *tc.unit
			}
			if tc.period != nil {
				period, read.Period, read.MetaPeriod = *tc.period, *tc.period, *tc.period
			}
			upload := parseBytes(t, file, ref)
			if tc.unit != nil || tc.period != nil {
				upload = Validate(read, ref)
			}
			form := Validate(FormDraft(p, formEntryOf(unit, period, tc.fl)), ref)
			for _, pr := range form.Problems {
				formMessages = append(formMessages, pr.Message)
			}
			if tc.refused == "" && (!upload.OK() || !form.OK()) {
				t.Fatalf("refused:\nupload %s\nform %s", problemsText(upload.Problems), problemsText(form.Problems))
			}
			if tc.refused != "" && (upload.OK() || !strings.Contains(problemsText(form.Problems), tc.refused)) {
				t.Fatalf("want a refusal with %q:\nupload %s\nform %s", tc.refused, problemsText(upload.Problems), problemsText(form.Problems))
			}
			// The form lays out the milestone rows of the unit typed; the file is the test unit's template.
			sameRows := tc.unit == nil
			if !reflect.DeepEqual(upload.Return.Values, form.Return.Values) || (sameRows && !reflect.DeepEqual(upload.Return.Milestones, form.Return.Milestones)) {
				t.Errorf("returns differ:\nupload %+v %+v\nform   %+v %+v", upload.Return.Values, upload.Return.Milestones, form.Return.Values, form.Return.Milestones)
			}
			fields := cellsToFields(read)
			for _, pair := range []struct {
				what       string
				file, form []models.Problem
			}{{"problems", upload.Problems, form.Problems}, {"warnings", upload.Warnings, form.Warnings}} {
				if len(pair.file) != len(pair.form) {
					t.Fatalf("%s: upload %s\nform %s", pair.what, problemsText(pair.file), problemsText(pair.form))
				}
				for i := range pair.file {
					f, w := pair.file[i], pair.form[i]
					if f.Message != w.Message || f.Indicator != w.Indicator {
						t.Errorf("%s %d: upload %q, form %q", pair.what, i, f, w)
					}
					if f.Cell == "" && w.Cell != "" {
						t.Errorf("%s %d: a problem of the whole return is on the form's field %q", pair.what, i, w.Cell)
					}
					if want := fields[f.Cell]; f.Cell != "" && (w.Cell != want || want == "") {
						t.Errorf("%s %d: upload cell %s is field %q, the form put it on %q", pair.what, i, f.Cell, want, w.Cell)
					}
				}
			}
		})
	}
}

// TestFormForShowsWhatTheTemplateShows checks the form's reference figures and pre-filled answers.
func TestFormForShowsWhatTheTemplateShows(t *testing.T) {
	p := testkit.Plan(t)
	in := testTemplateInput(p, "2025-01")
	in.Current = models.ReturnVersion{Number: 2, Values: []models.ReturnValue{{Indicator: "service_points", Value: 120, Note: "含新建"}},
		Milestones: []models.MilestoneReport{{Indicator: "joint_distribution", State: models.MilestoneDone, DoneOn: "2023-11-20"}}}
	f := FormFor(in)
	row := func(code string) models.ReturnFormRow {
		for _, r := range f.Rows {
			if r.Code == code {
				return r
			}
		}
		t.Fatalf("no row %s", code)
		return models.ReturnFormRow{}
	}
	if r := row("service_points"); r.Previous != (models.KnownFigure{Value: 112, OK: true}) || r.Allocation != (models.KnownFigure{Value: 150, OK: true}) || r.Value != "120" || r.Note != "含新建" || !r.CityTarget.OK {
		t.Errorf("service_points row %+v", r)
	}
	if r := row("outbound_parcels"); r.Previous.OK {
		t.Errorf("a year total of last year is no reference in January: %+v", r)
	}
	if len(f.Rows) != len(TemplateIndicators(p)) || len(f.Milestones) != len(TemplateMilestones(p, testUnit)) || f.CurrentNumber != 2 {
		t.Errorf("rows %d milestones %d current %d", len(f.Rows), len(f.Milestones), f.CurrentNumber)
	}
	if m := f.Milestones[0]; m.State != "已完成" || m.DoneOn != "2023-11-20" || m.PreviousState != "已完成" {
		t.Errorf("milestone %+v", m)
	}
}
