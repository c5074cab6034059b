package dashboards

import (
	"strconv"
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
	page := NewDeadlinesPage(p, board, []models.Period{june, july}, july, p.Root, true)
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
	page := NewDeadlinesPage(p, models.Board{}, months, months[len(months)-1], p.Root, false)
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

// TestDeadlinesBoardByArea: above the reporting units the board is a summary a row per unit below
// the scope, each opening its own board, with the counts of the counties under it; the counties get
// their rows and the grid on their city's board only. The whole country's board had listed every
// county with 33 months each: 11 MB of HTML for 2,850 counties.
func TestDeadlinesBoardByArea(t *testing.T) {
	p, _, _, err := models.SyntheticCountry(2, 4, 8) // 2 provinces of 2 cities of 2 counties
	if err != nil {
		t.Fatal(err)
	}
	july := models.MustPeriod("2024-07")
	months := []models.Period{models.MustPeriod("2024-06"), july}
	leaves := p.ReportingUnits()
	grid := map[string]map[string]models.Timeliness{}
	for i, u := range leaves {
		st := models.OnTime
		if i%4 == 3 {
			st = models.Missing
		}
		grid[u.Code] = map[string]models.Timeliness{"2024-07": st}
	}
	board := models.Board{Grid: grid}
	province := p.Root.Children[0]
	city := province.Children[1]
	county := city.Children[1]

	root := NewDeadlinesPage(p, board, months, july, p.Root, true)
	prov := NewDeadlinesPage(p, board, months, july, province, true)
	cty := NewDeadlinesPage(p, board, months, july, city, true)
	one := NewDeadlinesPage(p, board, months, july, county, true)
	count := func(n int) string { return strconv.Itoa(n) }
	tests := []struct {
		name, got, want string
	}{
		{"the country: a row per province", count(len(root.Areas)), "2"},
		{"the country: no county rows", count(len(root.Board)), "0"},
		{"the country: no grid", count(len(root.Years)), "0"},
		{"the country counts every county", count(root.Counts["on_time"]) + "+" + count(root.Counts["missing"]), "6+2"},
		{"a province's counties", count(root.Areas[0].Units), "4"},
		{"a province's missing", count(root.Areas[0].Counts["missing"]), "1"},
		{"a province opens its board", root.Areas[0].Link, "/deadlines?period=2024-07&unit=" + province.Code},
		{"a province: a row per city", count(len(prov.Areas)), "2"},
		{"a province's trail", prov.Trail[0].Name + " " + prov.Trail[0].Link, p.Root.Name + " /deadlines?period=2024-07"},
		{"a city: its counties' rows", count(len(cty.Board)) + " " + cty.Board[1].Code, "2 " + county.Code},
		{"a city: no areas", count(len(cty.Areas)), "0"},
		{"a city: its missing county", cty.Board[1].StatusLabel, models.Missing.Label()},
		{"a city: its grid", count(len(cty.Years)) + " " + count(len(cty.Years[0].Rows)), "1 2"},
		{"a grid cell keeps the scope", cty.Years[0].Rows[0].Cells[0].Link, "/deadlines?period=2024-07&unit=" + city.Code},
		{"a city's trail", count(len(cty.Trail)), "2"},
		{"a county: its own row", count(len(one.Board)) + " " + one.Board[0].Code, "1 " + county.Code},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
			}
		})
	}
}
