package dashboards

import (
	"strconv"
	"testing"

	"ruralkpi/models"
)

// TestNewVillagesPage: the village list page carries the stored list, and a refused upload's
// problems and file name only when there was one.
func TestNewVillagesPage(t *testing.T) {
	unit := models.Unit{Code: "530302", Name: "麒麟区"}
	stored := []models.AdminVillage{{Township: "越州镇", Name: "潇湘村"}}
	tests := []struct {
		name              string
		problems          []models.LedgerProblem
		fileName          string
		wantProblems      int
		wantFile, wantVil string
	}{
		{"shown", nil, "", 0, "", "潇湘村"},
		{"refused upload", []models.LedgerProblem{{Sheet: "行政村名录", Cell: "B4", Message: "缺少行政村名称"}}, "名录.xlsx", 1, "名录.xlsx", "潇湘村"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			page := NewVillagesPage(unit, stored, tc.problems, tc.fileName)
			got := []string{page.Unit.Name, strconv.Itoa(len(page.Problems)), page.FileName, page.Villages[0].Name}
			want := []string{"麒麟区", strconv.Itoa(tc.wantProblems), tc.wantFile, tc.wantVil}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("field %d: got %q, want %q", i, got[i], want[i])
				}
			}
		})
	}
}
