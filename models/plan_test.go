package models

import (
	"bytes"
	"strings"
	"testing"

	"ruralkpi/plans"
)

func loadDefaultPlan(t testing.TB) *Plan {
	t.Helper()
	b, err := plans.Default()
	if err != nil {
		t.Fatal(err)
	}
	p, err := LoadPlan(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("default plan: %v", err)
	}
	return p
}

// TestPlanTargetsMatchPlanTargetsMD asserts every numeric target of shared/plan-targets.md, so that a
// typo in the plan file fails CI.
func TestPlanTargetsMatchPlanTargetsMD(t *testing.T) {
	p := loadDefaultPlan(t)
	want := map[string][3]float64{
		"hub_parks":              {1, 7, 7},
		"service_points":         {506, 1350, 1688},
		"village_coverage":       {30, 80, 100},
		"firms_10m":              {6, 9, 12},
		"outbound_parcels":       {4500, 5300, 6300},
		"express_revenue":        {5.9, 7.4, 9.8},
		"agri_online_sales":      {24, 27, 30},
		"cost_reduction":         {20, 35, 45},
		"agri_outbound_growth":   {15, 30, 45},
		"ev_replacement":         {36, 90, 179},
		"direct_delivery_points": {506, 1350, 1688},
		"pfm_fused_points":       {506, 1012, 1350},
		"pfm_fusion_rate":        {30, 60, 80},
		"agri_projects_500k":     {2, 5, 10},
		"points_income_10k":      {450, 732, 912},
		"points_income_20k":      {270, 439, 548},
		"mfg_parks":              {2, 3, 5},
		"mfg_factories":          {145, 217, 361},
		"mfg_demo_projects":      {2, 3, 5},
	}
	for code, values := range want {
		for i, year := range []int{2023, 2024, 2025} {
			got, ok := p.Target(code, year)
			if !ok || got != values[i] {
				t.Errorf("%s %d: got %v (present %v), want %v", code, year, got, ok, values[i])
			}
		}
	}
	// The 2025 share conditions (line 106: 占比超过50%、超过30%) are the only one-year targets.
	for code, v := range map[string]float64{"points_income_10k_share": 50, "points_income_20k_share": 30} {
		if got, ok := p.Target(code, 2025); !ok || got != v {
			t.Errorf("%s 2025: got %v (present %v), want %v", code, got, ok, v)
		}
	}
	if len(p.Targets) != 3*len(want)+2 {
		t.Errorf("plan has %d targets, plan-targets.md has %d and line 106 two shares", len(p.Targets), 3*len(want)+2)
	}
	kinds := map[string]IndicatorKind{
		"hub_parks": KindCumulative, "service_points": KindCumulative, "village_coverage": KindRate,
		"firms_10m": KindCumulative, "outbound_parcels": KindAnnual, "express_revenue": KindAnnual,
		"agri_online_sales": KindAnnual, "cost_reduction": KindRate, "agri_outbound_growth": KindRate,
		"joint_distribution": KindMilestone, "third_party_company": KindMilestone, "ev_replacement": KindCumulative,
		"stations_closed": KindAnnual, "stations_merged": KindAnnual, "stations_added": KindAnnual,
		"trunk_zhejiang": KindMilestone, "trunk_jiangsu": KindMilestone, "trunk_guangdong": KindMilestone,
		"direct_delivery_points": KindCumulative, "pfm_fused_points": KindCumulative, "pfm_fusion_rate": KindRate,
		"agri_projects_500k": KindCumulative, "points_income_10k": KindCumulative, "points_income_20k": KindCumulative,
		"mfg_parks": KindCumulative, "mfg_factories": KindCumulative, "mfg_demo_projects": KindCumulative,
	}
	for code, kind := range kinds {
		ind, ok := p.Indicator(code)
		if !ok {
			t.Errorf("indicator %s missing", code)
			continue
		}
		if ind.Kind != kind {
			t.Errorf("%s: kind %s, want %s", code, ind.Kind, kind)
		}
	}
	units := map[string]string{"530302": "麒麟区", "530303": "沾益区", "530304": "马龙区", "530322": "陆良县",
		"530323": "师宗县", "530324": "罗平县", "530325": "富源县", "530326": "会泽县", "530381": "宣威市", "530371": "曲靖经济技术开发区"}
	if got := len(p.ReportingUnits()); got != len(units) {
		t.Errorf("%d reporting units, want %d", got, len(units))
	}
	for code, name := range units {
		u, ok := p.Unit(code)
		if !ok || u.Name != name || p.Parent(code) != "530300" {
			t.Errorf("unit %s: got %+v under %q, want %s under 530300", code, u, p.Parent(code), name)
		}
	}
	dues := map[string]map[int]int{"hub_parks": {2023: 1, 2024: 6}, "joint_distribution": {2023: 4, 2024: 6},
		"third_party_company": {2023: 1, 2024: 6}, "trunk_zhejiang": {2023: 1}, "trunk_jiangsu": {2024: 1}, "trunk_guangdong": {2025: 1}}
	for code, byYear := range dues {
		got := map[int]int{}
		for _, m := range p.MilestonesFor(code) {
			got[m.Year]++
		}
		for y, n := range byYear {
			if got[y] != n {
				t.Errorf("%s: %d milestones due %d, want %d", code, got[y], y, n)
			}
		}
	}
	if p.StartPeriod != "2023-08" || p.EndPeriod != "2025-12" || p.DocumentNo != "曲政办发〔2023〕65号" {
		t.Errorf("plan header: %s %s %s", p.StartPeriod, p.EndPeriod, p.DocumentNo)
	}
}

func TestLoadPlanRefusesBadFiles(t *testing.T) {
	base, err := plans.Default()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		edit      func(string) string
		wantField string
		wantText  string
	}{
		{"duplicate indicator code", func(s string) string {
			return strings.Replace(s, `"code": "covered_villages"`, `"code": "service_points"`, 1)
		}, "indicators[2].code", "duplicate indicator code"},
		{"unknown kind", func(s string) string {
			return strings.Replace(s, `"kind": "annual"`, `"kind": "yearly"`, 1)
		}, ".kind", `unknown kind "yearly"`},
		{"year outside the plan", func(s string) string {
			return strings.Replace(s, `{"indicator": "mfg_parks", "year": 2025, "value": 5}`, `{"indicator": "mfg_parks", "year": 2026, "value": 5}`, 1)
		}, "targets[", "year 2026 is outside"},
		{"target for unknown indicator", func(s string) string {
			return strings.Replace(s, `{"indicator": "mfg_parks", "year": 2025`, `{"indicator": "mfg_gardens", "year": 2025`, 1)
		}, ".indicator", `unknown indicator "mfg_gardens"`},
		{"negative target", func(s string) string {
			return strings.Replace(s, `"year": 2025, "value": 361}`, `"year": 2025, "value": -361}`, 1)
		}, ".value", "negative target"},
		{"unknown field", func(s string) string {
			return strings.Replace(s, `"document_no"`, `"document_number"`, 1)
		}, "plan", `unknown field "document_number"`},
		{"wrong type", func(s string) string {
			return strings.Replace(s, `"years": [2023, 2024, 2025]`, `"years": "2023-2025"`, 1)
		}, "years", "want a []int"},
		{"syntax error", func(s string) string { return strings.Replace(s, `"units": {`, `"units": {,`, 1) }, "line ", "invalid character"},
		{"milestone for unknown unit", func(s string) string {
			return strings.Replace(s, `{"indicator": "joint_distribution", "unit": "530303"`, `{"indicator": "joint_distribution", "unit": "999999"`, 1)
		}, "milestones[", `unknown unit "999999"`},
		{"unknown schedule", func(s string) string {
			return strings.Replace(s, `"schedule": "year_end"`, `"schedule": "yearly"`, 1)
		}, "indicators[4].schedule", `unknown schedule "yearly"`},
		{"milestone judged linearly", func(s string) string {
			return strings.Replace(s, `"kind": "milestone", "workstream": "system", "rollup": "count", "reporter": "county", "note": "2023年麒麟区`,
				`"kind": "milestone", "workstream": "system", "rollup": "count", "reporter": "county", "schedule": "linear", "note": "2023年麒麟区`, 1)
		}, "indicators[10].schedule", "judged as a milestone"},
		{"flow judged as a milestone", func(s string) string {
			return strings.Replace(s, `"rollup": "sum", "reporter": "county", "headline": true}`, `"rollup": "sum", "reporter": "county", "headline": true, "schedule": "milestone"}`, 1)
		}, "indicators[5].schedule", "only milestones and cumulative counts"},
		{"count judged as a milestone without due dates", func(s string) string {
			return strings.Replace(s, `"integer": true, "note": "2025年累计179辆`, `"integer": true, "schedule": "milestone", "note": "2025年累计179辆`, 1)
		}, "indicators[12].schedule", "needs due dates"},
		{"rate without percent", func(s string) string {
			return strings.Replace(s, `"percent": "growth", `, ``, 1)
		}, "indicators[9].percent", "share"},
		{"unknown percent", func(s string) string {
			return strings.Replace(s, `"percent": "growth"`, `"percent": "ratio"`, 1)
		}, "indicators[9].percent", `unknown percent "ratio"`},
		{"percent on a count", func(s string) string {
			return strings.Replace(s, `"integer": true, "note": "2025年累计179辆`, `"integer": true, "percent": "share", "note": "2025年累计179辆`, 1)
		}, "indicators[12].percent", "only rates"},
		{"share target over 100", func(s string) string {
			return strings.Replace(s, `{"indicator": "village_coverage", "year": 2025, "value": 100}`, `{"indicator": "village_coverage", "year": 2025, "value": 120}`, 1)
		}, "targets[8].value", "share target 120 is over 100"},
		{"bad milestone from", func(s string) string {
			return strings.Replace(s, `"year": 2024, "from": "2024-01"`, `"year": 2024, "from": "2024-1"`, 1)
		}, "milestones[1].from", "not a month"},
		{"milestone from after its due year", func(s string) string {
			return strings.Replace(s, `"year": 2024, "from": "2024-01"`, `"year": 2024, "from": "2025-02"`, 1)
		}, "milestones[1].from", "after the end of the due year 2024"},
		{"bad tasks_from", func(s string) string {
			return strings.Replace(s, `"tasks_from": "2024-01"`, `"tasks_from": "2024"`, 1)
		}, "units.children[3].tasks_from", "not a month"},
		{"bad start period", func(s string) string {
			return strings.Replace(s, `"start_period": "2023-08"`, `"start_period": "2023-13"`, 1)
		}, "start_period", "not a month"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			edited := tc.edit(string(base))
			if edited == string(base) {
				t.Fatal("edit did not change the plan")
			}
			_, err := LoadPlan(strings.NewReader(edited))
			if err == nil {
				t.Fatal("bad plan accepted")
			}
			if !strings.Contains(err.Error(), tc.wantField) || !strings.Contains(err.Error(), tc.wantText) {
				t.Errorf("error %q should name %q and say %q", err, tc.wantField, tc.wantText)
			}
		})
	}
}

func TestPeriods(t *testing.T) {
	tests := []struct {
		in   string
		add  int
		want string
	}{
		{"2023-08", 5, "2024-01"},
		{"2024-01", -1, "2023-12"},
		{"2025-12", 0, "2025-12"},
		{"2023-12", 13, "2025-01"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			p, err := ParsePeriod(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.AddMonths(tc.add).String(); got != tc.want {
				t.Errorf("%s + %d = %s, want %s", tc.in, tc.add, got, tc.want)
			}
		})
	}
	for _, bad := range []string{"2023-00", "2023-1", "23-01", "2023/01", ""} {
		if _, err := ParsePeriod(bad); err == nil {
			t.Errorf("ParsePeriod(%q) accepted", bad)
		}
	}
	if n := len(PeriodsBetween(MustPeriod("2023-08"), MustPeriod("2025-12"))); n != 29 {
		t.Errorf("2023-08..2025-12 has %d months, want 29", n)
	}
}

// TestGrowthTargetMayExceed100: a growth rate (农产品出村增长较2022年) may exceed 100%; only shares are capped.
func TestGrowthTargetMayExceed100(t *testing.T) {
	base, err := plans.Default()
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(base), `{"indicator": "agri_outbound_growth", "year": 2025, "value": 45}`, `{"indicator": "agri_outbound_growth", "year": 2025, "value": 145}`, 1)
	p, err := LoadPlan(strings.NewReader(edited))
	if err != nil {
		t.Fatalf("growth target 145%% refused: %v", err)
	}
	ind, _ := p.Indicator("agri_outbound_growth")
	if _, capped := ind.MaxValue(); capped {
		t.Error("a growth rate has a ceiling")
	}
	if max, capped := p.Indicators[3].MaxValue(); p.Indicators[3].Code != "village_coverage" || !capped || max != 100 {
		t.Errorf("village coverage: max %v capped %v, want 100", max, capped)
	}
}

// TestUnitNames: a unit's full name, its short name where it has one, and the code of an unknown unit.
func TestUnitNames(t *testing.T) {
	p := loadDefaultPlan(t)
	cases := []struct {
		code, name, short string
	}{
		{"530302", "麒麟区", "麒麟区"},
		{"530371", "曲靖经济技术开发区", "曲靖经开区"},
		{"999999", "999999", "999999"},
	}
	for _, tc := range cases {
		t.Run(tc.code, func(t *testing.T) {
			if got := p.UnitName(tc.code); got != tc.name {
				t.Errorf("UnitName = %q, want %q", got, tc.name)
			}
			if got := p.UnitShortName(tc.code); got != tc.short {
				t.Errorf("UnitShortName = %q, want %q", got, tc.short)
			}
		})
	}
}
