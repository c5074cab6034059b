package returns

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"ruralkpi/importers"
	"ruralkpi/internal/testkit"
	"ruralkpi/models"
)

func TestParseFigure(t *testing.T) {
	tests := []struct {
		raw, unit string
		want      float64
		percent   bool
		problem   string
	}{
		{"118", "个", 118, false, ""},
		{" 118 ", "个", 118, false, ""},
		{"\u3000１１８\u00a0", "个", 118, false, ""},
		{"1,234,567", "个", 1234567, false, ""},
		{"１，２３４．５", "万件", 1234.5, false, ""},
		{"612.5万件", "万件", 612.5, false, ""},
		{"85%", "%", 85, true, ""},
		{"85 ％", "%", 85, true, ""},
		{"1.2E+3", "个", 1200, false, ""},
		{".5", "亿元", 0.5, false, ""},
		{"-3", "个", -3, false, ""},
		{"－3", "个", -3, false, ""},
		{"12,34", "个", 0, false, "千分位"},
		{"很多", "个", 0, false, "不是数字"},
		{"NaN", "个", 0, false, "不是数字"},
		{"Inf", "个", 0, false, "不是数字"},
		{"0x10", "个", 0, false, "不是数字"},
		{"#REF!", "个", 0, false, "错误值"},
		{"1e300", "个", 0, false, "数值过大"},
		{"   ", "个", 0, false, "空"},
	}
	for _, tc := range tests {
		t.Run(tc.raw, func(t *testing.T) {
			got, problem := importers.ParseFigure(tc.raw, tc.unit)
			if tc.problem != "" {
				if !strings.Contains(problem, tc.problem) {
					t.Errorf("problem = %q, want one with %q", problem, tc.problem)
				}
				return
			}
			if problem != "" || got.Value != tc.want || got.Percent != tc.percent {
				t.Errorf("= %+v %q, want %v percent=%v", got, problem, tc.want, tc.percent)
			}
		})
	}
}

func TestNormalisePeriodAndDate(t *testing.T) {
	periods := map[string]string{"2024-06": "2024-06", "2024/6": "2024-06", "2024年6月": "2024-06", "２０２４-０６": "2024-06", "45444": "2024-06"}
	for in, want := range periods {
		if got, ok := normalisePeriod(in); !ok || got != want {
			t.Errorf("normalisePeriod(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
	if _, ok := normalisePeriod("六月"); ok {
		t.Error("六月 read as a month")
	}
	dates := map[string]string{"2023-11-20": "2023-11-20", "2023/11/20": "2023-11-20", "2023年11月20日": "2023-11-20", "45250": "2023-11-20", "45250.5": "2023-11-20"}
	for in, want := range dates {
		if got, ok := parseDate(in); !ok || got.Format("2006-01-02") != want {
			t.Errorf("parseDate(%q) = %v %v, want %s", in, got, ok, want)
		}
	}
	for _, bad := range []string{"2023-02-30", "明天", "2023-13-01"} {
		if _, ok := parseDate(bad); ok {
			t.Errorf("parseDate(%q) accepted", bad)
		}
	}
}

// draftOf builds a draft directly, for rules that need no file.
func draftOf(unit, period string, rows ...DraftRow) Draft {
	for i := range rows {
		rows[i].Row = 5 + i
		rows[i].ValueCell = cellName(7, 5+i)
		rows[i].CodeCell = cellName(0, 5+i)
		rows[i].NoteCell = cellName(8, 5+i)
	}
	return Draft{UnitCode: unit, UnitCell: "D2", Period: period, PeriodCell: "F2", Version: TemplateVersion,
		HasMonthly: true, MonthlySheet: SheetMonthly, MilestoneSheet: SheetMilestones, Rows: rows}
}

func TestValidateRules(t *testing.T) {
	p := testkit.Plan(t)
	tests := []struct {
		name     string
		draft    Draft
		ref      func(Reference) Reference
		problems []string // cell + phrase
		warnings []string
	}{
		{name: "another unit than the user's",
			draft:    draftOf(testUnit, testPeriod, DraftRow{Code: "service_points", Value: "118"}),
			ref:      func(r Reference) Reference { r.ExpectedUnit = "530303"; return r },
			problems: []string{"D2 与所选（或您所属）单位沾益区不符"}},
		{name: "another month than chosen",
			draft:    draftOf(testUnit, testPeriod, DraftRow{Code: "service_points", Value: "118"}),
			ref:      func(r Reference) Reference { r.ExpectedPeriod = "2024-05"; return r },
			problems: []string{"F2 与所选月份 2024-05 不符"}},
		{name: "unknown unit",
			draft: draftOf("999999", testPeriod, DraftRow{Code: "service_points", Value: "118"}), problems: []string{"D2 不是本规划的填报单位"}},
		{name: "the city is no county",
			draft: draftOf("530300", testPeriod, DraftRow{Code: "service_points", Value: "118"}), problems: []string{"H5 由各县（市、区）在月报中填报"}},
		{name: "roll-out county reports its 2023 statistics",
			draft: draftOf("530322", "2023-10", DraftRow{Code: "service_points", Value: "10"})},
		{name: "bad month text",
			draft: draftOf(testUnit, "六月", DraftRow{Code: "service_points", Value: "118"}), problems: []string{"F2 不是“年-月”"}},
		{name: "annual total restarts in January",
			draft: draftOf(testUnit, "2025-01", DraftRow{Code: "outbound_parcels", Value: "40"}),
			ref: func(r Reference) Reference {
				r.Now = r.Now.AddDate(1, 0, 0)
				r.History = append(r.History, Figures{Period: "2024-12", Values: map[string]float64{"outbound_parcels": 1100}})
				return r
			}},
		{name: "annual total may not fall within the year",
			draft: draftOf(testUnit, testPeriod, DraftRow{Code: "outbound_parcels", Value: "400"}), problems: []string{"H5 本年累计 400，低于 2024年5月 已确认的 500"}},
		{name: "cumulative equal to last month is fine",
			draft: draftOf(testUnit, testPeriod, DraftRow{Code: "service_points", Value: "112"})},
		{name: "jump far beyond history",
			draft:    draftOf(testUnit, testPeriod, DraftRow{Code: "service_points", Value: "140"}),
			warnings: []string{"H5 远超本单位以往单月最大增量 4"}},
		{name: "ordinary growth is no jump",
			draft: draftOf(testUnit, testPeriod, DraftRow{Code: "service_points", Value: "124"})},
		{name: "far over allocation",
			draft:    draftOf(testUnit, testPeriod, DraftRow{Code: "outbound_parcels", Value: "1900"}),
			warnings: []string{"H5 是本年分配目标 1200 的 158%", "H5 远超本单位以往单月最大增量"}},
		{name: "note says corrected",
			draft:    draftOf(testUnit, testPeriod, DraftRow{Code: "ev_replacement", Value: "7", Note: "上月数据有误，已更正"}),
			warnings: []string{"I5 备注说明数据有更正"}},
		{name: "milestone code on the monthly sheet",
			draft: draftOf(testUnit, testPeriod, DraftRow{Code: "joint_distribution", Value: "1"}), problems: []string{"A5 请在“里程碑”工作表中选择状态"}},
		{name: "milestone done before, not done now",
			draft: func() Draft {
				d := draftOf(testUnit, testPeriod)
				d.Milestones = []DraftMilestone{{Row: 5, Code: "joint_distribution", CodeCell: "A5", State: "建设中", StateCell: "E5", DoneOnCell: "F5"}}
				return d
			}(),
			warnings: []string{"E5 上次已报“已完成”"}},
		{name: "note too long",
			draft: draftOf(testUnit, testPeriod, DraftRow{Code: "ev_replacement", Value: "7", Note: strings.Repeat("长", 501)}), problems: []string{"I5 备注太长"}},
		{name: "milestone note too long",
			draft: func() Draft {
				d := draftOf(testUnit, testPeriod)
				d.Milestones = []DraftMilestone{{Row: 5, Code: "joint_distribution", CodeCell: "A5", State: "建设中", StateCell: "E5", DoneOnCell: "F5",
					Note: strings.Repeat("长", models.MaxReturnNote+1), NoteCell: "G5"}}
				return d
			}(),
			problems: []string{"G5 备注太长"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ref := testReference(p)
			if tc.ref != nil {
				ref = tc.ref(ref)
			}
			res := Validate(tc.draft, ref)
			check := func(kind string, got []models.Problem, want []string) {
				t.Helper()
				if len(got) != len(want) {
					t.Errorf("%s:\n%s\nwant %v", kind, problemsText(got), want)
					return
				}
				for i, w := range want {
					cell, phrase, _ := strings.Cut(w, " ")
					if got[i].Cell != cell || !strings.Contains(got[i].Message, phrase) {
						t.Errorf("%s %d = %s, want %s", kind, i, got[i], w)
					}
				}
			}
			check("problems", res.Problems, tc.problems)
			check("warnings", res.Warnings, tc.warnings)
		})
	}
}

// TestRatesAndOfficeReturn checks percentages with a plan whose county reports a rate, and the
// office's own return for the whole city.
func TestRatesAndOfficeReturn(t *testing.T) {
	p := testkit.Plan(t)
	office := draftOf(p.Root.Code, testPeriod,
		DraftRow{Code: "cost_reduction", Value: "12.5%"},
		DraftRow{Code: "agri_outbound_growth", Value: "0.3", PercentFormat: true},
		DraftRow{Code: "firms_10m", Value: "3"},
		DraftRow{Code: "service_points", Value: "3"})
	res := Validate(office, testReference(p))
	if len(res.Problems) != 1 || res.Problems[0].Indicator != "service_points" {
		t.Fatalf("problems:\n%s", problemsText(res.Problems))
	}
	got := map[string]float64{}
	for _, v := range res.Return.Values {
		got[v.Indicator] = v.Value
	}
	if got["cost_reduction"] != 12.5 || got["agri_outbound_growth"] != 30 || got["firms_10m"] != 3 {
		t.Errorf("values = %v", got)
	}
	over := Validate(draftOf(p.Root.Code, testPeriod, DraftRow{Code: "cost_reduction", Value: "120"}), testReference(p))
	if len(over.Problems) != 1 || !strings.Contains(over.Problems[0].Message, "不能超过 100") {
		t.Errorf("problems:\n%s", problemsText(over.Problems))
	}
}

// TestGrowthRateMayExceed100: 农产品出村增长较2022年 is a growth rate, which may exceed 100% (issue 13,
// item 9); the plan file says which percentages are shares.
func TestGrowthRateMayExceed100(t *testing.T) {
	p := testkit.Plan(t)
	res := Validate(draftOf(p.Root.Code, testPeriod, DraftRow{Code: "agri_outbound_growth", Value: "130"}), testReference(p))
	if len(res.Problems) != 0 {
		t.Fatalf("growth of 130%% refused:\n%s", problemsText(res.Problems))
	}
	if len(res.Return.Values) != 1 || res.Return.Values[0].Value != 130 {
		t.Errorf("values = %+v, want 130", res.Return.Values)
	}
}

func TestTooLarge(t *testing.T) {
	p := testkit.Plan(t)
	big := bytes.Repeat([]byte("x"), int(importers.DefaultLimits().MaxFileBytes)+1)
	res := parseBytes(t, big, testReference(p))
	if len(res.Problems) != 1 || !strings.Contains(res.Problems[0].Message, "文件过大") {
		t.Errorf("problems:\n%s", problemsText(res.Problems))
	}
}

func TestTemplateRefusesBadInput(t *testing.T) {
	p := testkit.Plan(t)
	for _, in := range []TemplateInput{{Plan: p, UnitCode: "530300", Period: testPeriod}, {Plan: p, UnitCode: testUnit, Period: "2026-01"}} {
		var buf bytes.Buffer
		err := WriteTemplate(&buf, in)
		if models.ErrorCode(err) != models.EInvalid {
			t.Errorf("WriteTemplate(%s %s) = %v, want an invalid-input error", in.UnitCode, in.Period, err)
		}
	}
}

func TestTemplateContents(t *testing.T) {
	p := testkit.Plan(t)
	f := makeTemplate(t, testTemplateInput(p, testPeriod))
	defer f.Close()
	if got := f.GetSheetList(); strings.Join(got, ",") != "填报说明,月报,里程碑,模板信息" {
		t.Errorf("sheets = %v", got)
	}
	if v, _ := f.GetSheetVisible(sheetMeta); v {
		t.Error("header copy sheet is visible")
	}
	// The plan's lead unit already names the office: it is not repeated.
	if got, _ := f.GetCellValue("填报说明", "A4"); got != "联系方式：如有疑问，请联系市邮政管理局（工作专班办公室）。" {
		t.Errorf("contact line = %q", got)
	}
	row := rowOf(t, f, SheetMonthly, "service_points")
	for col, want := range map[int]string{2: "个", 3: "截至本月累计", 5: "150", 6: "112"} {
		if got, _ := f.GetCellValue(SheetMonthly, cellName(col, row)); got != want {
			t.Errorf("service_points column %d = %q, want %q", col, got, want)
		}
	}
	// Only figures the county types appear: no office-reported, derived or milestone rows.
	rows, _ := f.GetRows(SheetMonthly)
	for _, r := range rows[4:] {
		if ind, ok := p.Indicator(r[0]); !ok || ind.Reporter != models.ReporterCounty || ind.Kind == models.KindMilestone {
			t.Errorf("row for %s in the county template", r[0])
		}
	}
	if len(rows)-4 != len(TemplateIndicators(p)) {
		t.Errorf("%d indicator rows, want %d", len(rows)-4, len(TemplateIndicators(p)))
	}
	locked := func(sheet, cell string) bool {
		id, _ := f.GetCellStyle(sheet, cell)
		st, _ := f.GetStyle(id)
		return st.Protection == nil || st.Protection.Locked
	}
	if locked(SheetMonthly, cellName(7, row)) || locked(SheetMonthly, cellName(8, row)) {
		t.Error("input cells are locked")
	}
	for _, c := range []string{"D2", "F2", "H2", cellName(6, row), cellName(0, row)} {
		if !locked(SheetMonthly, c) {
			t.Errorf("%s is not locked", c)
		}
	}
	dvs, _ := f.GetDataValidations(SheetMonthly)
	if len(dvs) != 2*len(TemplateIndicators(p)) {
		t.Errorf("%d data validations on the monthly sheet", len(dvs))
	}
	msRows, _ := f.GetRows(SheetMilestones)
	var codes []string
	for _, r := range msRows[4:] {
		codes = append(codes, r[0])
	}
	if strings.Join(codes, ",") != "joint_distribution,third_party_company" {
		t.Errorf("milestone rows = %v", codes)
	}
	if got, _ := f.GetCellValue(SheetMilestones, "D5"); got != "已完成" {
		t.Errorf("previous state = %q", got)
	}
	// A January template shows no reference for a year's running total.
	jan := makeTemplate(t, TemplateInput{Plan: p, UnitCode: testUnit, Period: "2025-01",
		Previous: Figures{Period: "2024-12", Values: map[string]float64{"outbound_parcels": 1100, "service_points": 150}}})
	defer jan.Close()
	if got, _ := jan.GetCellValue(SheetMonthly, cellName(6, rowOf(t, jan, SheetMonthly, "outbound_parcels"))); got != "" {
		t.Errorf("January reference for an annual total = %q", got)
	}
	if got, _ := jan.GetCellValue(SheetMonthly, cellName(6, rowOf(t, jan, SheetMonthly, "service_points"))); got != "150" {
		t.Errorf("January reference for a stock = %q", got)
	}
}

// TestHostileMemory checks that what a hostile file declares does not decide what reading it costs.
func TestHostileMemory(t *testing.T) {
	p := testkit.Plan(t)
	for _, name := range []string{"bad_zipbomb.xlsx", "bad_zipbomb_lying.xlsx"} {
		b := readFixture(t, name)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		res := parseBytes(t, b, testReference(p))
		runtime.ReadMemStats(&after)
		if res.OK() {
			t.Fatalf("%s accepted", name)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
			t.Errorf("%s: reading allocated %d KB", name, alloc>>10)
		}
	}
}

// TestPercentCells reads a county-reported rate from a file, typed as Excel stores 85% (0.85 in a
// percentage-formatted cell), as text with a % sign, and over 100.
func TestPercentCells(t *testing.T) {
	base := testkit.Plan(t)
	plan := *base
	plan.Indicators = append([]models.Indicator(nil), base.Indicators...)
	for i := range plan.Indicators {
		if plan.Indicators[i].Code == "cost_reduction" {
			plan.Indicators[i].Reporter = models.ReporterCounty
		}
	}
	if err := plan.Validate(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		typed   any
		percent bool
		want    float64
		problem string
	}{
		{0.85, true, 85, ""},
		{"85%", false, 85, ""},
		{85, false, 85, ""},
		{1.2, true, 0, "不能超过 100"},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.typed), func(t *testing.T) {
			f := makeTemplate(t, testTemplateInput(&plan, testPeriod))
			defer f.Close()
			cell := cellName(7, rowOf(t, f, SheetMonthly, "cost_reduction"))
			if err := f.SetCellValue(SheetMonthly, cell, tc.typed); err != nil {
				t.Fatal(err)
			}
			if tc.percent {
				style, err := f.NewStyle(&excelize.Style{NumFmt: 9})
				if err != nil {
					t.Fatal(err)
				}
				if err := f.SetCellStyle(SheetMonthly, cell, cell, style); err != nil {
					t.Fatal(err)
				}
			}
			res := parseBytes(t, fileBytes(t, f), testReference(&plan))
			if tc.problem != "" {
				if len(res.Problems) != 1 || res.Problems[0].Cell != cell || !strings.Contains(res.Problems[0].Message, tc.problem) {
					t.Errorf("problems:\n%s", problemsText(res.Problems))
				}
				return
			}
			if !res.OK() || len(res.Return.Values) != 1 || res.Return.Values[0].Value != tc.want {
				t.Errorf("values %+v, problems:\n%s", res.Return.Values, problemsText(res.Problems))
			}
		})
	}
}

// TestCorrectionWarnsOfLaterMonths: 会泽县 corrects 2024-11 (agri projects 2, parks 1) while 2024-12
// already says 1 and 0 — the later month's cumulative figures would fall. The preview names the
// month; the warning flags the version for the office (issue 13, item 8).
func TestCorrectionWarnsOfLaterMonths(t *testing.T) {
	p := testkit.Plan(t)
	ref := Reference{Plan: p, Now: time.Date(2025, 1, 10, 0, 0, 0, 0, time.UTC), Later: []Figures{
		{Period: "2024-12", Values: map[string]float64{"agri_projects_500k": 1, "mfg_parks": 0, "service_points": 500, "outbound_parcels": 900}},
		{Period: "2025-01", Values: map[string]float64{"agri_projects_500k": 2, "mfg_parks": 1, "outbound_parcels": 10}},
	}}
	d := draftOf("530326", "2024-11",
		DraftRow{Code: "agri_projects_500k", Value: "2"}, DraftRow{Code: "mfg_parks", Value: "1"},
		DraftRow{Code: "service_points", Value: "400"}, DraftRow{Code: "outbound_parcels", Value: "800"})
	res := Validate(d, ref)
	if len(res.Problems) != 0 {
		t.Fatalf("problems:\n%s", problemsText(res.Problems))
	}
	var flagged []string
	for _, w := range res.Warnings {
		if strings.HasPrefix(w.Message, LaterMonthsMark) {
			flagged = append(flagged, w.Indicator)
			if !strings.Contains(w.Message, "2024年12月") || strings.Contains(w.Message, "2025年1月") {
				t.Errorf("warning %q should name 2024-12 only", w.Message)
			}
		}
	}
	if strings.Join(flagged, ",") != "agri_projects_500k,mfg_parks" {
		t.Errorf("later-month warnings on %v, want agri_projects_500k and mfg_parks", flagged)
	}
	stored, _ := json.Marshal(res.Warnings)
	if got := LaterMonthsFlags(string(stored)); len(got) != 2 {
		t.Errorf("flags read back from the stored warnings: %v", got)
	}
}

// TestOfficeTicksCountyTasks: the office confirms each county's 工作专班 in its own return, one row per
// county (code@unit); a unit the plan does not give the task to, a tick without a unit, and a county
// ticking it itself are refused.
func TestOfficeTicksCountyTasks(t *testing.T) {
	p := testkit.Plan(t)
	tick := func(unit, code, state string) Draft {
		d := draftOf(unit, testPeriod)
		d.Milestones = []DraftMilestone{{Row: 5, Code: code, CodeCell: code, State: state, StateCell: "s_" + code, DoneOn: "2024-05-20", DoneOnCell: "d_" + code}}
		return d
	}
	ok := Validate(tick(p.Root.Code, "county_task_force@530326", "已完成"), testReference(p))
	if len(ok.Problems) != 0 || len(ok.Return.Milestones) != 1 {
		t.Fatalf("tick refused:\n%s", problemsText(ok.Problems))
	}
	if m := ok.Return.Milestones[0]; m.Indicator != "county_task_force" || m.Unit != "530326" || m.State != models.MilestoneDone {
		t.Errorf("stored tick %+v", m)
	}
	for _, tc := range []struct{ name, unit, code, phrase string }{
		{"unit_without_the_task", p.Root.Code, "county_task_force@530300", "方案未安排该单位此项任务"},
		{"tick_without_a_unit", p.Root.Code, "county_task_force", "按单位逐一确认"},
		{"county_ticks_itself", "530326", "county_task_force@530326", "由工作专班办公室填报"},
		{"unit_on_an_own_milestone", p.Root.Code, "trunk_jiangsu@530326", "不按单位确认"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := Validate(tick(tc.unit, tc.code, "已完成"), testReference(p))
			if len(res.Problems) != 1 || !strings.Contains(res.Problems[0].Message, tc.phrase) {
				t.Errorf("problems:\n%s\nwant %q", problemsText(res.Problems), tc.phrase)
			}
		})
	}
	before := []models.MilestoneReport{{Indicator: "county_task_force", Unit: "530326", State: models.MilestoneInProgress}}
	after := []models.MilestoneReport{{Indicator: "county_task_force", Unit: "530326", State: models.MilestoneDone}}
	changes := Diff(p, nil, before, nil, after)
	if len(changes) != 1 || changes[0].Name != "县（市、区）组建成立工作专班（会泽县）" || changes[0].Kind != models.ReturnChangeChanged {
		t.Errorf("diff = %+v", changes)
	}
}
