package dashboards

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"ruralkpi/internal/testkit"
	"ruralkpi/models"
)

// demoDataset turns the demo generator's returns into the dataset the store would build, without a
// database: version IDs are assigned in order, the newest version of a return counts.
func demoDataset(t testing.TB, p *models.Plan) (models.Dataset, []models.ReturnVersion) {
	t.Helper()
	demo, err := models.GenerateDemo(p, 2023)
	if err != nil {
		t.Fatal(err)
	}
	ds := models.Dataset{Allocations: map[string]map[int]map[string]float64{}, Targets: map[string]map[int]float64{},
		AdminVillages: demo.AdminVillages, Tolerances: map[string]float64{}}
	for _, a := range demo.Allocations {
		ds.AddAllocation(a)
	}
	newest := map[string]int{}
	for i, v := range demo.Versions {
		newest[v.UnitCode+v.Period] = i
	}
	var versions []models.ReturnVersion
	numbers := map[string]int{}
	for i, v := range demo.Versions {
		numbers[v.UnitCode+v.Period]++
		versions = append(versions, models.ReturnVersion{ID: uint(i + 1), Number: numbers[v.UnitCode+v.Period], UnitCode: v.UnitCode,
			Period: v.Period, Status: v.Status, Source: v.Source, FileName: v.FileName, UploadedBy: v.UploadedBy, UploadedAt: v.UploadedAt})
		if newest[v.UnitCode+v.Period] != i {
			continue
		}
		per := models.MustPeriod(v.Period)
		for _, val := range v.Values {
			ds.Observations = append(ds.Observations, models.Observation{Unit: v.UnitCode, Period: per, Indicator: val.Indicator,
				Value: val.Value, VersionID: uint(i + 1), Version: numbers[v.UnitCode+v.Period], Approved: v.Status == models.StatusApproved})
		}
		for _, m := range v.Milestones {
			obs := models.MilestoneObservation{Unit: v.UnitCode, Period: per, Indicator: m.Indicator,
				State: m.State, DoneOn: m.DoneOn, VersionID: uint(i + 1), Approved: v.Status == models.StatusApproved}
			if m.Unit != "" {
				obs.Unit, obs.Ticked = m.Unit, true // the office's tick of a unit's task
			}
			ds.Milestones = append(ds.Milestones, obs)
		}
	}
	return ds, versions
}

// demoInput is the demo data seen in a month ("" for the default, the latest month with data).
func demoInput(t testing.TB, period string) (Input, []models.ReturnVersion) {
	t.Helper()
	p := testkit.Plan(t)
	ds, versions := demoDataset(t, p)
	calc := models.NewProgressCalculator(p, ds, models.ProgressOptions{})
	var per *models.Period
	if period != "" {
		v := models.MustPeriod(period)
		per = &v
	}
	in, err := NewInput(calc, per, models.MustPeriod("2024-01"))
	if err != nil {
		t.Fatal(err)
	}
	return in, versions
}

func TestNewInput(t *testing.T) {
	p := testkit.Plan(t)
	ds, _ := demoDataset(t, p)
	calc := models.NewProgressCalculator(p, ds, models.ProgressOptions{})
	empty := models.NewProgressCalculator(p, models.Dataset{}, models.ProgressOptions{})
	before, after, inside := models.MustPeriod("2023-07"), models.MustPeriod("2026-01"), models.MustPeriod("2024-06")
	tests := []struct {
		name     string
		calc     *models.ProgressCalculator
		period   *models.Period
		fallback string
		want     string
		code     string
	}{
		{"default_is_latest_month_with_data", calc, nil, "2024-01", "2025-12", ""},
		{"asked_month", calc, &inside, "2024-01", "2024-06", ""},
		{"before_the_plan", calc, &before, "2024-01", "", models.EInvalid},
		{"after_the_plan", calc, &after, "2024-01", "", models.EInvalid},
		{"no_data_uses_fallback", empty, nil, "2024-03", "2024-03", ""},
		{"no_data_fallback_kept_inside_plan", empty, nil, "2030-03", "2025-12", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := NewInput(tt.calc, tt.period, models.MustPeriod(tt.fallback))
			if tt.code != "" {
				if models.ErrorCode(err) != tt.code {
					t.Fatalf("err = %v, want code %s", err, tt.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if in.Period.String() != tt.want {
				t.Errorf("period = %s, want %s", in.Period, tt.want)
			}
		})
	}
	if _, err := ParsePeriodParam("2024-13"); models.ErrorCode(err) != models.EInvalid {
		t.Errorf("ParsePeriodParam(2024-13) err = %v, want invalid", err)
	}
}

func TestOverview(t *testing.T) {
	in, _ := demoInput(t, "")
	p := in.Calc.Plan()
	ov, err := NewOverview(in, map[string]bool{"麒麟区": true, "沾益区": true, "马龙区": true, "陆良县": true, "师宗县": true,
		"罗平县": true, "富源县": true, "会泽县": true, "宣威市": true})
	if err != nil {
		t.Fatal(err)
	}
	units := p.ReportingUnits()
	if len(ov.Columns) != len(units)+1 || ov.Columns[0].Name != "全市" {
		t.Errorf("columns = %+v, want the city then %d units", ov.Columns, len(units))
	}
	if len(ov.Rows) != len(p.Indicators) {
		t.Fatalf("rows = %d, want %d", len(ov.Rows), len(p.Indicators))
	}
	cells := 0
	for _, r := range ov.Rows {
		if len(r.Cells) != len(units)+1 {
			t.Fatalf("row %s has %d cells", r.Indicator, len(r.Cells))
		}
		for _, c := range r.Cells[1:] {
			// Cells that do not apply (沾益区's hub park, the office's figures) are not counted.
			if g := c.Progress.GreyReason; g != models.GreyNotApplicable && g != models.GreyOfficeOnly {
				cells++
			}
		}
	}
	if got := ov.Counts.Green + ov.Counts.Amber + ov.Counts.Red + ov.Counts.Grey; got != cells {
		t.Errorf("counts add up to %d, want %d cells", got, cells)
	}
	if ov.Counts.Red == 0 || ov.Counts.Green == 0 || ov.Counts.Amber == 0 {
		t.Errorf("demo counts %+v: want every status present", ov.Counts)
	}
	headlines := 0
	for _, ind := range p.Indicators {
		if ind.Headline {
			headlines++
		}
	}
	if len(ov.Cards) != headlines {
		t.Errorf("cards = %d, want %d headline goals", len(ov.Cards), headlines)
	}
	if len(ov.Missing) != 1 || ov.Missing[0].Code != "530304" {
		t.Errorf("missing = %+v, want 马龙区 (no 2025-12 return in the demo)", ov.Missing)
	}
	prev := in.Calc.All(in.Period.AddMonths(-1))
	prevStatus := map[string]models.ProgressStatus{}
	for _, pr := range prev {
		prevStatus[pr.Indicator+"/"+pr.Scope] = pr.Status
	}
	for _, f := range ov.NewlyRed {
		if f.Status != "red" || prevStatus[f.Indicator+"/"+f.Scope] == models.StatusRed {
			t.Errorf("newly red %s/%s: now %s, before %s", f.Indicator, f.Scope, f.Status, prevStatus[f.Indicator+"/"+f.Scope])
		}
	}
	var opts struct {
		Series []struct {
			Type string
			Map  string
			Data []struct {
				Name      string
				ItemStyle struct{ AreaColor string }
			}
		}
	}
	if err := json.Unmarshal([]byte(ov.Map.OptionsJSON), &opts); err != nil {
		t.Fatal(err)
	}
	if len(opts.Series) != 1 || opts.Series[0].Type != "map" || opts.Series[0].Map != MapName || len(opts.Series[0].Data) != len(units) {
		t.Fatalf("map options = %+v", opts)
	}
	for i, d := range opts.Series[0].Data {
		if d.Name != units[i].Name || d.ItemStyle.AreaColor != statusColor(models.ProgressStatus(ov.Units[i].Status)) {
			t.Errorf("map area %d = %+v, want %s coloured %s", i, d, units[i].Name, ov.Units[i].Status)
		}
	}
	for _, u := range ov.Units {
		if u.OffMap != (u.Code == "530371") {
			t.Errorf("%s off map = %v", u.Name, u.OffMap)
		}
	}
	if !strings.Contains(ov.Map.OptionsJSON, "数据截至2025年12月") {
		t.Error("map does not state its as-of month")
	}
}

// TestOverviewEveryUnitOwesA2023Return: every unit reports statistics from the plan's start, so in
// 2023-10 none is "not yet expected" (issue 13, item 1).
func TestOverviewEveryUnitOwesA2023Return(t *testing.T) {
	in, _ := demoInput(t, "2023-10")
	ov, err := NewOverview(in, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ov.NotYet) != 0 || len(ov.Missing) != 0 {
		t.Errorf("not yet %d missing %d, want every unit expected and none missing", len(ov.NotYet), len(ov.Missing))
	}
}

func TestStandingThresholds(t *testing.T) {
	in, _ := demoInput(t, "2025-06")
	u, _ := in.Calc.Plan().Unit("530302")
	mk := func(statuses ...models.ProgressStatus) []models.Progress {
		var out []models.Progress
		for _, s := range statuses {
			out = append(out, models.Progress{Status: s})
		}
		return out
	}
	g, a, r, x := models.StatusGreen, models.StatusAmber, models.StatusRed, models.StatusGrey
	for _, tt := range []struct {
		name string
		in   []models.Progress
		want string
	}{
		{"one_amber_in_five", mk(g, g, g, g, a, x), "green"},
		{"one_red_in_five", mk(g, g, g, g, r, x), "amber"},
		{"one_red_one_amber_in_eight", mk(g, g, g, g, g, g, r, a), "amber"},
		{"a_quarter_red", mk(g, g, a, r), "red"},
		{"just_under_a_quarter_red", mk(g, g, g, g, g, g, g, g, g, a, a, r, r), "amber"},
		{"exactly_a_quarter_amber", mk(g, g, g, a), "amber"},
		{"just_under_a_quarter_amber", mk(g, g, g, g, a), "green"},
		{"nothing_judged", mk(x, x), "grey"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := standing(in, u, tt.in, nil, nil); got.Status != tt.want {
				t.Errorf("status = %s, want %s", got.Status, tt.want)
			}
		})
	}
}

func TestUnitPage(t *testing.T) {
	in, versions := demoInput(t, "2025-06")
	p := in.Calc.Plan()
	page, err := NewUnitPage(in, "530325", versions)
	if err != nil {
		t.Fatal(err)
	}
	n, want := 0, 0
	for _, g := range page.Groups {
		n += len(g.Figures)
		for _, f := range g.Figures {
			if ind, _ := p.Indicator(f.Indicator); ind.RollUp == models.RollUpOffice {
				t.Errorf("the unit page shows the office's city-wide %s", f.Indicator)
			}
		}
	}
	for _, ind := range p.Indicators {
		if ind.RollUp != models.RollUpOffice {
			want++ // the county's 工作专班 and 工作方案, ticked by the office, are the unit's own
		}
	}
	if n != want {
		t.Errorf("figures = %d, want %d (every indicator but the office's city-wide ones)", n, want)
	}
	if len(page.Charts) == 0 {
		t.Fatal("no trend charts")
	}
	for _, ch := range page.Charts {
		if !strings.Contains(ch.OptionsJSON, "数据截至2025年6月") || !strings.Contains(ch.OptionsJSON, "序时进度") {
			t.Errorf("chart %s lacks its as-of month or 序时 path", ch.ID)
		}
	}
	var due []string
	for _, m := range page.Milestones {
		due = append(due, m.Indicator)
	}
	if strings.Join(due, ",") != "county_task_force,county_work_plan,hub_parks,joint_distribution,third_party_company" {
		t.Errorf("milestones = %v", due)
	}
	hub := func(items []MilestoneItem) MilestoneItem {
		for _, m := range items {
			if m.Indicator == "hub_parks" {
				return m
			}
		}
		return MilestoneItem{}
	}
	// The demo's 富源县 finishes its 2024 hub park late, in 2025-05.
	if h := hub(page.Milestones); h.Schedule != "已完成" {
		t.Errorf("富源县 hub park in 2025-06 = %+v, want 已完成", h)
	}
	if page.Milestones[0].Schedule != "已完成" {
		t.Errorf("富源县 工作专班 (ticked by the office in 2023) = %+v, want 已完成", page.Milestones[0])
	}
	early, _ := demoInput(t, "2025-03")
	late, err := NewUnitPage(early, "530325", nil)
	if err != nil {
		t.Fatal(err)
	}
	if h := hub(late.Milestones); h.Schedule != "已逾期" || h.Status != "red" {
		t.Errorf("富源县 hub park in 2025-03 = %+v, want 已逾期, red", h)
	}
	if len(page.Returns) == 0 || page.Returns[0].Period < page.Returns[len(page.Returns)-1].Period {
		t.Errorf("returns not newest first: %+v", page.Returns)
	}
	for _, r := range page.Returns {
		if r.Period == "" || r.VersionID == 0 {
			t.Errorf("return item %+v", r)
		}
	}
	if _, err := NewUnitPage(in, "999999", nil); models.ErrorCode(err) != models.ENotFound {
		t.Errorf("unknown unit: err = %v, want not found", err)
	}
}

func TestWorkstreamPage(t *testing.T) {
	in, _ := demoInput(t, "2024-09")
	p := in.Calc.Plan()
	page, err := NewWorkstreamPage(in, "goals")
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Sections) != len(p.IndicatorsFor("goals")) {
		t.Fatalf("sections = %d", len(page.Sections))
	}
	for _, sec := range page.Sections {
		ind, _ := p.Indicator(sec.City.Indicator)
		if (sec.Ranking == nil) != (ind.RollUp == models.RollUpOffice || !anyRatio(in.Calc.ForIndicator(ind.Code, in.Period)[1:])) {
			t.Errorf("%s: ranking chart present = %v", ind.Code, sec.Ranking != nil)
		}
		if sec.Ranking == nil {
			continue
		}
		var opts struct {
			Series []struct {
				Data []struct {
					Name      string
					Value     any
					ItemStyle struct{ Color string }
				}
			}
		}
		if err := json.Unmarshal([]byte(sec.Ranking.OptionsJSON), &opts); err != nil {
			t.Fatal(err)
		}
		status := map[string]string{}
		for _, f := range sec.Units {
			status[f.ScopeName] = f.Status
		}
		data := opts.Series[0].Data
		last := 1e18
		for k := len(data) - 1; k >= 0; k-- { // best on top: the last bar is the best
			d := data[k]
			if d.ItemStyle.Color != statusColor(models.ProgressStatus(status[d.Name])) {
				t.Errorf("%s: bar %s coloured %s, status %s", ind.Code, d.Name, d.ItemStyle.Color, status[d.Name])
			}
			if v, ok := d.Value.(float64); ok {
				if v > last {
					t.Errorf("%s: bars not ranked at %s", ind.Code, d.Name)
				}
				last = v
			}
		}
	}
	if _, err := NewWorkstreamPage(in, "nope"); models.ErrorCode(err) != models.ENotFound {
		t.Errorf("unknown workstream: err = %v", err)
	}
}

func TestIndicatorPage(t *testing.T) {
	in, _ := demoInput(t, "2024-03")
	page, err := NewIndicatorPage(in, "service_points")
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Months) != 8 || page.Months[0] != "2023-08" || page.Months[7] != "2024-03" {
		t.Errorf("months = %v, want 2023-08 … 2024-03", page.Months)
	}
	if len(page.Rows) != 11 || page.Rows[0].Name != "全市" {
		t.Errorf("rows = %d (%s first)", len(page.Rows), page.Rows[0].Name)
	}
	if page.Units == nil || page.CityTrend == nil {
		t.Fatal("charts missing")
	}
	if got := strings.Count(page.Units.OptionsJSON, `"type":"line"`); got != 10 {
		t.Errorf("unit lines = %d, want 10", got)
	}
	full, _ := demoInput(t, "2025-12")
	page, err = NewIndicatorPage(full, "joint_distribution")
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Months) != tableMonths || page.Units != nil {
		t.Errorf("milestone page: months %d, chart %v", len(page.Months), page.Units != nil)
	}
	if _, err := NewIndicatorPage(in, "nope"); models.ErrorCode(err) != models.ENotFound {
		t.Errorf("unknown indicator: err = %v", err)
	}
}

func TestProgressItems(t *testing.T) {
	in, _ := demoInput(t, "2024-06")
	p := in.Calc.Plan()
	all, err := ProgressItems(in, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Items) != len(p.Indicators)*11 || all.Period != "2024-06" {
		t.Fatalf("items = %d period %s", len(all.Items), all.Period)
	}
	city := 0
	for _, it := range all.Items {
		if it.County == "" {
			city++
		}
		if it.Status == "grey" && it.Ratio != nil {
			t.Errorf("%s/%s grey with a ratio", it.Indicator, it.County)
		}
	}
	if city != len(p.Indicators) {
		t.Errorf("city items = %d", city)
	}
	one, err := ProgressItems(in, "530302")
	if err != nil {
		t.Fatal(err)
	}
	if len(one.Items) != len(p.Indicators) || one.Items[0].County != "530302" {
		t.Errorf("county items = %d", len(one.Items))
	}
	for _, it := range one.Items {
		if it.Indicator == "service_points" {
			if it.Target == nil || it.Actual == nil || it.Ratio == nil || len(it.VersionIDs) != 1 {
				t.Errorf("service points 530302 = %+v", it)
			}
		}
	}
	for _, bad := range []string{"530300", "999"} {
		if _, err := ProgressItems(in, bad); models.ErrorCode(err) != models.ENotFound {
			t.Errorf("county %s: err = %v", bad, err)
		}
	}
}

func TestChartLabelsAreData(t *testing.T) {
	p := testkit.Plan(t)
	p.Root.Children[0].Name = `</script><script>alert(1)</script>`
	p.Root.Children[0].ShortName = ""
	p.Indicators[1].Name = `服务网点</script><img src=x onerror=alert(1)>`
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	ds, _ := demoDataset(t, p)
	calc := models.NewProgressCalculator(p, ds, models.ProgressOptions{})
	in, err := NewInput(calc, nil, models.MustPeriod("2024-01"))
	if err != nil {
		t.Fatal(err)
	}
	page, err := NewIndicatorPage(in, p.Indicators[1].Code)
	if err != nil {
		t.Fatal(err)
	}
	ov, err := NewOverview(in, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, js := range []string{page.Units.OptionsJSON, page.CityTrend.OptionsJSON, ov.Map.OptionsJSON} {
		if strings.Contains(js, "<") || strings.Contains(js, ">") {
			t.Errorf("options hold a raw angle bracket: %.200s", js)
		}
		var v any
		if err := json.Unmarshal([]byte(js), &v); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(js, `\u003c/script\u003e`) {
			t.Errorf("the label is missing from the options")
		}
	}
}

func TestTrace(t *testing.T) {
	p := testkit.Plan(t)
	pr := models.Progress{HasActual: true, Sources: []models.SourceRef{
		{Unit: "530302", Period: models.MustPeriod("2024-06"), VersionID: 41, Version: 2, Approved: true},
		{Unit: "530303", Period: models.MustPeriod("2024-05"), VersionID: 17, Version: 1, Approved: false},
	}}
	want := "来源：麒麟区 2024-06月报第2版（版本号41）；沾益区 2024-05月报第1版（版本号17，待审核）"
	if got := trace(p, pr); got != want {
		t.Errorf("trace = %q, want %q", got, want)
	}
	pr.Sources, pr.AllApproved = pr.Sources[:1], true
	if got := trace(p, pr); !strings.HasSuffix(got, "。均已通过") {
		t.Errorf("trace = %q", got)
	} // A figure counted from a ledger names the snapshot and its own review.
	pr = models.Progress{HasActual: true, Sources: []models.SourceRef{{Unit: "530304", Period: models.MustPeriod("2024-03"), Version: 1, SnapshotID: 9}}}
	if got, want := trace(p, pr), "来源：马龙区 2024-03网点台账第1版（版本号9，待审核）"; got != want {
		t.Errorf("trace = %q, want %q", got, want)
	}
}

func TestMapFeatureNames(t *testing.T) {
	b, err := os.ReadFile("testdata/qujing-names.geojson")
	if err != nil {
		t.Fatal(err)
	}
	names, err := MapFeatureNames(b)
	if err != nil {
		t.Fatal(err)
	}
	p := testkit.Plan(t)
	for _, u := range p.ReportingUnits() {
		if names[u.Name] != (u.Code != "530371") {
			t.Errorf("%s on the map = %v", u.Name, names[u.Name])
		}
	}
	for _, bad := range []string{`{"features":[]}`, `not json`} {
		if _, err := MapFeatureNames([]byte(bad)); err == nil {
			t.Errorf("MapFeatureNames(%s) gave no error", bad)
		}
	}
}

// In a deeper tree the page of a province lists its cities, a city's its counties, each with its
// standing and a link; a county has none.
func TestUnitPageListsChildren(t *testing.T) {
	p, allocs, _, err := models.SyntheticCountry(2, 5, 23)
	if err != nil {
		t.Fatal(err)
	}
	ds := models.Dataset{Allocations: map[string]map[int]map[string]float64{}}
	for _, a := range allocs {
		ds.AddAllocation(a)
	}
	for _, u := range p.ReportingUnits() {
		ds.Observations = append(ds.Observations, models.Observation{Unit: u.Code, Period: models.MustPeriod("2024-06"), Indicator: "stock_0", Value: 10, VersionID: 1, Version: 1})
	}
	period := models.MustPeriod("2024-06")
	in, err := NewInput(models.NewProgressCalculator(p, ds, models.ProgressOptions{}), &period, period)
	if err != nil {
		t.Fatal(err)
	}
	province, city := p.Root.Children[0], p.Root.Children[0].Children[1]
	county := city.Children[0]
	for _, u := range []models.Unit{p.Root, province, city, county} {
		page, err := NewUnitPage(in, u.Code, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Children) != len(u.Children) {
			t.Fatalf("%s (%s) lists %d units below it, has %d", u.Code, u.Level, len(page.Children), len(u.Children))
		}
		for i, c := range page.Children {
			if c.Code != u.Children[i].Code || c.Link != "/counties/"+c.Code+"?period=2024-06" || c.Judged == 0 {
				t.Errorf("%s: child %+v", u.Code, c)
			}
		}
	}
}

// TestUnitPageStandingIsTheMaps: a unit's overall status and share of green indicators are the same on
// its page as on the overview's map. The office ticks the county's own 工作专班 and 工作方案 (reporter
// office, but the unit's tasks): the page listed and counted neither, so 师宗县 in 2023-12, its 工作方案
// overdue, read 28.6% on its page and 31.3% on the map.
func TestUnitPageStandingIsTheMaps(t *testing.T) {
	for _, period := range []string{"2023-12", "2024-06", "2025-06"} {
		t.Run(period, func(t *testing.T) {
			in, versions := demoInput(t, period)
			ov, err := NewOverview(in, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, onMap := range ov.Units {
				page, err := NewUnitPage(in, onMap.Code, versions)
				if err != nil {
					t.Fatal(err)
				}
				if page.Standing.Status != onMap.Status || page.Standing.Share != onMap.Share || page.Standing.Judged != onMap.Judged {
					t.Errorf("%s: page %s %s of %d judged, map %s %s of %d", onMap.Code, page.Standing.Status, page.Standing.Share,
						page.Standing.Judged, onMap.Status, onMap.Share, onMap.Judged)
				}
			}
		})
	}
}

// TestDemoCityNeverBehindWhileEveryUnitIsOnSchedule scans the demo's months for a summed indicator
// where the city is red while every unit directly below it is green. The city expected 7 replaced
// vehicles in 2023-08 (36 × 1/5, rounded down) while its ten counties, each on its own allocation's
// rounded path, expected 2 together and were all green: the city read red on their 6. A summed
// whole-number count now expects the sum of its units' rounded paths when they are all allocated.
func TestDemoCityNeverBehindWhileEveryUnitIsOnSchedule(t *testing.T) {
	p := testkit.Plan(t)
	ds, _ := demoDataset(t, p)
	calc := models.NewProgressCalculator(p, ds, models.ProgressOptions{})
	ev := calc.Progress("ev_replacement", p.Root.Code, models.MustPeriod("2023-08"))
	if ev.Status == models.StatusRed {
		t.Errorf("city ev_replacement 2023-08: red at %v of %v while every county is green", ev.Actual, ev.Expected)
	}
	var bad []string
	for _, per := range models.PeriodsBetween(models.MustPeriod("2023-08"), models.MustPeriod("2025-09")) {
		for _, ind := range p.Indicators {
			if ind.RollUp != models.RollUpSum {
				continue
			}
			city := calc.Progress(ind.Code, p.Root.Code, per)
			if city.Status != models.StatusRed {
				continue
			}
			allGreen := true
			for _, u := range p.Root.Children {
				if calc.Progress(ind.Code, u.Code, per).Status != models.StatusGreen {
					allGreen = false
					break
				}
			}
			if allGreen {
				bad = append(bad, fmt.Sprintf("%s %s (%v of %v)", per, ind.Code, city.Actual, city.Expected))
			}
		}
	}
	if len(bad) > 0 {
		t.Errorf("%d city reds with every unit green: %v", len(bad), bad)
	}
}
