package dashboards

import (
	"strings"
	"testing"
	"time"

	"ruralkpi/internal/testkit"
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
	if len(page.Years) != 1 || len(page.Board) != len(p.ReportingUnits()) || len(page.Years[0].Rows) != len(page.Board) {
		t.Fatalf("board %d rows, grid %+v, want one year with a row per reporting unit (%d)", len(page.Board), page.Years, len(p.ReportingUnits()))
	}
	tests := []struct {
		name, got, want string
	}{
		{"status", page.Board[0].StatusLabel, models.Late.Label()},
		{"colour", page.Board[0].Color, "amber"},
		{"version in the review's words", page.Board[0].Version, "第2版 已通过"},
		{"first upload in China time", page.Board[0].FirstUpload, "2024-08-06 10:00"},
		{"newest month first", page.Periods[0], "2024-07"},
		{"grid's newest month first", page.Years[0].Months[0], "7月"},
		{"grid mark", page.Years[0].Rows[0].Cells[1].Short, "✓"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
			}
		})
	}
}

// TestDeadlinesGridByYear: the whole plan's grid comes as one table per year, newest year and month
// first, none wider than twelve months (issue 14: the one table of 29 months scrolled sideways at 1366).
func TestDeadlinesGridByYear(t *testing.T) {
	p := testkit.Plan(t)
	months := models.ReportingMonths(models.MustPeriod(p.StartPeriod), models.MustPeriod(p.EndPeriod),
		time.Date(2025, 10, 4, 12, 0, 0, 0, models.ReportingZone()))
	page := NewDeadlinesPage(p, models.Board{}, months, months[len(months)-1], false)
	var years, firsts []string
	for _, y := range page.Years {
		years = append(years, y.Year)
		firsts = append(firsts, y.Months[0])
		if len(y.Months) > 12 {
			t.Errorf("%s年 has %d months", y.Year, len(y.Months))
		}
		for _, r := range y.Rows {
			if len(r.Cells) != len(y.Months) {
				t.Errorf("%s年 %s: %d cells under %d months", y.Year, r.Name, len(r.Cells), len(y.Months))
			}
		}
	}
	if got, want := strings.Join(years, " "), "2025 2024 2023"; got != want {
		t.Errorf("years %q, want %q", got, want)
	}
	if got, want := strings.Join(firsts, " "), "9月 12月 12月"; got != want {
		t.Errorf("first month of each year %q, want %q", got, want)
	}
	if last := page.Years[2]; last.Months[len(last.Months)-1] != "8月" || last.Rows[0].Cells[len(last.Months)-1].Period != "2023-08" {
		t.Errorf("2023 ends on %q, want the plan's first month 8月 (2023-08)", last.Months[len(last.Months)-1])
	}
}
