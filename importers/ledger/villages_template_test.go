package ledger

import (
	"bytes"
	"testing"

	"ruralkpi/importers/xlsx"
)

func TestLedgerVillagesTemplateRoundTrip(t *testing.T) {
	tests := []struct {
		name     string
		villages []Village
		problems int
	}{
		// An empty template is a blank form: reading it back says there are no villages.
		{"empty list", nil, 1},
		{"villages with and without codes", []Village{{Township: "越州镇", Name: "潇湘村", Division: "530302100201"}, {Township: "越州镇", Name: "越州村"}}, 0},
		// Names that look like formulas are written escaped (models.SafeCell) and read back as they were.
		{"names like formulas", []Village{{Township: "=越州镇", Name: "-潇湘村"}, {Township: "＋越州镇", Name: "@越州村"}}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteVillagesTemplate(&buf, "麒麟区", tc.villages); err != nil {
				t.Fatal(err)
			}
			got, err := ParseVillages(&buf, xlsx.DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Problems) != tc.problems || len(got.Villages) != len(tc.villages) {
				t.Fatalf("got %+v", got)
			}
			for i, v := range tc.villages {
				if got.Villages[i] != v {
					t.Errorf("row %d: %+v, want %+v", i, got.Villages[i], v)
				}
			}
		})
	}
}
