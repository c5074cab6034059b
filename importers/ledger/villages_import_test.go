package ledger

import (
	"bytes"
	"fmt"
	"testing"

	"ruralkpi/importers/xlsx"
)

func TestParseLedgerVillages(t *testing.T) {
	t.Run("the template's village sheet reads back", func(t *testing.T) {
		want := []Village{{Township: "越州镇", Name: "潇湘村", Division: "530302101201"}, {Township: "茨营镇", Name: "大冲村"}}
		var buf bytes.Buffer
		if err := WriteTemplate(&buf, "麒麟区", want, nil); err != nil {
			t.Fatal(err)
		}
		got, err := ParseVillages(&buf, xlsx.DefaultLimits())
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Problems) != 0 || fmt.Sprint(got.Villages) != fmt.Sprint(want) {
			t.Fatalf("got %v %v", got.Villages, got.Problems)
		}
	})
	header := []string{"乡（镇、街道）", "行政村（社区）", "统计用区划代码"}
	tests := []struct {
		name  string
		head  []string
		rows  []ledgerTestRow
		cells []string
	}{
		{"missing township and bad code", header, []ledgerTestRow{{"", "潇湘村", ""}, {"越州镇", "大冲村", "5303"}}, []string{"A2", "C3"}},
		{"duplicate", header, []ledgerTestRow{{"越州镇", "潇湘村", ""}, {"越州镇", "潇湘村", ""}}, []string{"B3"}},
		{"wrong header", []string{"名称"}, []ledgerTestRow{{"潇湘村"}}, []string{"A1"}},
		{"empty", header, nil, []string{"A2"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseVillages(bytes.NewReader(ledgerTestWorkbook(t, tc.head, tc.rows)), xlsx.DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			var cells []string
			for _, p := range got.Problems {
				cells = append(cells, p.Cell)
			}
			if fmt.Sprint(cells) != fmt.Sprint(tc.cells) || got.Villages != nil {
				t.Errorf("problems %v, villages %v", got.Problems, got.Villages)
			}
		})
	}
}
