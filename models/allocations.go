package models

import (
	"math"
)

// Balance says how a target's allocations add up against it.
type Balance string

// The balance states shown beside each indicator and year.
const (
	BalanceUnder Balance = "under"
	BalanceExact Balance = "exact"
	BalanceOver  Balance = "over"
	BalanceNone  Balance = "none" // nothing allocated yet, or the indicator does not add up (rates)
)

// Label names the balance in Chinese.
func (b Balance) Label() string {
	switch b {
	case BalanceUnder:
		return "分解不足"
	case BalanceExact:
		return "分解一致"
	case BalanceOver:
		return "分解超出"
	}
	return "—"
}

// AllocationBalance compares the sum of allocations with the city target. Figures carry at most two
// decimals, so a difference under half a hundredth is rounding, not a gap.
func AllocationBalance(target, allocated float64, allocations int) Balance {
	if allocations == 0 {
		return BalanceNone
	}
	switch d := allocated - target; {
	case math.Abs(d) < 0.005:
		return BalanceExact
	case d < 0:
		return BalanceUnder
	default:
		return BalanceOver
	}
}

// Allocatable lists the indicators whose city targets the office sets per unit: figures the units
// report that add up (sums), and rates computed from the units' figures (a unit's own rate, which
// does not add up), with a target in some year. Counts judged as milestones (a hub park per unit) are
// not: their due dates are the units' targets.
func Allocatable(p *Plan) []Indicator {
	var out []Indicator
	for _, ind := range p.Indicators {
		switch {
		case ind.Judged() == ScheduleMilestone:
			continue // judged per unit by its due date: an allocation would change nothing
		case ind.Kind == KindRate && ind.RollUp == RollUpRatio:
			// a rate per unit and year, like any other target (it does not add up to the city's)
		case ind.Reporter != ReporterCounty || ind.Kind == KindMilestone || ind.RollUp != RollUpSum:
			continue
		}
		for _, y := range p.Years {
			if _, ok := p.Target(ind.Code, y); ok {
				out = append(out, ind)
				break
			}
		}
	}
	return out
}

// AllocationInput is one unit's share to set.
type AllocationInput struct {
	Indicator string
	Year      int
	UnitCode  string
	Value     float64
	// Clear removes the unit's allocation (a blank cell, or the clear button): the unit then has no
	// target of its own for the year.
	Clear bool
}

// ValidateAllocation checks one share against the plan.
func ValidateAllocation(p *Plan, in AllocationInput) error {
	ind, ok := p.Indicator(in.Indicator)
	if !ok {
		return Errorf(EInvalid, "指标代码 %q 不存在。", in.Indicator)
	}
	allocatable := false
	for _, a := range Allocatable(p) {
		allocatable = allocatable || a.Code == in.Indicator
	}
	if !allocatable {
		return Errorf(EInvalid, "指标“%s”不分解到各单位。", ind.Name)
	}
	if !containsInt(p.Years, in.Year) {
		return Errorf(EInvalid, "年度 %d 不在方案年度内。", in.Year)
	}
	if u, ok := p.Unit(in.UnitCode); !ok || len(u.Children) > 0 {
		return Errorf(EInvalid, "单位代码 %q 不是本方案的填报单位。", in.UnitCode)
	}
	if in.Clear {
		return nil
	}
	if in.Value < 0 || math.IsNaN(in.Value) || math.IsInf(in.Value, 0) {
		return Errorf(EInvalid, "分解值不能为负数。")
	}
	if max, capped := ind.MaxValue(); capped && in.Value > max {
		return Errorf(EInvalid, "指标“%s”是占比，不能超过 %v%%。", ind.Name, max)
	}
	if ind.Integer && in.Value != math.Trunc(in.Value) {
		return Errorf(EInvalid, "指标“%s”应为整数。", ind.Name)
	}
	return nil
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
