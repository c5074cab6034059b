package models

import (
	"os"
	"strings"
	"testing"
)

func TestQualityFlags(t *testing.T) {
	jun, may := MustPeriod("2024-06"), MustPeriod("2024-05")
	fig := func(kv ...float64) map[string]float64 {
		m := map[string]float64{}
		for i, v := range kv {
			m[string(rune('a'+i))] = v
		}
		return m
	}
	// history: six months of steady growth of indicator a (about +5 a month), ending in May.
	history := func() []MonthFigures {
		var h []MonthFigures
		for i, v := range []float64{100, 104, 110, 115, 119, 125} {
			h = append(h, MonthFigures{Period: MustPeriod("2023-12").AddMonths(i), Values: map[string]float64{"a": v}})
		}
		return h
	}
	peersMoved := map[string]map[string]float64{"P1": fig(20, 31, 45), "P2": fig(50, 61, 70), "P3": fig(11, 12, 13), "P4": fig(7, 8, 9)}
	peersBefore := map[string]map[string]float64{"P1": fig(15, 30, 44), "P2": fig(45, 60, 69), "P3": fig(10, 11, 12), "P4": fig(5, 7, 8)}
	tests := []struct {
		name      string
		in        QualityInput
		wantRules []string
		wantText  string
	}{
		{"clean return", QualityInput{Values: fig(130, 7, 3), History: history(), Peers: peersMoved, PeersPrevious: peersBefore}, nil, ""},
		{"identical to another unit", QualityInput{Values: fig(50, 61, 70), Peers: peersMoved, Names: map[string]string{"P2": "沾益区"}},
			[]string{FlagIdenticalPeer}, "与沾益区同月月报完全相同"},
		{"identical zeros are not copies", QualityInput{Values: fig(0, 0, 0), Peers: map[string]map[string]float64{"P1": fig(0, 0, 0)}}, nil, ""},
		{"same as own last month while others moved", QualityInput{Values: fig(20, 30, 40),
			History: []MonthFigures{{Period: may, Values: fig(20, 30, 40)}}, Peers: peersMoved, PeersPrevious: peersBefore},
			[]string{FlagIdenticalPrevious}, "与本单位上月完全相同"},
		{"same as last month when nobody moved", QualityInput{Values: fig(20, 30, 40),
			History: []MonthFigures{{Period: may, Values: fig(20, 30, 40)}}, Peers: peersBefore, PeersPrevious: peersBefore}, nil, ""},
		{"jump outside own history and peers", QualityInput{Values: map[string]float64{"a": 400}, History: history(),
			Peers:         map[string]map[string]float64{"P1": {"a": 30}, "P2": {"a": 66}, "P3": {"a": 14}, "P4": {"a": 12}},
			PeersPrevious: map[string]map[string]float64{"P1": {"a": 25}, "P2": {"a": 60}, "P3": {"a": 10}, "P4": {"a": 6}}},
			[]string{FlagJump}, "本月较上月变化 275（220.0%），远高于本单位以往各月"},
		// A small unit (+5 a month) jumps by 60 in a month where big units grew by 50 to 70 (4-5 %): its
		// jump is 48 %, far outside its peers' growth, though not outside their absolute changes.
		{"jump of a small unit among big peers", QualityInput{Values: map[string]float64{"a": 185}, History: history(),
			Peers:         map[string]map[string]float64{"P1": {"a": 1050}, "P2": {"a": 1255}, "P3": {"a": 1665}, "P4": {"a": 2070}},
			PeersPrevious: map[string]map[string]float64{"P1": {"a": 1000}, "P2": {"a": 1200}, "P3": {"a": 1600}, "P4": {"a": 2000}}},
			[]string{FlagJump}, "本月较上月变化 60（48.0%）"},
		// November: a big unit (usually +100 on 2,000) grows by 300, 15 %, as every small unit does by
		// 15 %: the month, not the unit, jumped. (Compared in absolute changes, 300 stood far outside
		// the small units' 15 to 30.)
		{"jump in proportion to the peers'", QualityInput{Values: map[string]float64{"a": 2300},
			History: []MonthFigures{{Period: MustPeriod("2024-01"), Values: map[string]float64{"a": 1600}}, {Period: MustPeriod("2024-02"), Values: map[string]float64{"a": 1700}},
				{Period: MustPeriod("2024-03"), Values: map[string]float64{"a": 1795}}, {Period: MustPeriod("2024-04"), Values: map[string]float64{"a": 1900}}, {Period: may, Values: map[string]float64{"a": 2000}}},
			Peers:         map[string]map[string]float64{"P1": {"a": 115}, "P2": {"a": 138}, "P3": {"a": 184}, "P4": {"a": 230}},
			PeersPrevious: map[string]map[string]float64{"P1": {"a": 100}, "P2": {"a": 120}, "P3": {"a": 160}, "P4": {"a": 200}}}, nil, ""},
		// A stall is as suspicious as a leap, and the sentence says which it is.
		{"drop below own history and peers", QualityInput{Values: map[string]float64{"a": 100}, History: history(),
			Peers:         map[string]map[string]float64{"P1": {"a": 1050}, "P2": {"a": 1255}, "P3": {"a": 1665}, "P4": {"a": 2070}},
			PeersPrevious: map[string]map[string]float64{"P1": {"a": 1000}, "P2": {"a": 1200}, "P3": {"a": 1600}, "P4": {"a": 2000}}},
			[]string{FlagJump}, "本月较上月变化 -25（-20.0%），远低于本单位以往各月"},
		{"jump the peers made too", QualityInput{Values: map[string]float64{"a": 400}, History: history(),
			Peers:         map[string]map[string]float64{"P1": {"a": 330}, "P2": {"a": 360}, "P3": {"a": 290}, "P4": {"a": 300}},
			PeersPrevious: map[string]map[string]float64{"P1": {"a": 25}, "P2": {"a": 60}, "P3": {"a": 10}, "P4": {"a": 6}}}, nil, ""},
		{"threshold from the plan", QualityInput{Rules: QualityRules{JumpZ: 1000}, Values: map[string]float64{"a": 400}, History: history()}, nil, ""},
		{"flow exactly at target pace three months running", QualityInput{Values: map[string]float64{"f": 60},
			Kinds: map[string]IndicatorKind{"f": KindAnnual}, Pace: map[string]float64{"f": 10},
			History: []MonthFigures{{Period: MustPeriod("2024-02"), Values: map[string]float64{"f": 20}}, {Period: MustPeriod("2024-03"), Values: map[string]float64{"f": 30}},
				{Period: MustPeriod("2024-04"), Values: map[string]float64{"f": 40}}, {Period: may, Values: map[string]float64{"f": 50}}}},
			[]string{FlagTargetPace}, "恰好按目标分解的序时进度（每月 10）增长"},
		{"flow near but not at pace", QualityInput{Values: map[string]float64{"f": 62}, Pace: map[string]float64{"f": 10},
			History: []MonthFigures{{Period: MustPeriod("2024-03"), Values: map[string]float64{"f": 30}}, {Period: MustPeriod("2024-04"), Values: map[string]float64{"f": 41}},
				{Period: may, Values: map[string]float64{"f": 50}}}}, nil, ""},
		// 亿元 with two decimals: changes 0.41, 0.33 are a real month's wobble around a pace of 0.3408,
		// not "exactly" the pace (the old ±0.5 flagged every such flow).
		{"decimal flow wobbling around its pace", QualityInput{Values: map[string]float64{"f": 2.94},
			Kinds: map[string]IndicatorKind{"f": KindAnnual}, Pace: map[string]float64{"f": 4.09 / 12},
			History: []MonthFigures{{Period: MustPeriod("2024-02"), Values: map[string]float64{"f": 1.46}}, {Period: MustPeriod("2024-03"), Values: map[string]float64{"f": 1.86}},
				{Period: MustPeriod("2024-04"), Values: map[string]float64{"f": 2.2}}, {Period: may, Values: map[string]float64{"f": 2.61}}}}, nil, ""},
		// A unit writing round(pace × months) in 亿元: changes 0.35, 0.34, 0.35 around a pace of 0.3467.
		{"decimal flow rounded to its pace", QualityInput{Values: map[string]float64{"f": 2.08},
			Kinds: map[string]IndicatorKind{"f": KindAnnual}, Pace: map[string]float64{"f": 4.16 / 12},
			History: []MonthFigures{{Period: MustPeriod("2024-03"), Values: map[string]float64{"f": 1.04}}, {Period: MustPeriod("2024-04"), Values: map[string]float64{"f": 1.39}},
				{Period: may, Values: map[string]float64{"f": 1.73}}}},
			[]string{FlagTargetPace}, "连续3个月（2024-04 1.39、2024-05 1.73、2024-06 2.08）"},
		// 0.04 a month, steadily, against a pace of 0.048: within one 0.01 step, but not the pace.
		{"steady figures under a small pace", QualityInput{Values: map[string]float64{"f": 0.36},
			Kinds: map[string]IndicatorKind{"f": KindAnnual}, Pace: map[string]float64{"f": 0.58 / 12},
			History: []MonthFigures{{Period: MustPeriod("2024-03"), Values: map[string]float64{"f": 0.24}}, {Period: MustPeriod("2024-04"), Values: map[string]float64{"f": 0.28}},
				{Period: may, Values: map[string]float64{"f": 0.32}}}}, nil, ""},
		{"whole counts rounded to a fractional pace", QualityInput{Values: map[string]float64{"f": 62},
			Kinds: map[string]IndicatorKind{"f": KindAnnual}, Pace: map[string]float64{"f": 10.4},
			History: []MonthFigures{{Period: MustPeriod("2024-03"), Values: map[string]float64{"f": 31}}, {Period: MustPeriod("2024-04"), Values: map[string]float64{"f": 42}},
				{Period: may, Values: map[string]float64{"f": 52}}}},
			[]string{FlagTargetPace}, "（2024-04 42、2024-05 52、2024-06 62）"},
		{"whole counts one off the pace", QualityInput{Values: map[string]float64{"f": 61},
			Kinds: map[string]IndicatorKind{"f": KindAnnual}, Pace: map[string]float64{"f": 10},
			History: []MonthFigures{{Period: MustPeriod("2024-03"), Values: map[string]float64{"f": 30}}, {Period: MustPeriod("2024-04"), Values: map[string]float64{"f": 40}},
				{Period: may, Values: map[string]float64{"f": 50}}}}, nil, ""},
		{"same last two digits", QualityInput{Values: map[string]float64{"a": 1200, "b": 300, "c": 4500, "d": 100, "e": 37}},
			[]string{FlagSameDigits}, "末两位都是“00”"},
		{"ledger disagreement beyond tolerance", QualityInput{Values: map[string]float64{}, LedgerSnapshot: 42, Ledger: []LedgerComparison{
			{Indicator: "points", Derived: 100, HasDerived: true, Reported: 110, HasReported: true},
			{Indicator: "villages", Derived: 200, HasDerived: true, Reported: 203, HasReported: true},
			{Indicator: "direct", Derived: 5, HasDerived: true}}},
			[]string{FlagLedger}, "网点台账计算为 100"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.in.Unit, tc.in.Period = "U", jun
			flags := QualityFlags(tc.in)
			var rules []string
			for _, f := range flags {
				rules = append(rules, f.Rule)
				if f.Message == "" || len(f.Compared) == 0 || !strings.HasPrefix(f.Key, f.Rule+":U:2024-06:") {
					t.Errorf("flag without message, figures or key: %+v", f)
				}
			}
			if strings.Join(rules, ",") != strings.Join(tc.wantRules, ",") {
				t.Fatalf("rules %v, want %v: %+v", rules, tc.wantRules, flags)
			}
			if tc.wantText != "" && !strings.Contains(flags[0].Message, tc.wantText) {
				t.Errorf("message %q lacks %q", flags[0].Message, tc.wantText)
			}
			// A ledger flag links both figures: the return's and the ledger snapshot's.
			if len(flags) > 0 && flags[0].Rule == FlagLedger {
				if c := flags[0].Compared; len(c) != 2 || c[0].LedgerSnapshot != 0 || c[1].LedgerSnapshot != 42 || c[1].Value != 100 {
					t.Errorf("ledger flag compares %+v", c)
				}
			}
		})
	}
}

func TestRobustZ(t *testing.T) {
	for _, tc := range []struct {
		x    float64
		pool []float64
		ok   bool
		big  bool
	}{
		{100, []float64{1, 2}, false, false},
		{100, []float64{4, 5, 6, 5, 4}, true, true},
		{6, []float64{4, 5, 6, 5, 4}, true, false},
		{3, []float64{0, 0, 0, 0}, true, false}, // scale floor of one count
		{9, []float64{0, 0, 0, 0}, true, true},
	} {
		z, ok := robustZ(tc.x, tc.pool, 1)
		if ok != tc.ok || (z > DefaultJumpZ) != tc.big {
			t.Errorf("robustZ(%v, %v) = %v, %v", tc.x, tc.pool, z, ok)
		}
	}
}

// TestQualityThresholdsFromThePlanFile: the thresholds are read from the plan file's "quality"
// object and reach the rules (a jump_z raised in the file silences a jump), and a negative one is
// refused with the field named.
func TestQualityThresholdsFromThePlanFile(t *testing.T) {
	shipped, err := os.ReadFile("../plans/qujing-2023-2025.json")
	if err != nil {
		t.Fatal(err)
	}
	const line = `"quality": {"jump_z": 3.5, "pace_months": 3, "same_digits_min": 4, "identical_min": 3, "ledger_tolerance": 0.02}`
	if !strings.Contains(string(shipped), line) {
		t.Fatalf("the shipped plan has no %s", line)
	}
	jump := QualityInput{Unit: "U", Period: MustPeriod("2024-06"), Values: map[string]float64{"a": 400}, History: []MonthFigures{}}
	for i, v := range []float64{100, 104, 110, 115, 119, 125} {
		jump.History = append(jump.History, MonthFigures{Period: MustPeriod("2023-12").AddMonths(i), Values: map[string]float64{"a": v}})
	}
	for _, tc := range []struct {
		name, quality string
		flags         int
		refused       bool
	}{
		{"shipped thresholds", line, 1, false},
		{"jump_z raised in the file", `"quality": {"jump_z": 1000}`, 0, false},
		{"absent takes the defaults", `"quality": {}`, 1, false},
		{"negative refused", `"quality": {"jump_z": -1}`, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := LoadPlan(strings.NewReader(strings.Replace(string(shipped), line, tc.quality, 1)))
			if tc.refused {
				if err == nil || !strings.Contains(err.Error(), "quality") {
					t.Fatalf("negative threshold: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			in := jump
			in.Rules = p.Quality
			if got := len(QualityFlags(in)); got != tc.flags {
				t.Errorf("%d flags, want %d", got, tc.flags)
			}
		})
	}
}
