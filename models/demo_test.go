package models

import (
	"math"
	"testing"
)

func TestGenerateDemo(t *testing.T) {
	p := loadDefaultPlan(t)
	a, err := GenerateDemo(p, 2023)
	if err != nil {
		t.Fatal(err)
	}
	b, err := GenerateDemo(p, 2023)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Versions) != len(b.Versions) {
		t.Fatalf("not deterministic: %d vs %d versions", len(a.Versions), len(b.Versions))
	}
	for i := range a.Versions {
		for j := range a.Versions[i].Values {
			if a.Versions[i].Values[j] != b.Versions[i].Values[j] {
				t.Fatalf("not deterministic at version %d value %d", i, j)
			}
		}
	}

	t.Run("cumulative figures never fall", func(t *testing.T) {
		last := map[string]float64{}
		for _, v := range a.Versions {
			if v.Status == StatusReturned {
				continue
			}
			for _, val := range v.Values {
				ind, _ := p.Indicator(val.Indicator)
				key := v.UnitCode + "/" + val.Indicator
				if ind.Kind == KindCumulative && val.Value < last[key] {
					t.Errorf("%s %s fell from %v to %v", key, v.Period, last[key], val.Value)
				}
				last[key] = val.Value
			}
		}
	})

	t.Run("late units start in 2024, pilot units in 2023-08", func(t *testing.T) {
		first := map[string]string{}
		for _, v := range a.Versions {
			if f, ok := first[v.UnitCode]; !ok || v.Period < f {
				first[v.UnitCode] = v.Period
			}
		}
		for _, u := range p.ReportingUnits() {
			if first[u.Code] != p.UnitStart(u.Code) {
				t.Errorf("%s first return %s, want %s", u.Code, first[u.Code], p.UnitStart(u.Code))
			}
		}
		if first[p.Root.Code] != "2023-08" {
			t.Errorf("office returns start %s", first[p.Root.Code])
		}
	})

	t.Run("some months are missing", func(t *testing.T) {
		have := map[string]bool{}
		for _, v := range a.Versions {
			have[v.UnitCode+v.Period] = true
		}
		for _, key := range []string{"5303042025-12", "5303232024-07"} {
			if have[key] {
				t.Errorf("%s should be missing", key)
			}
		}
	})

	t.Run("city totals land near the targets at end-2025", func(t *testing.T) {
		sum := map[string]float64{}
		for _, v := range a.Versions {
			if v.Period != "2025-12" && !(v.UnitCode == "530304" && v.Period == "2025-11") {
				continue
			}
			for _, val := range v.Values {
				sum[val.Indicator] += val.Value
			}
		}
		for _, code := range []string{"service_points", "outbound_parcels", "express_revenue", "ev_replacement"} {
			target, _ := p.Target(code, 2025)
			ratio := sum[code] / target
			if ratio < 0.85 || ratio > 1.05 {
				t.Errorf("%s: demo total %v is %.0f%% of target %v", code, sum[code], ratio*100, target)
			}
		}
	})

	t.Run("allocations add up to city targets", func(t *testing.T) {
		sum := map[string]float64{}
		for _, al := range a.Allocations {
			if al.Indicator == "service_points" || al.Indicator == "ev_replacement" {
				sum[al.Indicator+"/"+string(rune('0'+al.Year-2020))] += al.Value
			}
		}
		for _, y := range p.Years {
			for _, code := range []string{"service_points", "ev_replacement"} {
				target, _ := p.Target(code, y)
				if got := sum[code+"/"+string(rune('0'+y-2020))]; math.Abs(got-target) > 0.001 {
					t.Errorf("%s %d allocations sum to %v, want %v", code, y, got, target)
				}
			}
		}
	})

	t.Run("a missed milestone", func(t *testing.T) {
		for _, v := range a.Versions {
			if v.UnitCode != "530323" || v.Period != "2025-12" {
				continue
			}
			for _, m := range v.Milestones {
				if m.Indicator == "joint_distribution" && m.State == MilestoneDone {
					t.Error("师宗县 joint distribution should still be open at 2025-12")
				}
			}
			return
		}
		t.Error("no 师宗县 2025-12 return")
	})
}
