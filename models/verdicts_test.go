package models_test

import (
	"sync"
	"testing"

	"ruralkpi/internal/testkit"
	"ruralkpi/models"
)

// The tests in this file reproduce the wrong verdicts of issue 13 with the issue's own numbers. They
// use only fields the engine had before the fix, so that each one can be run against the old rules
// and seen to fail there.

// TestEveryUnitReportsStatisticsFromThePlanStart: the document's 2023 figures are city-wide (lines 41,
// 100, 110), so the six roll-out counties report 2023 statistics too; their construction tasks start
// in 2024 (tasks_from), not their reporting.
func TestEveryUnitReportsStatisticsFromThePlanStart(t *testing.T) {
	p := testkit.Plan(t)
	ds := dataset([]fig{
		{"530302", "2023-10", "outbound_parcels", 1000}, {"530322", "2023-10", "outbound_parcels", 300},
	}, nil)
	c := models.NewProgressCalculator(p, ds, models.ProgressOptions{})
	city := c.Progress("outbound_parcels", "530300", models.MustPeriod("2023-10"))
	if city.Actual != 1300 || city.Units != 10 {
		t.Errorf("city parcels 2023-10: actual %v over %d units, want 1300 over all 10 (陆良县's 2023 figure counts)", city.Actual, city.Units)
	}
	if lu := c.Progress("outbound_parcels", "530322", models.MustPeriod("2023-10")); lu.NotStarted {
		t.Error("陆良县 2023-10 is 'not started': it reports statistics from the plan's start")
	}
	missing := map[string]bool{}
	for _, u := range c.MissingReturns(models.MustPeriod("2023-10")) {
		missing[u] = true
	}
	if !missing["530381"] {
		t.Errorf("宣威市 owes a 2023-10 return; missing = %v", missing)
	}
	// Its construction tasks start in 2024: no joint distribution is due, nor judged, in 2023.
	if jd := c.Progress("joint_distribution", "530381", models.MustPeriod("2023-10")); jd.Status != models.StatusGrey {
		t.Errorf("宣威市 joint distribution 2023-10: %s, want grey (its tasks start in 2024-01)", jd.Status)
	}
}

// TestRollOutCountyRateStartsFromItsOwnLevel: 陆良县 in 2024-01 was expected at the city's 32.5%
// fusion rate; its path now starts from its own December level (20 of 160 villages, 12.5%).
func TestRollOutCountyRateStartsFromItsOwnLevel(t *testing.T) {
	p := testkit.Plan(t)
	ds := dataset([]fig{
		{"530322", "2023-12", "pfm_fused_points", 20}, {"530322", "2024-01", "pfm_fused_points", 28},
	}, nil)
	ds.AdminVillages["530322"] = 160
	got := models.NewProgressCalculator(p, ds, models.ProgressOptions{}).Progress("pfm_fusion_rate", "530322", models.MustPeriod("2024-01"))
	// 12.5 + (60 − 12.5) × 1/12 = 16.458; 28 ÷ 160 = 17.5 % → green.
	if !near(got.Expected, 16.4583) || got.Status != models.StatusGreen {
		t.Errorf("陆良县 fusion rate 2024-01: expected %.4f status %s, want 16.4583 and green", got.Expected, got.Status)
	}
}

// TestRateFollowsItsAllocatedCount: with the fused points allocated, 客货邮融合率 is judged on the same
// path (allocation ÷ the unit's villages), so the rate is green exactly when the count is.
func TestRateFollowsItsAllocatedCount(t *testing.T) {
	p := testkit.Plan(t)
	for _, tt := range []struct {
		name   string
		points float64
		want   models.ProgressStatus
	}{{"on_the_count_path", 26, models.StatusGreen}, {"one_below", 25, models.StatusAmber}} {
		t.Run(tt.name, func(t *testing.T) {
			ds := dataset([]fig{{"530322", "2023-12", "pfm_fused_points", 20}, {"530322", "2024-01", "pfm_fused_points", tt.points}}, nil)
			ds.AdminVillages["530322"] = 160
			allocate(ds, "pfm_fused_points", 2023, "530322", 20)
			allocate(ds, "pfm_fused_points", 2024, "530322", 96)
			c := models.NewProgressCalculator(p, ds, models.ProgressOptions{})
			count := c.Progress("pfm_fused_points", "530322", models.MustPeriod("2024-01"))
			rate := c.Progress("pfm_fusion_rate", "530322", models.MustPeriod("2024-01"))
			// count: 20 + 76 × 1/12 = 26.33 → 26 expected; rate: 26 ÷ 160 = 16.25 %, target 96 ÷ 160 = 60 %.
			if count.Expected != 26 || !near(rate.Expected, 16.25) || !near(rate.Target, 60) {
				t.Errorf("expected count %v rate %.4f (target %.2f), want 26, 16.25 and 60", count.Expected, rate.Expected, rate.Target)
			}
			if count.Status != tt.want || rate.Status != tt.want {
				t.Errorf("count %s rate %s, want both %s", count.Status, rate.Status, tt.want)
			}
		})
	}
}

// hubParks2024 is 麒麟区's park done in 2023 and the six roll-out counties reporting 0 in 2024-01.
func hubParks2024() models.Dataset {
	figs := []fig{{"530302", "2023-11", "hub_parks", 1}}
	for _, u := range []string{"530381", "530325", "530326", "530322", "530323", "530324"} {
		figs = append(figs, fig{u, "2024-01", "hub_parks", 0})
	}
	return dataset(figs, nil)
}

// TestHubParksAreMilestonesAtCityLevel: city 2024-01 was red (expected 1.5, actual 1) while all six
// counties were on schedule; parks are per-unit build tasks, judged like 共同配送 as milestones, and the
// six parks are under construction from 2024-01 (line 118).
func TestHubParksAreMilestonesAtCityLevel(t *testing.T) {
	p := testkit.Plan(t)
	c := models.NewProgressCalculator(p, hubParks2024(), models.ProgressOptions{})
	city := c.Progress("hub_parks", "530300", models.MustPeriod("2024-01"))
	if city.Status != models.StatusGreen || city.Actual != 1 || city.Expected != 7 || !near(city.Ratio, 1.0/7) {
		t.Errorf("city hub parks 2024-01: %s actual %v expected %v ratio %.4f, want green 1 of 7 due by year end", city.Status, city.Actual, city.Expected, city.Ratio)
	}
	if city.Schedule != models.ScheduleState("under_construction") {
		t.Errorf("city schedule %q, want under_construction", city.Schedule)
	}
	xw := c.Progress("hub_parks", "530381", models.MustPeriod("2024-01"))
	if xw.Schedule != models.ScheduleState("under_construction") || xw.Status != models.StatusGreen {
		t.Errorf("宣威市 2024-01: %q/%s, want under_construction/green", xw.Schedule, xw.Status)
	}
}

// TestAllocationNeverChangesHowAnIndicatorIsJudged: filling the hub-park row on 任务分解 switched
// 宣威市 to linear judgement (red with schedule on_schedule in the same item).
func TestAllocationNeverChangesHowAnIndicatorIsJudged(t *testing.T) {
	p := testkit.Plan(t)
	ds := hubParks2024()
	allocate(ds, "hub_parks", 2024, "530381", 1)
	got := models.NewProgressCalculator(p, ds, models.ProgressOptions{}).Progress("hub_parks", "530381", models.MustPeriod("2024-01"))
	if got.Status != models.StatusGreen || got.Schedule != models.ScheduleState("under_construction") {
		t.Errorf("宣威市 2024-01 with an allocation: %s/%q, want green/under_construction as without one", got.Status, got.Schedule)
	}
}

// TestFirstMonthHasNoFractionalRed: 2023-08, the city had five reds (hub parks 0 of 0.2, firms 1 of
// 1.2, agri projects 0 of 0.4, parks 0 of 0.4, demo projects 0 of 0.4).
func TestFirstMonthHasNoFractionalRed(t *testing.T) {
	p := testkit.Plan(t)
	ds := dataset([]fig{
		{"530302", "2023-08", "hub_parks", 0}, {"530300", "2023-08", "firms_10m", 1},
		{"530302", "2023-08", "agri_projects_500k", 0}, {"530302", "2023-08", "mfg_parks", 0},
		{"530302", "2023-08", "mfg_demo_projects", 0},
	}, nil)
	c := models.NewProgressCalculator(p, ds, models.ProgressOptions{})
	for _, code := range []string{"hub_parks", "firms_10m", "agri_projects_500k", "mfg_parks", "mfg_demo_projects"} {
		got := c.Progress(code, "530300", models.MustPeriod("2023-08"))
		if got.Status == models.StatusRed || got.Expected != float64(int(got.Expected)) {
			t.Errorf("%s 2023-08: %s expecting %v, want no red and a whole number", code, got.Status, got.Expected)
		}
	}
}

// TestMilestoneExpectedIsDueByYearEnd: 共同配送 city 2023-09 printed expected 1.6 and ratio 2.5 with
// all four pilot units done; expected is what is due by this year end, the ratio done of due.
func TestMilestoneExpectedIsDueByYearEnd(t *testing.T) {
	p := testkit.Plan(t)
	var states []ms
	for _, u := range []string{"530302", "530303", "530304", "530371"} {
		states = append(states, ms{u, "2023-09", "joint_distribution", models.MilestoneDone})
	}
	got := models.NewProgressCalculator(p, dataset(nil, states), models.ProgressOptions{}).Progress("joint_distribution", "530300", models.MustPeriod("2023-09"))
	if got.Expected != 4 || got.Ratio != 1 || got.Actual != 4 {
		t.Errorf("共同配送 city 2023-09: expected %v ratio %v actual %v, want 4, 1 and 4", got.Expected, got.Ratio, got.Actual)
	}
}

// TestTaskCountsNameWhatIsDue: the city's hub parks in 2024-06 printed "序时 7 · 序时完成率 14.3%"
// beside 正常 on the overview's headline card. What is due by year end and done of due are named as
// such wherever they are printed; a linear indicator keeps 序时进度 and 序时完成率.
func TestTaskCountsNameWhatIsDue(t *testing.T) {
	p := testkit.Plan(t)
	c := models.NewProgressCalculator(p, hubParks2024(), models.ProgressOptions{})
	period := models.MustPeriod("2024-06")
	for _, tt := range []struct {
		indicator, scope, expected, ratio string
	}{
		{"hub_parks", "530300", "年底前应完成", "已完成占比"},
		{"joint_distribution", "530300", "年底前应完成", "已完成占比"},
		{"service_points", "530300", "序时进度", "序时完成率"},
		{"firms_10m", "530300", "序时进度", "序时完成率"},
	} {
		t.Run(tt.indicator, func(t *testing.T) {
			got := c.Progress(tt.indicator, tt.scope, period)
			if got.ExpectedWord() != tt.expected || got.RatioWord() != tt.ratio {
				t.Errorf("%s: %q and %q, want %q and %q", tt.indicator, got.ExpectedWord(), got.RatioWord(), tt.expected, tt.ratio)
			}
		})
	}
}

// TestOfficeAllocatesARatePerUnit: the office may allocate a rate per unit and year like any other
// target (issue 13, item 2). Its allocation of last year's rate is the start of the unit's path; without
// one, a unit whose rate path starts this year (陆良县's tasks start in 2024-01) starts from its own
// level, as it does on the city's rate — it used to start from the city's 30 % of 2023 and read red.
func TestOfficeAllocatesARatePerUnit(t *testing.T) {
	p := testkit.Plan(t)
	for _, tt := range []struct {
		name     string
		alloc    map[int]float64
		points   float64
		expected float64
		want     models.ProgressStatus
	}{
		// 20 + (50 − 20) × 1/12 = 22.5; 28 ÷ 160 = 17.5 % → 0.78 → red.
		{"baseline_allocated", map[int]float64{2023: 20, 2024: 50}, 28, 22.5, models.StatusRed},
		// 12.5 + (50 − 12.5) × 1/12 = 15.625; 17.5 % → green.
		{"own_level_without_baseline", map[int]float64{2024: 50}, 28, 15.625, models.StatusGreen},
		// 15 ÷ 160 = 9.4 % of 15.625 → 0.6 → red: its own rate, judged.
		{"own_level_then_behind", map[int]float64{2024: 50}, 15, 15.625, models.StatusRed},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ds := dataset([]fig{{"530322", "2023-12", "pfm_fused_points", 20}, {"530322", "2024-01", "pfm_fused_points", tt.points}}, nil)
			ds.AdminVillages["530322"] = 160
			for y, v := range tt.alloc {
				allocate(ds, "pfm_fusion_rate", y, "530322", v)
			}
			got := models.NewProgressCalculator(p, ds, models.ProgressOptions{}).Progress("pfm_fusion_rate", "530322", models.MustPeriod("2024-01"))
			if !near(got.Target, 50) || !near(got.Expected, tt.expected) || got.Status != tt.want {
				t.Errorf("陆良县 fusion rate 2024-01: target %v expected %.4f %s, want 50, %.4f and %s", got.Target, got.Expected, got.Status, tt.expected, tt.want)
			}
		})
	}
}

// TestOwnLevelFromTheFirstFigureStartsThatMonth: a pilot unit held to the city's coverage has no figure
// before the plan, so its path starts at its first figure. That figure is the level of the month it is
// reported in, not of the month before: 麒麟区's 11.74 % in 2023-08 was expected to have grown a fifth of
// the way to 30 % in the same month (15.39 %) and read red in the plan's first month, the map's 麒麟区
// amber while it met every allocation.
func TestOwnLevelFromTheFirstFigureStartsThatMonth(t *testing.T) {
	p := testkit.Plan(t)
	ds := dataset([]fig{{"530302", "2023-08", "covered_villages", 27}, {"530302", "2023-09", "covered_villages", 40}}, nil)
	ds.AdminVillages["530302"] = 230
	c := models.NewProgressCalculator(p, ds, models.ProgressOptions{})
	for _, tt := range []struct {
		period   string
		expected float64
	}{
		{"2023-08", 27.0 / 230 * 100},                       // its own level: nothing more yet
		{"2023-09", 27.0/230*100 + (30-27.0/230*100)*1.0/4}, // a quarter of the way in the four months left
	} {
		t.Run(tt.period, func(t *testing.T) {
			got := c.Progress("village_coverage", "530302", models.MustPeriod(tt.period))
			if !near(got.Expected, tt.expected) || got.Status != models.StatusGreen {
				t.Errorf("麒麟区 coverage %s: expected %.4f %s, want %.4f and green", tt.period, got.Expected, got.Status, tt.expected)
			}
		})
	}
}

// TestSummedCountExpectsItsUnitsSum: the demo's city read red on EV replacement in 2023-08 (6 of 7)
// while all ten counties were green: the city's own path (36 × 1/5 = 7.2) and each county's (its
// allocation × 1/5) were rounded down separately, and the counties' expectations added up to 2. A
// summed whole-number count whose units are all allocated expects the sum of their rounded paths;
// with one unit unallocated, allocations that do not add up to the city's target, or for money and
// volumes (not rounded), the city keeps its own path.
func TestSummedCountExpectsItsUnitsSum(t *testing.T) {
	p := testkit.Plan(t)
	units := []string{"530302", "530303", "530304", "530322", "530323", "530324", "530325", "530326", "530381", "530371"}
	ev := []float64{8, 6, 4, 3, 3, 3, 3, 2, 2, 2}    // 36, the city's 2023 target
	short := []float64{8, 6, 4, 3, 3, 3, 3, 2, 2, 0} // 34: allocations short of the target
	agri := []float64{1, 1, 0, 0, 0, 0, 0, 0, 0, 0}
	allocated := func(code string, year int, values []float64, skip string) models.Dataset {
		ds := dataset(nil, nil)
		for k, u := range units {
			if u != skip {
				allocate(ds, code, year, u, values[k])
			}
		}
		return ds
	}
	figures := func(ds models.Dataset, code, period string, values ...float64) models.Dataset {
		for k, v := range values {
			ds.Observations = append(ds.Observations, models.Observation{Unit: units[k], Period: models.MustPeriod(period),
				Indicator: code, Value: v, VersionID: uint(k + 1), Version: 1, Approved: true})
		}
		return ds
	}
	for _, tc := range []struct {
		name, code, period string
		ds                 models.Dataset
		expected           float64
		status             models.ProgressStatus
	}{
		{"all allocated: the units' sum", "ev_replacement", "2023-08",
			figures(allocated("ev_replacement", 2023, ev, ""), "ev_replacement", "2023-08", 2, 1, 1, 1, 1), 2, models.StatusGreen},
		{"one unit unallocated: the city's own path", "ev_replacement", "2023-08",
			figures(allocated("ev_replacement", 2023, ev, "530371"), "ev_replacement", "2023-08", 2, 1, 1, 1, 1), 7, models.StatusRed},
		{"allocations short of the target: the city's own path", "ev_replacement", "2023-08",
			figures(allocated("ev_replacement", 2023, short, ""), "ev_replacement", "2023-08", 2, 1, 1, 1, 1), 7, models.StatusRed},
		{"later months: the units' rounded paths", "ev_replacement", "2023-10",
			figures(allocated("ev_replacement", 2023, ev, ""), "ev_replacement", "2023-10", 4, 3, 2, 1, 1, 1, 1, 1, 1, 1), 4 + 3 + 2 + 1*4 + 1*3, models.StatusGreen},
		{"year end: the units' allocations in December", "agri_projects_500k", "2023-12",
			figures(allocated("agri_projects_500k", 2023, agri, ""), "agri_projects_500k", "2023-12", 1, 0), 2, models.StatusRed},
		{"year end before December: no expected", "agri_projects_500k", "2023-10",
			figures(allocated("agri_projects_500k", 2023, agri, ""), "agri_projects_500k", "2023-10", 1, 0), 0, models.StatusGrey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := models.NewProgressCalculator(p, tc.ds, models.ProgressOptions{}).Progress(tc.code, "530300", models.MustPeriod(tc.period))
			if got.Expected != tc.expected || got.Status != tc.status {
				t.Errorf("city %s %s: expected %v (%s), want %v (%s)", tc.code, tc.period, got.Expected, got.Status, tc.expected, tc.status)
			}
		})
	}
	t.Run("a change of allocations is seen by a calculator that kept the sum", func(t *testing.T) {
		ds := allocated("ev_replacement", 2023, ev, "")
		c := models.NewProgressCalculator(p, ds, models.ProgressOptions{})
		aug := models.MustPeriod("2023-08")
		if got := c.Progress("ev_replacement", "530300", aug).Expected; got != 2 {
			t.Fatalf("city ev_replacement 2023-08 expected %v, want the units' 2", got)
		}
		changed := allocated("ev_replacement", 2023, ev, "530371")
		if got := c.WithReference(changed).Progress("ev_replacement", "530300", aug).Expected; got != 7 {
			t.Errorf("after 曲靖经开区's allocation is removed: expected %v, want the city's own 7", got)
		}
		if got := c.Progress("ev_replacement", "530300", aug).Expected; got != 2 {
			t.Errorf("the first calculator now expects %v, want still 2", got)
		}
	})
	t.Run("pages asking at once read the same kept sum", func(t *testing.T) {
		c := models.NewProgressCalculator(p, allocated("ev_replacement", 2023, ev, ""), models.ProgressOptions{})
		got := make([]float64, 4)
		var wg sync.WaitGroup
		for k := range got {
			wg.Go(func() { got[k] = c.Progress("ev_replacement", "530300", models.MustPeriod("2023-10")).Expected })
		}
		wg.Wait()
		for _, v := range got {
			if v != 16 {
				t.Errorf("concurrent city ev_replacement 2023-10: expected %v, want 16", v)
			}
		}
	})
	t.Run("money keeps the city's path", func(t *testing.T) {
		own := models.NewProgressCalculator(p, dataset(nil, nil), models.ProgressOptions{}).Progress("express_revenue", "530300", models.MustPeriod("2024-05"))
		ds := dataset(nil, nil)
		for _, u := range units {
			allocate(ds, "express_revenue", 2024, u, 0.1)
		}
		got := models.NewProgressCalculator(p, ds, models.ProgressOptions{}).Progress("express_revenue", "530300", models.MustPeriod("2024-05"))
		if !got.HasExpected || got.Expected != own.Expected {
			t.Errorf("city revenue 2024-05 with units allocated 1.0 of it: expected %v, want the city's own %v", got.Expected, own.Expected)
		}
	})
}
