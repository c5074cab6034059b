package returns

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"ruralkpi/importers"
	"ruralkpi/models"
)

// Fixed facts of the test returns: 麒麟区, June 2024, checked on 10 July 2024.
const (
	testUnit   = "530302"
	testPeriod = "2024-06"
)

var testNow = time.Date(2024, 7, 10, 9, 0, 0, 0, time.UTC)

// testHistory is 麒麟区's accepted figures before June 2024.
func testHistory() []Figures {
	return []Figures{
		{Period: "2024-02", Values: map[string]float64{"service_points": 100, "outbound_parcels": 200, "ev_replacement": 2}},
		{Period: "2024-03", Values: map[string]float64{"service_points": 104, "outbound_parcels": 300, "ev_replacement": 3}},
		{Period: "2024-04", Values: map[string]float64{"service_points": 108, "outbound_parcels": 410, "ev_replacement": 5}},
		{Period: "2024-05", Values: map[string]float64{"service_points": 112, "outbound_parcels": 500, "ev_replacement": 6,
			"covered_villages": 90, "hub_parks": 1, "express_revenue": 1.1},
			Milestones: map[string]string{"joint_distribution": models.MilestoneDone}},
	}
}

func testReference(p *models.Plan) Reference {
	return Reference{Plan: p, Now: testNow, History: testHistory(),
		Allocations: map[string]float64{"service_points": 150, "outbound_parcels": 1200}}
}

func testTemplateInput(p *models.Plan, period string) TemplateInput {
	h := testHistory()
	return TemplateInput{Plan: p, UnitCode: testUnit, Period: period, Previous: h[len(h)-1],
		Allocations: map[string]float64{"service_points": 150, "outbound_parcels": 1200}, GeneratedAt: testNow}
}

// goodValues are the figures the round trip fills in, as the cells hold them.
var goodValues = map[string]any{
	"hub_parks": 1, "service_points": 118, "covered_villages": 95, "outbound_parcels": 612.5,
	"express_revenue": 1.32, "agri_online_sales": 0.87, "ev_replacement": 8, "stations_closed": 1,
	"stations_merged": 2, "stations_added": 3, "direct_delivery_points": 60, "pfm_fused_points": 40,
	"agri_projects_500k": 2, "points_income_10k": 30, "points_income_20k": 12, "mfg_parks": 3,
	"mfg_factories": 7, "mfg_demo_projects": 1,
}

// filling says what to type into a template.
type filling struct {
	values     map[string]any    // indicator code → value cell
	notes      map[string]string // indicator code → note cell
	milestones map[string][3]any // indicator code → state, date, note
}

func goodFilling() filling {
	return filling{values: goodValues, notes: map[string]string{"service_points": "含新建 6 个"},
		milestones: map[string][3]any{"joint_distribution": {"已完成", "2023-11-20", ""}, "third_party_company": {"建设中", "", "选址中"}}}
}

// makeTemplate writes a template and opens it for filling.
func makeTemplate(tb testing.TB, in TemplateInput) *excelize.File {
	tb.Helper()
	var buf bytes.Buffer
	if err := WriteTemplate(&buf, in); err != nil {
		tb.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

// rowOf finds the row of an indicator code in column A of a sheet.
func rowOf(tb testing.TB, f *excelize.File, sheet, code string) int {
	tb.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		tb.Fatal(err)
	}
	for i, r := range rows {
		if len(r) > 0 && r[0] == code {
			return i + 1
		}
	}
	tb.Fatalf("%s: no row for %s", sheet, code)
	return 0
}

// fill types a filling into an open template, as a clerk would.
func fill(tb testing.TB, f *excelize.File, fl filling) {
	tb.Helper()
	set := func(sheet, cell string, v any) {
		if err := f.SetCellValue(sheet, cell, v); err != nil {
			tb.Fatal(err)
		}
	}
	for code, v := range fl.values {
		set(SheetMonthly, cellName(7, rowOf(tb, f, SheetMonthly, code)), v)
	}
	for code, n := range fl.notes {
		set(SheetMonthly, cellName(8, rowOf(tb, f, SheetMonthly, code)), n)
	}
	for code, m := range fl.milestones {
		row := rowOf(tb, f, SheetMilestones, code)
		for i, v := range m {
			if v != "" {
				set(SheetMilestones, cellName(4+i, row), v)
			}
		}
	}
}

func fileBytes(tb testing.TB, f *excelize.File) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// filledTemplate is the bytes of a template filled in with a filling.
func filledTemplate(tb testing.TB, p *models.Plan, period string, fl filling) []byte {
	tb.Helper()
	f := makeTemplate(tb, testTemplateInput(p, period))
	defer f.Close()
	fill(tb, f, fl)
	return fileBytes(tb, f)
}

func parseBytes(tb testing.TB, b []byte, ref Reference) Result {
	tb.Helper()
	res, err := Parse(bytes.NewReader(b), importers.DefaultLimits(), ref)
	if err != nil {
		tb.Fatal(err)
	}
	return res
}

func problemsText(ps []models.Problem) string {
	var parts []string
	for _, p := range ps {
		parts = append(parts, p.String())
	}
	return strings.Join(parts, "\n")
}
