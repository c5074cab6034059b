package reports

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"ruralkpi/internal/testkit"
	"ruralkpi/models"
)

func TestWriteCSV(t *testing.T) {
	tests := []struct {
		name string
		in   Table
		want string
	}{
		{"bom and crlf", Table{Headers: []string{"单位", "完成值"}, Rows: [][]string{{"麒麟区", "1350"}}}, "\uFEFF单位,完成值\r\n麒麟区,1350\r\n"},
		{"formula defused", Table{Headers: []string{"a"}, Rows: [][]string{{"=HYPERLINK(\"x\")"}, {"@cmd"}, {"+1"}, {"-3.5"}}}, "\uFEFFa\r\n\"'=HYPERLINK(\"\"x\"\")\"\r\n'@cmd\r\n+1\r\n-3.5\r\n"},
		{"quotes and commas", Table{Headers: []string{"说明"}, Rows: [][]string{{"1,350个，\"含\"待审核"}}}, "\uFEFF说明\r\n\"1,350个，\"\"含\"\"待审核\"\r\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteCSV(&b, tc.in); err != nil {
				t.Fatal(err)
			}
			if b.String() != tc.want {
				t.Errorf("got %q, want %q", b.String(), tc.want)
			}
		})
	}
}

func TestProgressAndMatrixTables(t *testing.T) {
	p := testkit.Plan(t)
	ds := models.Dataset{Observations: []models.Observation{
		{Unit: "530302", Period: models.MustPeriod("2024-06"), Indicator: "service_points", Value: 300, VersionID: 1, Version: 1, Approved: true},
	}}
	calc := models.NewProgressCalculator(p, ds, models.ProgressOptions{})
	prs := calc.ForIndicator("service_points", models.MustPeriod("2024-06"))
	tab := ProgressTable(p, prs)
	if len(tab.Rows) != len(prs) {
		t.Fatalf("%d rows for %d values", len(tab.Rows), len(prs))
	}
	city := tab.Rows[0]
	if city[1] != "service_points" || city[3] != p.Root.Code || city[6] != "1350" || city[8] != "300" {
		t.Errorf("city row %v", city)
	}
	if want := models.PlainNumber(prs[0].Expected); city[7] != want {
		t.Errorf("expected %s, want %s", city[7], want)
	}
	var b bytes.Buffer
	if err := WriteCSV(&b, tab); err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), "\uFEFF"))).ReadAll()
	if err != nil || len(records) != len(prs)+1 || len(records[0]) != len(tab.Headers) {
		t.Fatalf("round trip: %d records, %v", len(records), err)
	}
	m := MatrixTable(p, calc.All(models.MustPeriod("2024-06")))
	if len(m.Rows) != len(p.Indicators) || len(m.Headers) != 2+1+len(p.ReportingUnits()) {
		t.Errorf("matrix %d×%d", len(m.Rows), len(m.Headers))
	}
	if m.Headers[2] != "曲靖市" || !strings.Contains(m.Rows[1][2], "（滞后）") {
		t.Errorf("matrix header %v, service points row %v", m.Headers[:3], m.Rows[1][:3])
	}
}

// TestCSVTaskExpectedAndRatio: 共同配送 city 2023-09 printed 序时进度 1.6 and 序时完成率 2.5 (issue 13,
// item 6). A roll-up of tasks prints what is due by this year end and done of due; one unit's task
// prints neither; a year-end indicator before December prints no 序时进度 and its word 年底考核.
func TestCSVTaskExpectedAndRatio(t *testing.T) {
	p := testkit.Plan(t)
	ds := models.Dataset{Allocations: map[string]map[int]map[string]float64{}}
	for i, u := range []string{"530302", "530303", "530304", "530371"} {
		ds.Milestones = append(ds.Milestones, models.MilestoneObservation{Unit: u, Period: models.MustPeriod("2023-09"),
			Indicator: "joint_distribution", State: models.MilestoneDone, VersionID: uint(i + 1)})
	}
	ds.Observations = append(ds.Observations, models.Observation{Unit: "530300", Period: models.MustPeriod("2023-09"), Indicator: "firms_10m", Value: 4, VersionID: 9})
	c := models.NewProgressCalculator(p, ds, models.ProgressOptions{})
	period := models.MustPeriod("2023-09")
	table := ProgressTable(p, []models.Progress{
		c.Progress("joint_distribution", "530300", period), c.Progress("joint_distribution", "530302", period), c.Progress("firms_10m", "530300", period)})
	city, unit, firms := table.Rows[0], table.Rows[1], table.Rows[2]
	if city[7] != "4" || city[9] != "100.0" {
		t.Errorf("city row 序时进度 %q 序时完成率 %q, want 4 and 100.0", city[7], city[9])
	}
	if !strings.Contains(city[12], "年底前应完成 4，已完成 4") {
		t.Errorf("city row 进度说明 %q does not say the 4 are due by year end, not 序时进度", city[12])
	}
	if unit[7] != "" || unit[9] != "" {
		t.Errorf("one task's row 序时进度 %q 序时完成率 %q, want both empty", unit[7], unit[9])
	}
	if firms[7] != "" || firms[11] != "年底考核" || firms[14] == "" {
		t.Errorf("firms 2023-09: 序时进度 %q status %q pace %q, want none, 年底考核 and the pace", firms[7], firms[11], firms[14])
	}
}

// TestProgressTableLeavesOutOfficeFiguresPerUnit: the office's city-wide figures (firms, trunk lines)
// have a city row only: unit.csv and indicator.csv listed all ten units as 市级填报 (issue 13, item 7),
// where the unit and indicator pages list none. The county's own 工作专班, ticked by the office, stays.
func TestProgressTableLeavesOutOfficeFiguresPerUnit(t *testing.T) {
	p := testkit.Plan(t)
	calc := models.NewProgressCalculator(p, models.Dataset{}, models.ProgressOptions{})
	period := models.MustPeriod("2024-06")
	for _, tt := range []struct {
		name string
		prs  []models.Progress
		want int
	}{
		{"indicator_firms", calc.ForIndicator("firms_10m", period), 1},
		{"indicator_trunk_line", calc.ForIndicator("trunk_jiangsu", period), 1},
		{"indicator_county_task_force", calc.ForIndicator("county_task_force", period), 1 + len(p.ReportingUnits())},
		{"unit_without_office_figures", calc.ForScope("530322", period), len(p.Indicators) - 6},
		{"city_keeps_every_figure", calc.ForScope(p.Root.Code, period), len(p.Indicators)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tab := ProgressTable(p, tt.prs)
			if len(tab.Rows) != tt.want {
				t.Errorf("%d rows, want %d", len(tab.Rows), tt.want)
			}
			for _, r := range tab.Rows {
				if r[11] == models.GreyOfficeOnly.Label() {
					t.Errorf("row %v: an office-only figure listed for a unit", r[:5])
				}
			}
		})
	}
}
