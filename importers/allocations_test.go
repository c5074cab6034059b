package importers

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ruralkpi/internal/testkit"
	"ruralkpi/models"
)

// workbook builds the template, lets the test edit it, and returns its bytes.
func workbook(t *testing.T, p *models.Plan, allocations []models.Allocation, edit func(f *excelize.File)) []byte {
	t.Helper()
	var targets []models.TargetRecord
	for _, tg := range p.Targets {
		targets = append(targets, models.TargetRecord{Indicator: tg.Indicator, Year: tg.Year, Value: tg.Value})
	}
	f, err := AllocationTemplate(p, targets, allocations)
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(f)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestAllocationTemplateRoundTrip(t *testing.T) {
	p := testkit.Plan(t)
	ind := models.Allocatable(p)[0]
	existing := []models.Allocation{{Indicator: ind.Code, Year: p.Years[0], UnitCode: "530302", Value: 12}}
	data := workbook(t, p, existing, func(f *excelize.File) {
		// Row 3 is the first indicator's first year; column F the first unit (530302), G the second.
		if err := f.SetCellValue(AllocationSheet, "G3", 8); err != nil {
			t.Fatal(err)
		}
	})
	inputs, problems, err := ParseAllocations(bytes.NewReader(data), p)
	if err != nil || len(problems) > 0 {
		t.Fatalf("parse: %v %+v", err, problems)
	}
	want := []models.AllocationInput{
		{Indicator: ind.Code, Year: p.Years[0], UnitCode: "530302", Value: 12},
		{Indicator: ind.Code, Year: p.Years[0], UnitCode: "530303", Value: 8},
	}
	var set []models.AllocationInput
	for _, in := range inputs {
		if !in.Clear {
			set = append(set, in)
		}
	}
	if len(set) != len(want) || set[0] != want[0] || set[1] != want[1] {
		t.Errorf("inputs = %+v, want %+v", set, want)
	}
}

// TestAllocationBlankCellClears: the template carries the current shares, so a cell left blank (or
// emptied) removes the unit's share — an allocation can be undone (issue 13, item 4).
func TestAllocationBlankCellClears(t *testing.T) {
	p := testkit.Plan(t)
	ind := models.Allocatable(p)[0]
	existing := []models.Allocation{{Indicator: ind.Code, Year: p.Years[0], UnitCode: "530302", Value: 12},
		{Indicator: ind.Code, Year: p.Years[0], UnitCode: "530303", Value: 8}}
	data := workbook(t, p, existing, func(f *excelize.File) {
		if err := f.SetCellValue(AllocationSheet, "G3", ""); err != nil {
			t.Fatal(err)
		}
	})
	inputs, problems, err := ParseAllocations(bytes.NewReader(data), p)
	if err != nil || len(problems) > 0 {
		t.Fatalf("parse: %v %+v", err, problems)
	}
	found := false
	for _, in := range inputs {
		if in.Indicator == ind.Code && in.Year == p.Years[0] && in.UnitCode == "530303" {
			found = in.Clear
		}
	}
	if !found {
		t.Errorf("the emptied cell G3 (530303) does not clear its share: %+v", inputs[:3])
	}
}

// TestAllocationShareCappedGrowthNot: a unit's share (coverage) cannot exceed 100%.
func TestAllocationShareCapped(t *testing.T) {
	p := testkit.Plan(t)
	err := models.ValidateAllocation(p, models.AllocationInput{Indicator: "village_coverage", Year: 2024, UnitCode: "530302", Value: 120})
	if err == nil {
		t.Error("a coverage share of 120% accepted")
	}
	if err := models.ValidateAllocation(p, models.AllocationInput{Indicator: "village_coverage", Year: 2024, UnitCode: "530302", Value: 85}); err != nil {
		t.Errorf("a unit's coverage rate of 85%% refused: %v", err)
	}
}

func TestParseAllocationsReportsEveryProblem(t *testing.T) {
	p := testkit.Plan(t)
	tests := []struct {
		name  string
		edit  func(f *excelize.File)
		cells []string
		words string
	}{
		{"not a number", func(f *excelize.File) { f.SetCellValue(AllocationSheet, "F3", "十二") }, []string{"F3"}, "不是数字"},
		{"negative", func(f *excelize.File) { f.SetCellValue(AllocationSheet, "F3", -3) }, []string{"F3"}, "负数"},
		{"unknown indicator", func(f *excelize.File) { f.SetCellValue(AllocationSheet, "A3", "no_such") }, []string{"A3"}, "不存在"},
		{"unknown unit code", func(f *excelize.File) { f.SetCellValue(AllocationSheet, "F2", "999999") }, []string{"F2"}, "不是本方案的填报单位"},
		{"two problems at once", func(f *excelize.File) {
			f.SetCellValue(AllocationSheet, "F3", "x")
			f.SetCellValue(AllocationSheet, "H4", "y")
		}, []string{"F3", "H4"}, "不是数字"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := workbook(t, p, nil, tt.edit)
			_, problems, err := ParseAllocations(bytes.NewReader(data), p)
			if err != nil {
				t.Fatal(err)
			}
			if len(problems) != len(tt.cells) {
				t.Fatalf("problems = %+v, want cells %v", problems, tt.cells)
			}
			for i, pr := range problems {
				if pr.Cell != tt.cells[i] || pr.Sheet != AllocationSheet || !strings.Contains(pr.Message, tt.words) {
					t.Errorf("problem %d = %+v, want cell %s with %q", i, pr, tt.cells[i], tt.words)
				}
			}
		})
	}
	t.Run("not a workbook", func(t *testing.T) {
		_, problems, err := ParseAllocations(strings.NewReader("hello"), p)
		if err != nil || len(problems) != 1 || !strings.Contains(problems[0].Message, "不是 Excel 工作簿") {
			t.Errorf("got %+v %v", problems, err)
		}
	})
}
