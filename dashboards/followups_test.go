package dashboards

import (
	"strconv"
	"testing"
	"time"

	"ruralkpi/internal/testkit"
	"ruralkpi/models"
)

// TestNewFollowUpsPage builds the follow-ups page without a server: rows named, open and closed
// apart, overdue counted, closers by display name, the answer form only for the unit's own clerk.
func TestNewFollowUpsPage(t *testing.T) {
	p := testkit.Plan(t)
	now := time.Date(2024, 8, 20, 2, 0, 0, 0, time.UTC)
	ind := p.Indicators[0]
	list := []models.FollowUp{
		{ID: 1, UnitCode: "530302", Indicator: ind.Code, Status: models.FollowUpOpen, DueDate: "2024-08-01"},
		{ID: 2, UnitCode: "530302", Indicator: "no_such", Status: models.FollowUpAnswered, DueDate: "2024-09-01"},
		{ID: 3, UnitCode: "530303", Indicator: ind.Code, Status: models.FollowUpClosed, DueDate: "2024-07-01", ClosedBy: "office"},
	}
	clerk := models.User{Username: "county-530302", Role: models.RoleCounty, UnitCode: "530302"}
	page := NewFollowUpsPage(p, list, map[string]string{"office": "工作专班办公室"}, clerk, FollowUpsPrefill{Unit: "530302"}, now)
	if len(page.Open) != 2 || len(page.Closed) != 1 {
		t.Fatalf("open %d closed %d, want 2 and 1", len(page.Open), len(page.Closed))
	}
	tests := []struct {
		name, got, want string
	}{
		{"unit named", page.Open[0].UnitName, p.UnitName("530302")},
		{"indicator named", page.Open[0].IndicatorName, ind.Name},
		{"unknown indicator as its code", page.Open[1].IndicatorName, "no_such"},
		{"state label", page.Open[1].StatusLabel, models.FollowUpStatus(models.FollowUpAnswered).Label()},
		{"closer by display name", page.Closed[0].ClosedBy, "工作专班办公室"},
		{"open count", strconv.Itoa(page.OpenCount), "2"},
		{"overdue count", strconv.Itoa(page.Overdue), "1"},
		{"prefilled due two weeks on", page.PrefillDue, "2024-09-03"},
		{"clerk answers own", strconv.FormatBool(page.Open[0].CanAnswer), "true"},
		{"clerk is not the office", strconv.FormatBool(page.Office), "false"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
			}
		})
	}
	t.Run("home rows leave out closed ones and offer no answer", func(t *testing.T) {
		rows := OpenFollowUpRows(p, list, now, true)
		if len(rows) != 1 || rows[0].ID != 1 || rows[0].CanAnswer {
			t.Errorf("overdue open rows = %+v, want #1 without the answer form", rows)
		}
	})
}
