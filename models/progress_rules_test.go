package models_test

import (
	"testing"

	"ruralkpi/internal/testkit"
	"ruralkpi/models"
)

// TestGreyReasons: every grey item says why it is grey (issue 13, item 7), so that "no figure" is never
// shown for a figure that exists or an indicator that does not apply.
func TestGreyReasons(t *testing.T) {
	p := testkit.Plan(t)
	ds := dataset([]fig{
		{"530300", "2024-06", "firms_10m", 8}, {"530303", "2024-06", "service_points", 100},
		{"530302", "2024-06", "agri_projects_500k", 1}, {"530381", "2023-10", "pfm_fused_points", 10},
	}, nil)
	ds.AdminVillages["530381"] = 298
	c := models.NewProgressCalculator(p, ds, models.ProgressOptions{})
	for _, tt := range []struct {
		name, indicator, scope, period string
		want                           models.GreyReason
	}{
		{"office_figure_per_unit", "firms_10m", "530302", "2024-06", models.GreyOfficeOnly},
		{"trunk_line_per_unit", "trunk_jiangsu", "530302", "2024-06", models.GreyOfficeOnly},
		{"no_park_of_its_own", "hub_parks", "530303", "2024-06", models.GreyNotApplicable},
		{"task_not_started_yet", "joint_distribution", "530381", "2023-10", models.GreyNotStarted},
		{"rate_before_its_tasks_start", "pfm_fusion_rate", "530381", "2023-10", models.GreyNotStarted},
		{"figure_without_allocation", "service_points", "530303", "2024-06", models.GreyNoTarget},
		{"untargeted_statistic", "stations_added", "530300", "2024-06", models.GreyNoTarget},
		{"target_without_figure", "outbound_parcels", "530300", "2024-06", models.GreyNoFigure},
		{"year_end_before_december", "agri_projects_500k", "530300", "2024-06", models.GreyYearEnd},
		{"share_condition_before_2025", "points_income_10k_share", "530300", "2024-06", models.GreyNoTarget},
		{"grey_while_nothing_reported", "joint_distribution", "530381", "2024-02", models.GreyNoFigure},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := c.Progress(tt.indicator, tt.scope, models.MustPeriod(tt.period))
			if got.Status != models.StatusGrey || got.GreyReason != tt.want {
				t.Errorf("%s/%s %s: %s %q, want grey %q", tt.indicator, tt.scope, tt.period, got.Status, got.GreyReason, tt.want)
			}
		})
	}
	if got := c.Progress("service_points", "530302", models.MustPeriod("2024-06")); got.Status == models.StatusGrey && got.GreyReason == models.GreyNone {
		t.Error("a grey item without a reason")
	}
}

// TestStatusWords: one word per status, told apart at a glance (issue 13, item 11).
func TestStatusWords(t *testing.T) {
	want := map[models.ProgressStatus]string{models.StatusGreen: "正常", models.StatusAmber: "预警", models.StatusRed: "滞后", models.StatusGrey: "未评价"}
	for s, w := range want {
		if s.Label() != w {
			t.Errorf("%s.Label() = %q, want %q", s, s.Label(), w)
		}
	}
	grey := models.Progress{Status: models.StatusGrey, GreyReason: models.GreyYearEnd}
	if grey.StatusWord() != "年底考核" {
		t.Errorf("year-end grey word %q, want 年底考核", grey.StatusWord())
	}
	if models.ScheduleBuilding.Label() != "建设中" {
		t.Errorf("under construction is %q, want 建设中", models.ScheduleBuilding.Label())
	}
}

// TestBoundaries pins the edges of the rules, so that a changed comparison fails a test.
func TestBoundaries(t *testing.T) {
	p := testkit.Plan(t)
	parcels := func(v float64) models.Progress {
		// Outbound parcels, city, 2024-03: expected 5300 × 3/12 = 1325; 0.9 × 1325 = 1192.5.
		ds := dataset([]fig{{"530302", "2024-03", "outbound_parcels", v}}, nil)
		return models.NewProgressCalculator(p, ds, models.ProgressOptions{}).Progress("outbound_parcels", "530300", models.MustPeriod("2024-03"))
	}
	for _, tt := range []struct {
		name   string
		actual float64
		want   models.ProgressStatus
	}{
		{"on_expected_is_green", 1325, models.StatusGreen},
		{"just_below_expected_is_amber", 1324.9, models.StatusAmber},
		{"tolerance_equality_is_amber", 1192.5, models.StatusAmber},
		{"just_below_tolerance_is_red", 1192.4, models.StatusRed},
	} {
		t.Run("tolerance/"+tt.name, func(t *testing.T) {
			if got := parcels(tt.actual); got.Status != tt.want {
				t.Errorf("actual %v of expected %v: %s, want %s", tt.actual, got.Expected, got.Status, tt.want)
			}
		})
	}
	for _, tt := range []struct {
		name   string
		actual float64
		want   float64
	}{{"reached_exactly", 1350, 0}, {"passed", 1400, 0}, {"one_short", 1344, 1}} {
		t.Run("pace_needed/"+tt.name, func(t *testing.T) {
			// Service points, city, 2024-06: target 1350, six months left.
			ds := dataset([]fig{{"530302", "2024-06", "service_points", tt.actual}}, nil)
			got := models.NewProgressCalculator(p, ds, models.ProgressOptions{}).Progress("service_points", "530300", models.MustPeriod("2024-06"))
			if !near(got.NeededPerMonth, tt.want) || !got.ShowsNeeded() {
				t.Errorf("needed per month %v (shown %v), want %v", got.NeededPerMonth, got.ShowsNeeded(), tt.want)
			}
		})
	}
	// At risk: due this year and still not started in the June return — May is not yet at risk.
	for _, tt := range []struct {
		period string
		want   models.ScheduleState
	}{{"2024-05", models.ScheduleOnTrack}, {"2024-06", models.ScheduleAtRisk}} {
		t.Run("at_risk_from_june/"+tt.period, func(t *testing.T) {
			ds := dataset(nil, []ms{{"530381", tt.period, "joint_distribution", models.MilestoneNotStarted}})
			got := models.NewProgressCalculator(p, ds, models.ProgressOptions{}).Progress("joint_distribution", "530381", models.MustPeriod(tt.period))
			if got.Schedule != tt.want {
				t.Errorf("not started in %s: %q, want %q", tt.period, got.Schedule, tt.want)
			}
		})
	}
	t.Run("year_end_judged_in_december", func(t *testing.T) {
		// Agri projects > 500k parcels a year, city 2024-12: target 5, 4 reported → 0.8 → red.
		ds := dataset([]fig{{"530302", "2024-12", "agri_projects_500k", 4}}, nil)
		got := models.NewProgressCalculator(p, ds, models.ProgressOptions{}).Progress("agri_projects_500k", "530300", models.MustPeriod("2024-12"))
		if got.Status != models.StatusRed || got.Expected != 5 || !got.HasExpected {
			t.Errorf("2024-12: %s expected %v, want red against 5", got.Status, got.Expected)
		}
	})
}

// TestShareConditions2025: the document's 2025 conditions (line 106) are derived shares of all points,
// judged at year end.
func TestShareConditions2025(t *testing.T) {
	p := testkit.Plan(t)
	ds := dataset([]fig{
		{"530302", "2025-12", "service_points", 1700}, {"530302", "2025-12", "points_income_10k", 860},
		{"530302", "2025-12", "points_income_20k", 500},
	}, nil)
	c := models.NewProgressCalculator(p, ds, models.ProgressOptions{})
	ten := c.Progress("points_income_10k_share", "530300", models.MustPeriod("2025-12"))
	twenty := c.Progress("points_income_20k_share", "530300", models.MustPeriod("2025-12"))
	// 860 ÷ 1700 = 50.6 % of a 50 % condition; 500 ÷ 1700 = 29.4 % of 30 % (0.98 → amber).
	if !near(ten.Actual, 50.59) || ten.Status != models.StatusGreen {
		t.Errorf(">1万元 share %.2f %s, want 50.59 green", ten.Actual, ten.Status)
	}
	if !near(twenty.Actual, 29.41) || twenty.Status != models.StatusAmber {
		t.Errorf(">2万元 share %.2f %s, want 29.41 amber", twenty.Actual, twenty.Status)
	}
}

// TestCountyWorkingRulesAreOfficeTicks: each county's 工作专班 and 工作方案 (line 179) are milestones the
// office ticks per unit, counted at city level; a tick is not the county's return.
func TestCountyWorkingRulesAreOfficeTicks(t *testing.T) {
	p := testkit.Plan(t)
	ds := dataset(nil, nil)
	ds.Milestones = []models.MilestoneObservation{
		{Unit: "530302", Period: models.MustPeriod("2023-09"), Indicator: "county_task_force", State: models.MilestoneDone, VersionID: 7, Ticked: true},
		{Unit: "530381", Period: models.MustPeriod("2023-12"), Indicator: "county_task_force", State: models.MilestoneInProgress, VersionID: 8, Ticked: true},
	}
	c := models.NewProgressCalculator(p, ds, models.ProgressOptions{})
	city := c.Progress("county_task_force", "530300", models.MustPeriod("2023-12"))
	if city.DueCount != 10 || city.DoneCount != 1 || city.Status != models.StatusRed {
		t.Errorf("city 2023-12: due %d done %d %s, want 10, 1, red", city.DueCount, city.DoneCount, city.Status)
	}
	if got := c.Progress("county_task_force", "530302", models.MustPeriod("2023-12")); got.Schedule != models.ScheduleDone {
		t.Errorf("麒麟区: %q, want done", got.Schedule)
	}
	if missing := c.MissingReturns(models.MustPeriod("2023-09")); len(missing) != 10 {
		t.Errorf("missing 2023-09 = %v: an office tick is not 麒麟区's return", missing)
	}
	if ind, _ := p.Indicator("county_work_plan"); ind.Reporter != models.ReporterOffice || ind.Kind != models.KindMilestone {
		t.Errorf("county_work_plan: %s %s, want an office-ticked milestone", ind.Reporter, ind.Kind)
	}
}
