package models

import (
	"strings"
	"testing"
)

// TestPlanPartsValidateThemselves checks each part's own Validate, with fields named from the part
// (Plan.Validate names them below the part's place in the file).
func TestPlanPartsValidateThemselves(t *testing.T) {
	tests := []struct {
		name string
		errs PlanErrors
		want string // the fields with problems, in order; "" for none
	}{
		{"a good phase", Phase{Code: "p1", From: "2024-01", To: "2024-12"}.Validate(), ""},
		{"a phase without code or months", Phase{From: "2024-13"}.Validate(), "code from to"},
		{"a workstream with an upper-case code", Workstream{Code: "Goals"}.Validate(), "code"},
		{"a rate without percent", Indicator{Code: "r", Name: "率", Kind: KindRate, RollUp: RollUpRatio, Reporter: ReporterDerived}.Validate(), "percent"},
		{"an annual figure judged as a milestone", Indicator{Code: "a", Name: "年", Kind: KindAnnual, RollUp: RollUpSum, Reporter: ReporterCounty, Schedule: ScheduleMilestone}.Validate(), "schedule"},
		{"a negative target", Target{Indicator: "a", Year: 2024, Value: -1}.Validate(), "value"},
		{"a unit starting tasks before it reports", (&Unit{Code: "1", Name: "县", StartPeriod: "2024-03", TasksFrom: "2024-01"}).Validate(), "tasks_from"},
		{"a milestone starting after its year", MilestoneDue{Indicator: "m", Year: 2024, From: "2025-01"}.Validate(), "from"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var fields []string
			for _, e := range tc.errs {
				fields = append(fields, e.Field)
			}
			if got := strings.Join(fields, " "); got != tc.want {
				t.Errorf("problems at %q, want %q: %v", got, tc.want, tc.errs)
			}
		})
	}
}
