package dashboards

import (
	"ruralkpi/internal/testkit"
	"testing"

	"ruralkpi/models"
)

// TestNewAllocationsPage builds the allocations view without a server: shares as typed, the sum in
// the pages' format, and whether they add up to the target.
func TestNewAllocationsPage(t *testing.T) {
	p := testkit.Plan(t)
	targets := []models.TargetRecord{{Indicator: "service_points", Year: 2024, Value: 1350}}
	allocations := []models.Allocation{{Indicator: "service_points", Year: 2024, UnitCode: "530302", Value: 1000.5},
		{Indicator: "service_points", Year: 2024, UnitCode: "530303", Value: 200}}
	page := NewAllocationsPage(p, 2024, targets, allocations, true)
	var row *AllocationRow
	for i := range page.Rows {
		if page.Rows[i].Code == "service_points" {
			row = &page.Rows[i]
		}
	}
	if row == nil {
		t.Fatal("no row for service_points")
	}
	tests := []struct{ name, got, want string }{
		{"target", row.Target, "1,350"},
		{"sum", row.Sum, "1,200.5"},
		{"balance", row.Balance, string(models.BalanceUnder)},
		{"colour", row.Color, "amber"},
		{"a share as typed", row.Cells[0].Value, "1000.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
			}
		})
	}
	if !page.Office || page.Year != 2024 || len(page.Units) != len(p.ReportingUnits()) {
		t.Errorf("page %+v", page)
	}
}

// TestNewAllocationImport: a refused workbook's page lists every problem as the importer found it.
func TestNewAllocationImport(t *testing.T) {
	tests := []struct {
		name     string
		problems []models.AllocationProblem
	}{
		{"whole file", []models.AllocationProblem{{Message: "无法读取该文件，请上传由本系统下载的任务分解模板（.xlsx）。"}}},
		{"cells", []models.AllocationProblem{{Sheet: "任务分解", Cell: "G3", Message: "不是数字"}, {Sheet: "任务分解", Cell: "H4", Message: "不能为负数"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := NewAllocationImport(tc.problems)
			if len(d.Problems) != len(tc.problems) {
				t.Fatalf("%d problems, want %d", len(d.Problems), len(tc.problems))
			}
			for i := range d.Problems {
				if d.Problems[i] != tc.problems[i] {
					t.Errorf("problem %d: %+v, want %+v", i, d.Problems[i], tc.problems[i])
				}
			}
		})
	}
}
