package dashboards

import (
	"strconv"
	"testing"
	"time"

	"ruralkpi/internal/testkit"
	"ruralkpi/models"
)

// TestMonthStateOf names a return's state for the homes in the review's words.
func TestMonthStateOf(t *testing.T) {
	tests := []struct {
		name       string
		sub        models.Submission
		filed      bool
		want, reas string
		color      string
	}{
		{"nothing filed", models.Submission{}, false, "未报", "", "grey"},
		{"waiting", models.Submission{LatestStatus: models.StatusSubmitted}, true, "待审核", "", "amber"},
		{"approved", models.Submission{LatestStatus: models.StatusApproved}, true, "已通过", "", "green"},
		{"returned with its reason", models.Submission{LatestStatus: models.StatusReturned, ReviewNote: "数据有误"}, true, "已退回", "数据有误", "red"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := MonthStateOf(tt.sub, tt.filed)
			if got.Label != tt.want || got.Reason != tt.reas || got.Color != tt.color {
				t.Errorf("MonthStateOf = %+v, want %s %s %s", got, tt.want, tt.reas, tt.color)
			}
		})
	}
}

// TestCollectingMonth keeps the month being collected inside the plan.
func TestCollectingMonth(t *testing.T) {
	p := testkit.Plan(t)
	start, end := models.MustPeriod(p.StartPeriod), models.MustPeriod(p.EndPeriod)
	tests := []struct {
		name string
		now  time.Time
		want models.Period
	}{
		{"before the plan: its first month", time.Date(start.Year-1, 1, 15, 4, 0, 0, 0, time.UTC), start},
		{"after the plan: its last month", time.Date(end.Year+1, 6, 15, 4, 0, 0, 0, time.UTC), end},
		{"inside: the reporting month", time.Date(start.Year+1, 8, 15, 4, 0, 0, 0, time.UTC), models.ReportingMonth(time.Date(start.Year+1, 8, 15, 4, 0, 0, 0, time.UTC))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, _ := CollectingMonth(p, tt.now); got != tt.want {
				t.Errorf("CollectingMonth = %s, want %s", got, tt.want)
			}
		})
	}
}

// TestWaitingReviewsNewestFirst lists the versions waiting for review newest upload first, only
// the newest version of a unit and month, then the ledger snapshots.
func TestWaitingReviewsNewestFirst(t *testing.T) {
	p := testkit.Plan(t)
	at := time.Date(2024, 8, 6, 2, 0, 0, 0, time.UTC)
	subs := map[string]map[string]models.Submission{
		"530302": {"2024-07": {LatestID: 1, LatestNumber: 1, LatestStatus: models.StatusSubmitted, LatestUpload: at}},
		"530303": {"2024-07": {LatestID: 2, LatestNumber: 3, LatestStatus: models.StatusSubmitted, LatestUpload: at.Add(time.Hour)},
			"2024-06": {LatestID: 3, LatestStatus: models.StatusApproved, LatestUpload: at.Add(2 * time.Hour)}},
	}
	returns, ledgers := waitingReviews(p, subs, []models.LedgerSnapshot{{ID: 9, UnitCode: "530302", Period: "2024-07", Number: 2, UploadedAt: at}})
	tests := []struct{ name, got, want string }{
		{"two waiting", strconv.Itoa(len(returns)), "2"},
		{"newest upload first", strconv.FormatUint(uint64(returns[0].ID), 10), "2"},
		{"version numbered", returns[0].Version, "第3版"},
		{"time in China", returns[1].When, "8月6日 10:00"},
		{"unit named", returns[1].UnitName, p.UnitName("530302")},
		{"ledger listed", ledgers[0].Version, "第2版"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
			}
		})
	}
}
