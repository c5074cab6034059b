package models_test

import (
	"math"
	"strings"
	"testing"

	"ruralkpi/internal/testkit"
	"ruralkpi/models"
)

// fig is a figure in a worked example: unit, month, indicator, value.
type fig struct {
	unit, period, indicator string
	value                   float64
}

// ms is a milestone state in a worked example.
type ms struct {
	unit, period, indicator, state string
}

// dataset builds a dataset where every figure comes from its own approved version 1.
func dataset(figs []fig, states []ms) models.Dataset {
	ds := models.Dataset{
		Allocations:   map[string]map[int]map[string]float64{},
		Targets:       map[string]map[int]float64{},
		AdminVillages: map[string]int{},
		Tolerances:    map[string]float64{},
	}
	for i, f := range figs {
		ds.Observations = append(ds.Observations, models.Observation{Unit: f.unit, Period: models.MustPeriod(f.period),
			Indicator: f.indicator, Value: f.value, VersionID: uint(i + 1), Version: 1, Approved: true})
	}
	for i, s := range states {
		ds.Milestones = append(ds.Milestones, models.MilestoneObservation{Unit: s.unit, Period: models.MustPeriod(s.period),
			Indicator: s.indicator, State: s.state, VersionID: uint(1000 + i), Approved: true})
	}
	return ds
}

func allocate(ds models.Dataset, indicator string, year int, unit string, v float64) {
	if ds.Allocations[indicator] == nil {
		ds.Allocations[indicator] = map[int]map[string]float64{}
	}
	if ds.Allocations[indicator][year] == nil {
		ds.Allocations[indicator][year] = map[string]float64{}
	}
	ds.Allocations[indicator][year][unit] = v
}

// want is what a worked example expects; NaN fields are not checked.
type want struct {
	status                      models.ProgressStatus
	target, expected, actual    float64
	ratio, forecast, neededPerM float64
	schedule                    models.ScheduleState
}

func near(a, b float64) bool { return math.Abs(a-b) < 0.005 }

func check(t *testing.T, got models.Progress, w want) {
	t.Helper()
	if got.Status != w.status {
		t.Errorf("status = %s, want %s (progress %+v)", got.Status, w.status, got)
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"target", got.Target, w.target}, {"expected", got.Expected, w.expected}, {"actual", got.Actual, w.actual},
		{"ratio", got.Ratio, w.ratio}, {"forecast", got.Forecast, w.forecast}, {"needed per month", got.NeededPerMonth, w.neededPerM},
	} {
		if !math.IsNaN(c.want) && !near(c.got, c.want) {
			t.Errorf("%s = %.4f, want %.4f", c.name, c.got, c.want)
		}
	}
	if got.Schedule != w.schedule {
		t.Errorf("schedule = %q, want %q", got.Schedule, w.schedule)
	}
}

var nan = math.NaN()

// TestWorkedExamples runs every worked example of the README's progress rules; the sub-test names are the
// example headings there.
func TestWorkedExamples(t *testing.T) {
	p := testkit.Plan(t)
	tests := []struct {
		name       string
		ds         func() models.Dataset
		indicator  string
		scope      string
		period     string
		want       want
		extraCheck func(t *testing.T, got models.Progress)
	}{
		{
			name: "cumulative_first_year_counts_from_plan_start",
			ds: func() models.Dataset {
				return dataset([]fig{
					{"530302", "2023-10", "service_points", 120}, {"530303", "2023-10", "service_points", 80},
					{"530304", "2023-10", "service_points", 50}, {"530371", "2023-10", "service_points", 30},
				}, nil)
			},
			indicator: "service_points", scope: "530300", period: "2023-10",
			want: want{status: models.StatusAmber, target: 506, expected: 303, actual: 280, ratio: 0.9241, forecast: 466.67, neededPerM: 113},
			extraCheck: func(t *testing.T, got models.Progress) {
				if got.ElapsedMonths != 3 || got.YearMonths != 5 {
					t.Errorf("elapsed %d of %d months, want 3 of 5", got.ElapsedMonths, got.YearMonths)
				}
				if got.Units != 10 || got.Reported != 4 {
					t.Errorf("units %d reported %d, want 10 and 4 (every unit reports from the plan's start)", got.Units, got.Reported)
				}
			},
		},
		{
			name: "cumulative_later_year",
			ds: func() models.Dataset {
				return dataset([]fig{{"530302", "2023-12", "service_points", 510}, {"530302", "2024-06", "service_points", 950}}, nil)
			},
			indicator: "service_points", scope: "530300", period: "2024-06",
			want: want{status: models.StatusGreen, target: 1350, expected: 928, actual: 950, ratio: 1.0237, forecast: 1390, neededPerM: 66.67},
		},
		{
			name: "annual_year_to_date",
			ds: func() models.Dataset {
				return dataset([]fig{{"530302", "2024-03", "outbound_parcels", 600}, {"530381", "2024-03", "outbound_parcels", 500}}, nil)
			},
			indicator: "outbound_parcels", scope: "530300", period: "2024-03",
			want: want{status: models.StatusRed, target: 5300, expected: 1325, actual: 1100, ratio: 0.8302, forecast: 4400, neededPerM: 466.67},
		},
		{
			name: "annual_ignores_last_year",
			ds: func() models.Dataset {
				ds := dataset([]fig{{"530302", "2023-12", "outbound_parcels", 1500}}, nil)
				allocate(ds, "outbound_parcels", 2024, "530302", 1200)
				return ds
			},
			indicator: "outbound_parcels", scope: "530302", period: "2024-01",
			want: want{status: models.StatusGrey, target: 1200, expected: 100, actual: 0, ratio: 0, forecast: 0, neededPerM: 0},
			extraCheck: func(t *testing.T, got models.Progress) {
				if got.HasActual {
					t.Error("a December year-to-date figure must not count in January")
				}
			},
		},
		{
			name: "missing_month_carries_latest_level",
			ds: func() models.Dataset {
				ds := dataset([]fig{{"530302", "2023-12", "service_points", 160}, {"530302", "2024-04", "service_points", 220}}, nil)
				allocate(ds, "service_points", 2023, "530302", 150)
				allocate(ds, "service_points", 2024, "530302", 300)
				return ds
			},
			indicator: "service_points", scope: "530302", period: "2024-05",
			want: want{status: models.StatusGreen, target: 300, expected: 212, actual: 220, ratio: 1.0377, forecast: 304, neededPerM: 11.43},
			extraCheck: func(t *testing.T, got models.Progress) {
				if len(got.Sources) != 1 || got.Sources[0].Period.String() != "2024-04" {
					t.Errorf("sources = %+v, want the 2024-04 return", got.Sources)
				}
			},
		},
		{
			name: "rate_derived_coverage",
			ds: func() models.Dataset {
				ds := dataset([]fig{{"530302", "2024-09", "covered_villages", 400}, {"530381", "2024-09", "covered_villages", 800}}, nil)
				ds.AdminVillages["530302"] = 600
				ds.AdminVillages["530381"] = 1050
				return ds
			},
			indicator: "village_coverage", scope: "530300", period: "2024-09",
			want: want{status: models.StatusGreen, target: 80, expected: 67.5, actual: 72.73, ratio: 1.0774, forecast: nan, neededPerM: nan},
		},
		{
			name: "ratio_rollup_not_average",
			ds: func() models.Dataset {
				ds := dataset([]fig{{"530302", "2025-03", "covered_villages", 90}, {"530303", "2025-03", "covered_villages", 10}}, nil)
				ds.AdminVillages["530302"] = 100
				ds.AdminVillages["530303"] = 900
				return ds
			},
			indicator: "village_coverage", scope: "530300", period: "2025-03",
			want: want{status: models.StatusRed, target: 100, expected: 85, actual: 10, ratio: 0.1176, forecast: nan, neededPerM: nan},
		},
		{
			name: "unit_rate_uses_city_rate",
			ds: func() models.Dataset {
				ds := dataset([]fig{{"530302", "2025-03", "covered_villages", 90}}, nil)
				ds.AdminVillages["530302"] = 100
				return ds
			},
			indicator: "village_coverage", scope: "530302", period: "2025-03",
			want: want{status: models.StatusGreen, target: 100, expected: 85, actual: 90, ratio: 1.0588, forecast: nan, neededPerM: nan},
		},
		{
			name: "office_figure_as_entered",
			ds: func() models.Dataset {
				return dataset([]fig{{"530300", "2024-12", "firms_10m", 9}, {"530302", "2024-12", "firms_10m", 5}}, nil)
			},
			indicator: "firms_10m", scope: "530300", period: "2024-12",
			want: want{status: models.StatusGreen, target: 9, expected: 9, actual: 9, ratio: 1, forecast: nan, neededPerM: 0},
		},
		{
			name: "year_end_grey_before_december",
			ds: func() models.Dataset {
				return dataset([]fig{{"530300", "2023-12", "firms_10m", 6}, {"530300", "2024-06", "firms_10m", 8}}, nil)
			},
			indicator: "firms_10m", scope: "530300", period: "2024-06",
			want: want{status: models.StatusGrey, target: 9, expected: 0, actual: 8, ratio: 0, forecast: 10, neededPerM: 0.1667},
			extraCheck: func(t *testing.T, got models.Progress) {
				if got.HasExpected || got.HasRatio || got.GreyReason != models.GreyYearEnd || !got.HasForecast {
					t.Errorf("has expected %v ratio %v reason %q forecast %v, want no expected, no ratio, year_end and a forecast", got.HasExpected, got.HasRatio, got.GreyReason, got.HasForecast)
				}
			},
		},
		{
			name: "unit_without_allocation_is_grey",
			ds: func() models.Dataset {
				return dataset([]fig{{"530303", "2024-06", "service_points", 100}}, nil)
			},
			indicator: "service_points", scope: "530303", period: "2024-06",
			want: want{status: models.StatusGrey, target: 0, expected: 0, actual: 100, ratio: 0, forecast: 0, neededPerM: 0},
		},
		{
			name: "tolerance_per_indicator",
			ds: func() models.Dataset {
				ds := dataset([]fig{
					{"530302", "2023-10", "service_points", 120}, {"530303", "2023-10", "service_points", 80},
					{"530304", "2023-10", "service_points", 50}, {"530371", "2023-10", "service_points", 30},
				}, nil)
				ds.Tolerances["service_points"] = 0.95
				return ds
			},
			indicator: "service_points", scope: "530300", period: "2023-10",
			want: want{status: models.StatusRed, target: 506, expected: 303, actual: 280, ratio: 0.9241, forecast: nan, neededPerM: nan},
		},
		{
			name: "hub_park_done_at_one",
			ds: func() models.Dataset {
				return dataset([]fig{{"530302", "2023-11", "hub_parks", 1}}, nil)
			},
			indicator: "hub_parks", scope: "530302", period: "2023-11",
			want: want{status: models.StatusGreen, target: 1, expected: 0, actual: 1, ratio: 0, forecast: nan, neededPerM: nan, schedule: models.ScheduleDone},
			extraCheck: func(t *testing.T, got models.Progress) {
				if got.Completion != 1 {
					t.Errorf("completion = %v, want 1", got.Completion)
				}
			},
		},
		{
			name: "hub_park_overdue",
			ds: func() models.Dataset {
				return dataset([]fig{{"530381", "2024-12", "hub_parks", 0}}, nil)
			},
			indicator: "hub_parks", scope: "530381", period: "2024-12",
			want: want{status: models.StatusRed, target: 1, expected: 0, actual: 0, ratio: 0, forecast: nan, neededPerM: nan, schedule: models.ScheduleOverdue},
			extraCheck: func(t *testing.T, got models.Progress) {
				if got.HasExpected || got.HasRatio || !got.OwnTask {
					t.Errorf("one task: expected %v ratio %v own %v, want neither defined", got.HasExpected, got.HasRatio, got.OwnTask)
				}
			},
		},
		{
			name: "milestone_rollup_city",
			ds: func() models.Dataset {
				return dataset(nil, []ms{
					{"530302", "2023-12", "joint_distribution", models.MilestoneDone},
					{"530303", "2023-12", "joint_distribution", models.MilestoneDone},
					{"530304", "2023-11", "joint_distribution", models.MilestoneDone},
					{"530371", "2023-12", "joint_distribution", models.MilestoneInProgress},
				})
			},
			indicator: "joint_distribution", scope: "530300", period: "2023-12",
			want: want{status: models.StatusRed, target: 4, expected: 4, actual: 3, ratio: 0.75, forecast: 0, neededPerM: 0, schedule: models.ScheduleOverdue},
			extraCheck: func(t *testing.T, got models.Progress) {
				if got.DueCount != 4 || got.DoneCount != 3 {
					t.Errorf("due %d done %d, want 4 and 3", got.DueCount, got.DoneCount)
				}
			},
		},
		{
			name: "city_milestone_from_office",
			ds: func() models.Dataset {
				return dataset(nil, []ms{{"530300", "2023-09", "trunk_zhejiang", models.MilestoneDone}})
			},
			indicator: "trunk_zhejiang", scope: "530300", period: "2023-10",
			want: want{status: models.StatusGreen, target: 1, expected: 0, actual: 1, ratio: 0, forecast: 0, neededPerM: 0, schedule: models.ScheduleDone},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := models.NewProgressCalculator(p, tt.ds(), models.ProgressOptions{})
			got := c.Progress(tt.indicator, tt.scope, models.MustPeriod(tt.period))
			check(t, got, tt.want)
			if tt.extraCheck != nil {
				tt.extraCheck(t, got)
			}
		})
	}
}

// TestMilestoneSchedule is the worked example "milestone_at_risk_then_overdue": one county's
// joint-distribution milestone, due in 2024, month by month.
func TestMilestoneSchedule(t *testing.T) {
	p := testkit.Plan(t)
	ds := dataset(nil, []ms{
		{"530381", "2024-05", "joint_distribution", models.MilestoneNotStarted},
		{"530381", "2024-07", "joint_distribution", models.MilestoneNotStarted},
		{"530381", "2024-09", "joint_distribution", models.MilestoneInProgress},
		{"530381", "2024-12", "joint_distribution", models.MilestoneInProgress},
		{"530381", "2025-03", "joint_distribution", models.MilestoneDone},
	})
	c := models.NewProgressCalculator(p, ds, models.ProgressOptions{})
	tests := []struct {
		name     string
		period   string
		schedule models.ScheduleState
		status   models.ProgressStatus
	}{
		{"milestone_at_risk_then_overdue/2024-01_no_report_yet", "2024-01", models.ScheduleOnTrack, models.StatusGrey},
		{"milestone_at_risk_then_overdue/2024-05_not_started", "2024-05", models.ScheduleOnTrack, models.StatusGreen},
		{"milestone_at_risk_then_overdue/2024-07_not_started_after_mid_year", "2024-07", models.ScheduleAtRisk, models.StatusAmber},
		{"milestone_at_risk_then_overdue/2024-09_in_progress", "2024-09", models.ScheduleBuilding, models.StatusGreen},
		{"milestone_at_risk_then_overdue/2024-12_not_done_at_year_end", "2024-12", models.ScheduleOverdue, models.StatusRed},
		{"milestone_at_risk_then_overdue/2025-03_done", "2025-03", models.ScheduleDone, models.StatusGreen},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.Progress("joint_distribution", "530381", models.MustPeriod(tt.period))
			if got.Schedule != tt.schedule || got.Status != tt.status {
				t.Errorf("got %q/%s, want %q/%s", got.Schedule, got.Status, tt.schedule, tt.status)
			}
		})
	}
}

// lowerIsBetterPlan is a one-indicator plan where a smaller figure is better (complaints per 10,000
// parcels), to state and test the rule even though the city's plan has no such indicator.
func lowerIsBetterPlan(t *testing.T) *models.Plan {
	t.Helper()
	p := &models.Plan{
		Code: "test", Name: "测试方案", StartPeriod: "2024-01", EndPeriod: "2025-12", Years: []int{2024, 2025},
		Workstreams: []models.Workstream{{Code: "quality", Name: "服务质量"}},
		Indicators: []models.Indicator{{Code: "complaint_rate", Name: "万件投诉率", Unit: "‱", Kind: models.KindRate,
			Workstream: "quality", RollUp: models.RollUpOffice, Reporter: models.ReporterOffice, LowerIsBetter: true, Percent: models.PercentShare}},
		Targets: []models.Target{{Indicator: "complaint_rate", Year: 2024, Value: 5}, {Indicator: "complaint_rate", Year: 2025, Value: 3}},
		Root:    models.Unit{Code: "c", Name: "市", Level: "city", Children: []models.Unit{{Code: "a", Name: "甲县", Level: "county"}}},
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestLowerIsBetter is the worked example "lower_is_better".
func TestLowerIsBetter(t *testing.T) {
	p := lowerIsBetterPlan(t)
	tests := []struct {
		name   string
		period string
		actual float64
		want   models.ProgressStatus
		expect float64
	}{
		{"lower_is_better/below_the_path", "2025-06", 3.9, models.StatusGreen, 4},
		{"lower_is_better/slightly_above", "2025-06", 4.2, models.StatusAmber, 4},
		{"lower_is_better/far_above", "2025-06", 4.6, models.StatusRed, 4},
		{"lower_is_better/first_year_ceiling", "2024-03", 5.2, models.StatusAmber, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds := dataset([]fig{{"c", tt.period, "complaint_rate", tt.actual}}, nil)
			got := models.NewProgressCalculator(p, ds, models.ProgressOptions{}).Progress("complaint_rate", "c", models.MustPeriod(tt.period))
			if got.Status != tt.want || !near(got.Expected, tt.expect) {
				t.Errorf("status %s expected %.2f, want %s and %.2f", got.Status, got.Expected, tt.want, tt.expect)
			}
		})
	}
}

// TestUnitNotStartedIsNotMissing: a plan may still start a unit's reporting later (start_period);
// the Qujing plan does not (every unit reports from 2023-08), so the test moves 宣威市's start.
func TestUnitNotStartedIsNotMissing(t *testing.T) {
	p := testkit.Plan(t)
	for i := range p.Root.Children {
		if p.Root.Children[i].Code == "530381" {
			p.Root.Children[i].StartPeriod = "2024-01"
		}
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	ds := dataset([]fig{{"530302", "2023-10", "service_points", 120}, {"530303", "2023-10", "service_points", 80}}, nil)
	c := models.NewProgressCalculator(p, ds, models.ProgressOptions{})
	got := c.Progress("service_points", "530381", models.MustPeriod("2023-10"))
	if !got.NotStarted || got.Status != models.StatusGrey {
		t.Errorf("宣威市 in 2023-10: not started %v status %s, want true and grey", got.NotStarted, got.Status)
	}
	missing := c.MissingReturns(models.MustPeriod("2023-10"))
	want := []string{"530304", "530322", "530323", "530324", "530325", "530326", "530371"}
	if strings.Join(missing, ",") != strings.Join(want, ",") {
		t.Errorf("missing = %v, want %v", missing, want)
	}
	latest, ok := c.LatestPeriod()
	if !ok || latest.String() != "2023-10" {
		t.Errorf("latest = %v %v, want 2023-10", latest, ok)
	}
}

func TestTraceability(t *testing.T) {
	p := testkit.Plan(t)
	ds := dataset([]fig{{"530302", "2024-06", "service_points", 500}, {"530303", "2024-05", "service_points", 300}}, nil)
	ds.Observations[1].Approved = false
	ds.Observations[1].Version = 3
	c := models.NewProgressCalculator(p, ds, models.ProgressOptions{})
	got := c.Progress("service_points", "530300", models.MustPeriod("2024-06"))
	if len(got.Sources) != 2 {
		t.Fatalf("sources = %+v, want two", got.Sources)
	}
	if got.AllApproved {
		t.Error("AllApproved with an unapproved version among the sources")
	}
	if got.Sources[1].Unit != "530303" || got.Sources[1].Version != 3 || got.Sources[1].Period.String() != "2024-05" {
		t.Errorf("second source = %+v, want 530303 v3 of 2024-05", got.Sources[1])
	}
	one := c.Progress("service_points", "530302", models.MustPeriod("2024-06"))
	if !one.AllApproved || one.Sources[0].VersionID != 1 {
		t.Errorf("530302 sources = %+v approved %v, want version id 1, approved", one.Sources, one.AllApproved)
	}
}

func TestAllCoversEveryIndicatorAndScope(t *testing.T) {
	p := testkit.Plan(t)
	c := models.NewProgressCalculator(p, dataset(nil, nil), models.ProgressOptions{})
	all := c.All(models.MustPeriod("2024-06"))
	if want := len(p.Indicators) * (1 + len(p.ReportingUnits())); len(all) != want {
		t.Fatalf("len = %d, want %d", len(all), want)
	}
	if got := models.ComputeProgress(p, dataset(nil, nil), models.MustPeriod("2024-06"), models.ProgressOptions{}); len(got) != len(all) {
		t.Errorf("ComputeProgress gives %d values, the calculator %d", len(got), len(all))
	}
	for _, pr := range all {
		if pr.Status != models.StatusGrey {
			if pr.Schedule == models.ScheduleNone {
				t.Errorf("%s/%s is %s with no data at all", pr.Indicator, pr.Scope, pr.Status)
			}
		}
	}
	if _, ok := c.LatestPeriod(); ok {
		t.Error("LatestPeriod reports a month on an empty dataset")
	}
}

func TestTargetsFromDatasetOverridePlan(t *testing.T) {
	p := testkit.Plan(t)
	ds := dataset([]fig{{"530302", "2024-06", "outbound_parcels", 3000}}, nil)
	ds.Targets["outbound_parcels"] = map[int]float64{2024: 6000}
	got := models.NewProgressCalculator(p, ds, models.ProgressOptions{}).Progress("outbound_parcels", "530300", models.MustPeriod("2024-06"))
	if got.Target != 6000 || !near(got.Expected, 3000) || got.Status != models.StatusGreen {
		t.Errorf("target %v expected %v status %s, want 6000, 3000, green", got.Target, got.Expected, got.Status)
	}
}
