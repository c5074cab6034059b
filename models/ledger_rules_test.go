package models

import (
	"fmt"
	"testing"
	"time"
)

func day(s string) LedgerDate {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return LedgerDateOf(t)
}

func TestLedgerDate(t *testing.T) {
	tests := []struct {
		serial LedgerDate
		want   string
	}{{1, "1899-12-31"}, {61, "1900-03-01"}, {45123, "2023-07-16"}, {0, ""}}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			if got := tc.serial.String(); got != tc.want {
				t.Errorf("got %q", got)
			}
			if tc.serial > 60 && day(tc.want) != tc.serial {
				t.Errorf("LedgerDateOf(%s) = %d, want %d", tc.want, day(tc.want), tc.serial)
			}
		})
	}
}

func TestLedgerIndicators(t *testing.T) {
	op := func(code, village string, opened string, income float64, fused, direct bool) LedgerPoint {
		return LedgerPoint{Code: code, Township: "越州镇", Village: village, OpenedOn: day(opened), Status: LedgerOperating, Income: income, Fused: fused, Direct: direct}
	}
	gone := func(code, village, opened string, st LedgerStatus, changed string) LedgerPoint {
		return LedgerPoint{Code: code, Township: "越州镇", Village: village, OpenedOn: day(opened), Status: st, ChangedOn: day(changed)}
	}
	tests := []struct {
		name   string
		points []LedgerPoint
		asOf   string
		want   map[string]float64
	}{
		{"empty ledger", nil, "2024-06", map[string]float64{}},
		{"stock counts only points in operation", []LedgerPoint{
			op("A", "甲村", "2023-01-10", 10_000, true, true),     // exactly 10k is not over 10k
			op("B", "甲村", "2023-02-10", 10_000.01, false, true), // second point in the same village
			op("C", "乙村", "2022-05-01", 25_000, true, false),
			gone("D", "丙村", "2022-01-01", LedgerClosed, "2023-12-31"), // closed last year
		}, "2024-06", map[string]float64{
			IndServicePoints: 3, IndCoveredVillages: 2, IndDirectPoints: 2, IndFusedPoints: 2,
			IndIncome10k: 2, IndIncome20k: 1,
		}},
		{"三个一批 within the year to date", []LedgerPoint{
			gone("X", "甲村", "2021-01-01", LedgerClosed, "2024-03-01"),
			gone("Y", "乙村", "2021-01-01", LedgerMerged, "2024-06-30"),
			gone("Z", "乙村", "2021-01-01", LedgerMerged, "2024-07-01"), // after the snapshot month
			op("N1", "丙村", "2024-02-01", 0, false, false),             // blank village filled
			op("N2", "丙村", "2024-04-01", 0, false, false),             // second point: not a blank fill
			op("N3", "甲村", "2024-03-02", 0, false, false),             // 甲村 blank since X closed on 03-01
			op("N4", "丁村", "2023-12-31", 0, false, false),             // last year
		}, "2024-06", map[string]float64{
			IndServicePoints: 4, IndCoveredVillages: 3, IndStationsClosed: 1, IndStationsMerged: 1, IndStationsAdded: 2,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := LedgerIndicators(tc.points, MustPeriod(tc.asOf))
			for _, code := range LedgerIndicatorCodes() {
				if got[code] != tc.want[code] {
					t.Errorf("%s = %v, want %v", code, got[code], tc.want[code])
				}
			}
		})
	}
}

func TestDiffLedger(t *testing.T) {
	p := func(code, name string, st LedgerStatus) LedgerPoint {
		return LedgerPoint{Code: code, Name: name, Status: st, OpenedOn: day("2023-01-01"), Income: 100}
	}
	prev := []LedgerPoint{p("A", "甲站", LedgerOperating), p("B", "乙站", LedgerOperating), p("C", "丙站", LedgerOperating),
		p("D", "丁站", LedgerOperating), p("E", "戊站", LedgerClosed), p("F", "己站", LedgerOperating)}
	cur := []LedgerPoint{p("A", "甲站", LedgerOperating), p("B", "乙站", LedgerClosed), p("C", "丙站", LedgerMerged),
		p("D", "丁站（新址）", LedgerOperating), p("E", "戊站", LedgerOperating), p("G", "庚站", LedgerOperating)}
	cur[0].Income = 999 // monthly figures are not changes
	d := DiffLedger(prev, cur)
	codes := func(ps []LedgerPoint) string {
		s := ""
		for _, p := range ps {
			s += p.Code
		}
		return s
	}
	var changed []string
	for _, c := range d.Changed {
		changed = append(changed, fmt.Sprint(c.After.Code, c.Fields))
	}
	tests := []struct{ name, got, want string }{
		{"added", codes(d.Added), "G"},
		{"closed", codes(d.Closed), "B"},
		{"merged", codes(d.Merged), "C"},
		{"missing", codes(d.Missing), "F"},
		{"changed", fmt.Sprint(changed), "[D[网点名称] E[运营状态]]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %s, want %s", tc.got, tc.want)
			}
		})
	}
}

func TestCompareLedger(t *testing.T) {
	derived := map[string]float64{IndServicePoints: 120, IndFusedPoints: 40}
	reported := map[string]float64{IndServicePoints: 118, IndFusedPoints: 40, IndIncome10k: 7}
	choice := map[string]LedgerSource{IndFusedPoints: LedgerSourceReturn}
	got := map[string]LedgerComparison{}
	for _, c := range CompareLedger(derived, reported, choice) {
		got[c.Indicator] = c
	}
	tests := []struct {
		code     string
		mismatch bool
		counted  float64
		source   LedgerSource
	}{
		{IndServicePoints, true, 120, LedgerSourceLedger}, // default: the ledger counts
		{IndFusedPoints, false, 40, LedgerSourceReturn},   // the office chose the return
		{IndIncome10k, false, 7, LedgerSourceReturn},      // no derived figure: the return counts
		{IndStationsAdded, false, 0, ""},                  // neither
	}
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			c := got[tc.code]
			if c.Mismatch != tc.mismatch || c.Counted != tc.counted || c.Source != tc.source {
				t.Errorf("got %+v", c)
			}
		})
	}
	if pct, ok := Coverage(3, 4); !ok || pct != 75 {
		t.Errorf("Coverage(3, 4) = %v %v", pct, ok)
	}
	if _, ok := Coverage(3, 0); ok {
		t.Error("coverage without a denominator")
	}
}
