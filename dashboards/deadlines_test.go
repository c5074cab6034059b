package dashboards

import (
	"ruralkpi/internal/testkit"
	"testing"
	"time"

	"ruralkpi/models"
)

// TestNewDeadlinesPage builds the board without a server: each reporting unit's row in the month's
// words, and the grid newest month first.
func TestNewDeadlinesPage(t *testing.T) {
	p := testkit.Plan(t)
	june, july := models.MustPeriod("2024-06"), models.MustPeriod("2024-07")
	board := models.Board{Deadline: time.Date(2024, 8, 5, 0, 0, 0, 0, models.ReportingZone()),
		Grid: map[string]map[string]models.Timeliness{"530302": {"2024-06": models.OnTime, "2024-07": models.Late}},
		Submissions: map[string]map[string]models.Submission{"530302": {"2024-07": {LatestNumber: 2, LatestStatus: models.StatusApproved,
			FirstUpload: time.Date(2024, 8, 6, 2, 0, 0, 0, time.UTC)}}}}
	page := NewDeadlinesPage(p, board, []models.Period{june, july}, july, true)
	if len(page.Board) != len(p.ReportingUnits()) || len(page.Grid) != len(page.Board) {
		t.Fatalf("board %d rows, grid %d, want one per reporting unit (%d)", len(page.Board), len(page.Grid), len(p.ReportingUnits()))
	}
	tests := []struct {
		name, got, want string
	}{
		{"status", page.Board[0].StatusLabel, models.Late.Label()},
		{"colour", page.Board[0].Color, "amber"},
		{"version in the review's words", page.Board[0].Version, "第2版 已通过"},
		{"first upload in China time", page.Board[0].FirstUpload, "2024-08-06 10:00"},
		{"newest month first", page.Periods[0], "2024-07"},
		{"grid mark", page.Grid[0].Cells[1].Short, "✓"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
			}
		})
	}
}
