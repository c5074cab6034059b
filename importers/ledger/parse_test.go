package ledger

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ruralkpi/importers/xlsx"
	"ruralkpi/models"
)

// The flag is named for the ledger so that it cannot clash with other golden tests of the package.
var updateLedgerGolden = flag.Bool("update-ledger", false, "rewrite the ledger fixtures and golden files in testdata/")

// ledgerTestVillages is the reference list the validation tests use.
func ledgerTestVillages() *VillageIndex {
	return NewVillageIndex([]Village{
		{Township: "越州镇", Name: "潇湘村"}, {Township: "越州镇", Name: "大冲村"}, {Township: "越州镇", Name: "哨湾村"},
		{Township: "茨营镇", Name: "大冲村"}, {Township: "茨营镇", Name: "茨营村"}, {Township: "东山镇", Name: "红土村"},
	})
}

// ledgerTestRow is a data row: cells by header order; a value starting with "#" is written as a
// number (how Excel stores dates and figures), anything else as a string.
type ledgerTestRow []string

func ledgerGoodRow(code string) ledgerTestRow {
	return ledgerTestRow{code, "潇湘村快递服务站", "越州镇", "潇湘村", "2023-08-15", "运营中", "", "是", "否", "#12500.5", "#3200", "中国邮政"}
}

// ledgerTestWorkbook writes a ledger in the shared-string layout from header and rows.
func ledgerTestWorkbook(t *testing.T, header []string, rows []ledgerTestRow) []byte {
	t.Helper()
	var buf bytes.Buffer
	err := writeLedgerGenXLSX(&buf, header, len(rows), func(i int) []ledgerGenValue {
		out := make([]ledgerGenValue, len(rows[i]))
		for c, s := range rows[i] {
			switch {
			case s == "":
				out[c] = ledgerGenValue{Empty: true}
			case strings.HasPrefix(s, "#"):
				out[c] = ledgerGenValue{Str: s[1:], Num: 0, IsNum: true}
				if err := json.Unmarshal([]byte(s[1:]), &out[c].Num); err != nil {
					t.Fatalf("bad number %q", s)
				}
			default:
				out[c] = ledgerGenValue{Str: s}
			}
		}
		return out
	}, true)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func ledgerTestCheck() Check {
	return Check{AsOf: models.MustPeriod("2024-06"), Villages: ledgerTestVillages(), Limits: xlsx.DefaultLimits()}
}

func TestParseLedgerGood(t *testing.T) {
	rows := []ledgerTestRow{
		ledgerGoodRow("P001"),
		{"P002", "大冲服务点", "茨营镇", "大冲村", "#45000", "已撤并", "2024/3/1", "否", "是", "", "", "村委会", "#103.79", "#25.49"},
		{"P003", "红土服务点", "东山镇", "红土村", "2022年1月5日", "已裁撤", "2024.06.30", "否", "否", "1,234.50", "0", "供销社"},
		{"", "", "", "", "", "", "", "", "", "", "", ""}, // a blank row Excel leaves behind
		{" P004 ", "哨湾站", "越州镇", "哨湾村", "2020-02-29", "运营中", "", "是", "是", "#0", "#0", "圆通速递"},
	}
	header := ledgerGenHeader()
	header = append(header, "经度", "纬度")
	li, err := ParseBytes(ledgerTestWorkbook(t, header, rows), ledgerTestCheck())
	if err != nil {
		t.Fatal(err)
	}
	if !li.OK() {
		t.Fatalf("problems: %v", li.Problems)
	}
	if len(li.Points) != 4 || li.Rows != 4 {
		t.Fatalf("points %d rows %d", len(li.Points), li.Rows)
	}
	p1, p2, p3, p4 := li.Points[0], li.Points[1], li.Points[2], li.Points[3]
	checks := []struct {
		name      string
		got, want any
	}{
		{"P001 income", p1.Income, 12500.5},
		{"P001 parcels", p1.Parcels, int64(3200)},
		{"P001 opened", p1.OpenedOn.String(), "2023-08-15"},
		{"P001 flags", [2]bool{p1.Fused, p1.Direct}, [2]bool{true, false}},
		{"P001 row", p1.Row, int32(2)},
		{"P002 serial date", p2.OpenedOn.String(), "2023-03-15"},
		{"P002 status", p2.Status, models.LedgerMerged},
		{"P002 changed", p2.ChangedOn.String(), "2024-03-01"},
		{"P002 coords", [3]any{p2.HasCoords, p2.Lon, p2.Lat}, [3]any{true, float32(103.79), float32(25.49)}},
		{"P003 Chinese date", p3.OpenedOn.String(), "2022-01-05"},
		{"P003 dotted date", p3.ChangedOn.String(), "2024-06-30"},
		{"P003 money as text", p3.Income, 1234.5},
		{"P004 trimmed code", p4.Code, "P004"},
		{"P004 leap day", p4.OpenedOn.String(), "2020-02-29"},
		{"P004 row after blank", p4.Row, int32(6)},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got %v, want %v", c.got, c.want)
			}
		})
	}
	if len(li.Warnings) != 0 {
		t.Errorf("warnings: %v", li.Warnings)
	}
}

// TestParseLedgerRefusals has one fixture per refusal in testdata/: the .xlsx and the
// problems expected (golden JSON). Run with -update-ledger to rewrite both from the table.
func TestParseLedgerRefusals(t *testing.T) {
	withRow := func(change func(r ledgerTestRow)) []ledgerTestRow {
		r := ledgerGoodRow("P009")
		change(r)
		return []ledgerTestRow{ledgerGoodRow("P001"), r}
	}
	// cells and says are written by hand from the row each case breaks (row 1 is the header, P001 row
	// 2, the broken P009 row 3; columns in template order A code … L operator, M longitude, N
	// latitude), so that a golden file rewritten with -update-ledger cannot drift unseen.
	tests := []struct {
		name   string
		header []string
		rows   []ledgerTestRow
		cells  []string // the cell of each problem, in order
		says   []string // words the messages must hold
	}{
		{"duplicate-code", nil, []ledgerTestRow{ledgerGoodRow("P001"), ledgerGoodRow("P002"), ledgerGoodRow("P001")}, []string{"A4"}, []string{"P001", "第 2 行"}},
		{"village-not-in-list", nil, withRow(func(r ledgerTestRow) { r[3] = "潇湘" }), []string{"D3"}, []string{"“潇湘”", "潇湘村"}},
		{"village-other-township", nil, withRow(func(r ledgerTestRow) { r[2], r[3] = "东山镇", "茨营村" }), []string{"D3"}, []string{"茨营镇", "东山镇"}},
		{"date-in-future", nil, withRow(func(r ledgerTestRow) { r[4] = "2024-07-01" }), []string{"E3"}, []string{"2024-07-01", "2024年6月"}},
		{"negative-money", nil, withRow(func(r ledgerTestRow) { r[9] = "#-5" }), []string{"J3"}, []string{"负数", "-5"}},
		{"closed-without-date", nil, withRow(func(r ledgerTestRow) { r[5] = "已裁撤" }), []string{"G3"}, []string{"已裁撤", "状态变更日期"}},
		{"changed-before-opened", nil, withRow(func(r ledgerTestRow) { r[5], r[6] = "已撤并", "2023-01-01" }), []string{"G3"}, []string{"2023-01-01", "2023-08-15"}},
		{"unknown-status", nil, withRow(func(r ledgerTestRow) { r[5] = "暂停" }), []string{"F3"}, []string{"“暂停”", "运营中"}},
		{"yes-no", nil, withRow(func(r ledgerTestRow) { r[7] = "有" }), []string{"H3"}, []string{"是 或 否", "“有”"}},
		{"not-a-date", nil, withRow(func(r ledgerTestRow) { r[4] = "2023-02-30" }), []string{"E3"}, []string{"2023-02-30", "日期"}},
		{"not-a-number", nil, withRow(func(r ledgerTestRow) { r[10] = "很多" }), []string{"K3"}, []string{"“很多”", "数字"}},
		{"fractional-parcels", nil, withRow(func(r ledgerTestRow) { r[10] = "#10.5" }), []string{"K3"}, []string{"整数"}},
		{"missing-required", nil, withRow(func(r ledgerTestRow) { r[1], r[9] = "", "" }), []string{"B3", "J3"}, []string{"网点名称", "上月收入"}},
		{"missing-column", ledgerGenHeader()[:11], []ledgerTestRow{ledgerGoodRow("P001")[:11]}, []string{"L1"}, []string{"运营主体"}},
		{"no-data", nil, nil, []string{"A2"}, []string{"没有任何网点数据"}},
		{"one-coordinate", append(ledgerGenHeader(), "经度", "纬度"), withRow(func(r ledgerTestRow) {}), []string{"N3"}, []string{"经度和纬度"}},
	}
	dir := "testdata"
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			xlsxPath := filepath.Join(dir, tc.name+".xlsx")
			goldenPath := filepath.Join(dir, tc.name+".json")
			if *updateLedgerGolden {
				header := tc.header
				if header == nil {
					header = ledgerGenHeader()
				}
				rows := tc.rows
				if tc.name == "one-coordinate" {
					rows[1] = append(rows[1], "#103.8", "")
				}
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(xlsxPath, ledgerTestWorkbook(t, header, rows), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			data, err := os.ReadFile(xlsxPath)
			if err != nil {
				t.Fatal(err)
			}
			li, err := ParseBytes(data, ledgerTestCheck())
			if err != nil {
				t.Fatal(err)
			}
			if li.OK() || len(li.Points) != 0 {
				t.Fatalf("want refusal with no points, got %d points and %v", len(li.Points), li.Problems)
			}
			var cells, messages []string
			for _, p := range li.Problems {
				cells = append(cells, p.Cell)
				messages = append(messages, p.Message)
			}
			if strings.Join(cells, " ") != strings.Join(tc.cells, " ") {
				t.Errorf("problems at %v, want %v: %v", cells, tc.cells, messages)
			}
			for _, w := range tc.says {
				if !strings.Contains(strings.Join(messages, "\n"), w) {
					t.Errorf("no %q in %v", w, messages)
				}
			}
			got, err := json.MarshalIndent(li.Problems, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			if *updateLedgerGolden {
				if err := os.WriteFile(goldenPath, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(goldenPath)
			if err != nil {
				t.Fatal(err)
			}
			if string(bytes.TrimSpace(want)) != string(got) {
				t.Errorf("problems differ from %s:\n%s", goldenPath, got)
			}
		})
	}
}

func TestParseLedgerWithoutVillageList(t *testing.T) {
	chk := ledgerTestCheck()
	chk.Villages = NewVillageIndex(nil)
	r := ledgerGoodRow("P001")
	r[3] = "任意村"
	li, err := ParseBytes(ledgerTestWorkbook(t, ledgerGenHeader(), []ledgerTestRow{r}), chk)
	if err != nil {
		t.Fatal(err)
	}
	if !li.OK() || len(li.Points) != 1 || len(li.Warnings) != 1 {
		t.Fatalf("want one point and one warning, got %v %v", li.Problems, li.Warnings)
	}
}

func TestParseLedgerProblemCap(t *testing.T) {
	var rows []ledgerTestRow
	for range MaxProblems + 50 {
		r := ledgerGoodRow("P1")
		r[9] = "#-1"
		rows = append(rows, r)
	}
	li, err := ParseBytes(ledgerTestWorkbook(t, ledgerGenHeader(), rows), ledgerTestCheck())
	if err != nil {
		t.Fatal(err)
	}
	if len(li.Problems) != MaxProblems+1 {
		t.Fatalf("got %d problems", len(li.Problems))
	}
	if last := li.Problems[len(li.Problems)-1].Message; !strings.Contains(last, "另有") {
		t.Errorf("last problem %q does not say how many more", last)
	}
}

func TestParseLedgerNotXLSX(t *testing.T) {
	_, _, err := Parse(strings.NewReader("名称,编码\n"), ledgerTestCheck())
	var appErr *models.Error
	if !errors.As(err, &appErr) || appErr.Code != models.EInvalid {
		t.Fatalf("want an invalid-file error, got %v", err)
	}
	small := ledgerTestCheck()
	small.Limits.MaxFileBytes = 10
	_, _, err = Parse(strings.NewReader(strings.Repeat("x", 11)), small)
	if !errors.As(err, &appErr) || appErr.Code != models.ETooLarge {
		t.Fatalf("want a too-large error, got %v", err)
	}
}

func TestParseLedgerDate(t *testing.T) {
	tests := []struct {
		in   string
		typ  xlsx.CellType
		want string
		ok   bool
	}{
		{"45123", xlsx.CellNumber, "2023-07-16", true},
		{"45123.75", xlsx.CellNumber, "2023-07-16", true},
		{"2023-08-15", xlsx.CellSharedString, "2023-08-15", true},
		{"2023/8/5", xlsx.CellInlineString, "2023-08-05", true},
		{"2023.08.05", xlsx.CellSharedString, "2023-08-05", true},
		{"2023年8月5日", xlsx.CellSharedString, "2023-08-05", true},
		{"2023年8月", xlsx.CellSharedString, "", false},
		{"2024-05-01T00:00:00Z", xlsx.CellISODate, "2024-05-01", true},
		{"2023-13-01", xlsx.CellSharedString, "", false},
		{"2023-02-29", xlsx.CellSharedString, "", false},
		{"-3", xlsx.CellNumber, "", false},
		{"明天", xlsx.CellSharedString, "", false},
		{"20230815", xlsx.CellSharedString, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			d, ok := ParseDate([]byte(tc.in), tc.typ)
			if ok != tc.ok || d.String() != tc.want {
				t.Errorf("got %q %v, want %q %v", d.String(), ok, tc.want, tc.ok)
			}
		})
	}
}

func TestLedgerVillageSuggest(t *testing.T) {
	ix := ledgerTestVillages()
	tests := []struct {
		in   string
		want []string
	}{
		{"潇湘", []string{"潇湘村"}},
		{"大冲", []string{"大冲村"}},
		{"哨弯村", []string{"哨湾村"}},
		{"完全无关的名字", []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got := ix.Suggest(tc.in, 3)
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestParseLedgerGenerated runs validation over generated ledgers in both layouts: every row must
// come through as a point.
func TestParseLedgerGenerated(t *testing.T) {
	villages := ledgerGenVillages(200, 9)
	for _, shared := range []bool{true, false} {
		var buf bytes.Buffer
		g := newLedgerGen(villages, 10)
		if err := writeLedgerGenXLSX(&buf, ledgerGenHeader(), 2000, g.row, shared); err != nil {
			t.Fatal(err)
		}
		chk := Check{AsOf: models.MustPeriod("2024-06"), Villages: NewVillageIndex(villages), Limits: xlsx.DefaultLimits()}
		li, err := ParseBytes(buf.Bytes(), chk)
		if err != nil {
			t.Fatal(err)
		}
		if !li.OK() || len(li.Points) != 2000 {
			t.Fatalf("shared=%v: %d points, problems %v", shared, len(li.Points), li.Problems)
		}
	}
}
