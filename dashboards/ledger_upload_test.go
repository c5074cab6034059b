package dashboards

import (
	"fmt"
	"strings"
	"testing"

	"ruralkpi/internal/testkit"
	"ruralkpi/models"
)

// TestNewLedgerUploadPage: a clean upload lists every derived indicator beside the previous
// snapshot's (new where the snapshot had none, changed or not); a refused one lists no indicators;
// a previous snapshot whose figures cannot be read is an error.
func TestNewLedgerUploadPage(t *testing.T) {
	p := testkit.Plan(t)
	unit, _ := p.Unit("530302")
	codes := models.LedgerIndicatorCodes()
	derived := map[string]float64{}
	for i, code := range codes {
		derived[code] = float64(i)
	}
	// The previous snapshot had the first figure as now (0) and the second otherwise (5).
	prev := models.LedgerSnapshot{ID: 4, Period: "2024-05", Number: 1, Points: 2, Indicators: fmt.Sprintf(`{%q: 0, %q: 5}`, codes[0], codes[1])}
	refused := []models.LedgerProblem{{Sheet: "网点台账", Cell: "D2", Message: "行政村不在名录中"}}
	rest := strings.Repeat("+", len(codes)-2)
	tests := []struct {
		name     string
		up       LedgerUpload
		previous models.LedgerSnapshot
		token    string
		// marks are the rows' verdicts in order: + new, * changed, = unchanged.
		marks   string
		wantErr bool
	}{
		{"first ledger", LedgerUpload{Points: 2, Indicators: derived}, models.LedgerSnapshot{}, "abc", "++" + rest, false},
		{"beside the previous", LedgerUpload{Points: 2, Indicators: derived}, prev, "abc", "=*" + rest, false},
		{"refused", LedgerUpload{Problems: refused}, prev, "", "", false},
		{"unreadable previous", LedgerUpload{Indicators: derived}, models.LedgerSnapshot{ID: 4, Indicators: "{"}, "", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := NewLedgerUploadPage(p, unit, "2024-06", "台账.xlsx", tc.token, tc.up, tc.previous)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err %v, want error %v", err, tc.wantErr)
			}
			if tc.wantErr {
				return
			}
			if d.Unit.Code != "530302" || d.Period != "2024-06" || d.FileName != "台账.xlsx" || d.Token != tc.token ||
				d.Previous.ID != tc.previous.ID || len(d.Problems) != len(tc.up.Problems) || d.Points != tc.up.Points {
				t.Errorf("page %+v", d)
			}
			var marks strings.Builder
			for i, r := range d.Rows {
				ind, _ := p.Indicator(codes[i])
				if r.Name != ind.Name || r.New != derived[codes[i]] {
					t.Errorf("row %d: %+v", i, r)
				}
				switch {
				case !r.HasOld:
					marks.WriteString("+")
				case r.Changed:
					marks.WriteString("*")
				default:
					marks.WriteString("=")
				}
			}
			if marks.String() != tc.marks {
				t.Errorf("marks %q, want %q", marks.String(), tc.marks)
			}
		})
	}
}
