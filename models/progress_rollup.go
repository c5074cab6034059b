package models

import "sync"

// This file keeps, for every unit above the reporting units, its summed figures of each indicator for
// every month of the plan, so that a trend chart of a nation over 2,850 counties reads 36 numbers
// rather than adding up 100,000. The sums are made exactly as actual makes them (the same units in
// the same order, from 0), so the numbers are identical to the bit; they are computed once per
// calculator, on first use, and a calculator following a write (WithUnitMonths) recomputes only the
// written unit's ancestors.

// rollCell is a unit's summed figure of one indicator in one month: what actual returns untraced.
type rollCell struct {
	value    float64
	units    int32
	reported int32
}

// rollEntry is one unit's series of sums of one indicator, over the plan's months, made on first use.
type rollEntry struct {
	once  sync.Once
	cells []rollCell
}

// sumsLeaves says whether actual adds up the reporting units' figures of indicator i for unit u.
func (c *ProgressCalculator) sumsLeaves(i, u int) bool {
	ind := c.indicators[i]
	return !c.units[u].leaf && ind.Reporter != ReporterDerived && ind.RollUp != RollUpRatio && ind.RollUp != RollUpOffice
}

// indexRollUps starts an empty (lazy) series of sums for every unit and indicator actual adds up,
// over the plan's months. A plan without readable months keeps none: actual adds up as before.
func (c *ProgressCalculator) indexRollUps() {
	a, errA := ParsePeriod(c.plan.StartPeriod)
	b, errB := ParsePeriod(c.plan.EndPeriod)
	if errA != nil || errB != nil || b.Before(a) {
		return
	}
	c.rollFirst, c.rollMonths = int32(a.Index()), b.Index()-a.Index()+1
	n := len(c.indicators)
	c.roll = make([]*rollEntry, len(c.units)*n)
	for u := range c.units {
		for i := range n {
			if c.sumsLeaves(i, u) {
				c.roll[u*n+i] = &rollEntry{}
			}
		}
	}
}

// renewRollUps gives the ancestors of unit u fresh (lazy) series of sums; the others are shared.
func (c *ProgressCalculator) renewRollUps(u int) {
	if c.roll == nil {
		return
	}
	n := len(c.indicators)
	c.roll = append([]*rollEntry(nil), c.roll...)
	for a := c.units[u].parent; a >= 0; a = c.units[a].parent {
		for i := range n {
			if c.roll[a*n+i] != nil {
				c.roll[a*n+i] = &rollEntry{}
			}
		}
	}
}

// rolledUp is actual(i, u, period, false) from the series of sums, when the month is in the plan.
func (c *ProgressCalculator) rolledUp(i, u int, period Period) (figure, bool) {
	if c.roll == nil {
		return figure{}, false
	}
	m := period.Index() - int(c.rollFirst)
	e := c.roll[u*len(c.indicators)+i]
	if e == nil || m < 0 || m >= c.rollMonths {
		return figure{}, false
	}
	e.once.Do(func() { e.cells = c.sumLeaves(i, u) })
	cell := e.cells[m]
	return figure{value: cell.value, ok: cell.reported > 0, units: int(cell.units), reported: int(cell.reported)}, true
}

// sumLeaves adds up the reporting units' figures of indicator i below unit u for every month of the
// plan, unit by unit in actual's order, walking each unit's series once.
func (c *ProgressCalculator) sumLeaves(i, u int) []rollCell {
	cells := make([]rollCell, c.rollMonths)
	annual := c.indicators[i].Kind == KindAnnual
	n := len(c.indicators)
	for _, l := range c.units[u].leaves {
		s := c.series[l*n+i]
		start := int32(c.units[l].start.Index())
		k := -1 // the last point at or before the month
		for m := range cells {
			at := c.rollFirst + int32(m)
			if at < start {
				continue
			}
			cells[m].units++
			for k+1 < len(s) && s[k+1].at <= at {
				k++
			}
			if k < 0 || annual && s[k].at/12 != at/12 {
				continue
			}
			cells[m].value += s[k].value
			cells[m].reported++
		}
	}
	return cells
}

// indexReference indexes the reference figures the rules read for every unit: the allocations by
// indicator, unit and year (three string lookups each otherwise), and the administrative villages
// of the reporting units below each unit (the denominator of a coverage rate), summed as ratio did.
func (c *ProgressCalculator) indexReference() {
	c.allocs, c.allocHas, c.allocFirst, c.allocYears = nil, nil, 0, 0
	first, last := 0, -1
	for code, byYear := range c.ds.Allocations {
		if _, ok := c.indIndex[code]; !ok {
			continue
		}
		for y := range byYear {
			if last < first {
				first, last = y, y
			}
			first, last = min(first, y), max(last, y)
		}
	}
	if last >= first {
		c.allocFirst, c.allocYears = first, last-first+1
		n := len(c.indicators) * len(c.units) * c.allocYears
		c.allocs, c.allocHas = make([]float64, n), make([]bool, n)
		for code, byYear := range c.ds.Allocations {
			i, ok := c.indIndex[code]
			if !ok {
				continue
			}
			for y, byUnit := range byYear {
				for unit, v := range byUnit {
					if u, ok := c.unitIndex[unit]; ok {
						k := (i*len(c.units)+u)*c.allocYears + y - first
						c.allocs[k], c.allocHas[k] = v, true
					}
				}
			}
		}
	}
	c.indexVillages()
	c.indexSums()
}

// allocation is ds.Allocations[indicator i][year][unit u].
func (c *ProgressCalculator) allocation(i, u, year int) (float64, bool) {
	y := year - c.allocFirst
	if y < 0 || y >= c.allocYears {
		return 0, false
	}
	k := (i*len(c.units)+u)*c.allocYears + y
	return c.allocs[k], c.allocHas[k]
}

// allocationOf is allocation for an indicator named by its code.
func (c *ProgressCalculator) allocationOf(code string, u, year int) (float64, bool) {
	if i, ok := c.indIndex[code]; ok {
		return c.allocation(i, u, year)
	}
	v, ok := c.ds.Allocations[code][year][c.units[u].code]
	return v, ok
}

// indexVillages sums the administrative villages of the reporting units below each unit (the
// denominator of a coverage rate), as ratio does.
func (c *ProgressCalculator) indexVillages() {
	c.villages = make([]float64, len(c.units))
	for u := range c.units {
		var den float64
		for _, l := range c.units[u].leaves {
			den += float64(c.ds.AdminVillages[c.units[l].code])
		}
		c.villages[u] = den
	}
}

// sumsRoundedPaths says whether a unit above others may expect the sum of its units' rounded paths
// of the indicator (childrenExpected): a whole-number count added up from its units.
func sumsRoundedPaths(ind Indicator) bool {
	return ind.Integer && ind.RollUp == RollUpSum && ind.Kind != KindRate
}

// expEntry keeps one unit's childrenExpected of one indicator per month of the plan, filled as the
// months are asked for. It reads only reference figures (allocations, targets, start months), so a
// write of figures (WithUnitMonths) shares it and a change of reference (indexReference) renews it.
type expEntry struct {
	months   int
	mu       sync.Mutex
	state    []uint8 // 0: not yet computed; 1: the units' sum; 2: the unit's own path
	baseline []float64
	expected []float64
}

// get returns month m's kept answer, found false when it is not kept yet.
func (e *expEntry) get(m int) (baseline, expected float64, summed, found bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.state == nil || e.state[m] == 0 {
		return 0, 0, false, false
	}
	return e.baseline[m], e.expected[m], e.state[m] == 1, true
}

// put keeps month m's answer out of months (allocated on first use).
func (e *expEntry) put(m int, baseline, expected float64, summed bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.state == nil {
		e.state, e.baseline, e.expected = make([]uint8, e.months), make([]float64, e.months), make([]float64, e.months)
	}
	e.state[m], e.baseline[m], e.expected[m] = 2, baseline, expected
	if summed {
		e.state[m] = 1
	}
}

// indexSums gives every unit above others a fresh (empty) expEntry for each indicator it may sum
// rounded paths of; called with the reference figures indexed.
func (c *ProgressCalculator) indexSums() {
	c.sums = nil
	if c.rollMonths <= 0 {
		return
	}
	n := len(c.indicators)
	for i, ind := range c.indicators {
		if !sumsRoundedPaths(ind) {
			continue
		}
		for u := range c.units {
			if c.units[u].leaf {
				continue
			}
			if c.sums == nil {
				c.sums = make([]*expEntry, len(c.units)*n)
			}
			c.sums[u*n+i] = &expEntry{months: c.rollMonths}
		}
	}
}

// sumMemo is the kept entry of unit u and indicator i and the month's place in it; nil when the
// month is outside the plan or nothing is kept.
func (c *ProgressCalculator) sumMemo(i, u int, period Period) (*expEntry, int) {
	if c.sums == nil {
		return nil, 0
	}
	m := period.Index() - int(c.rollFirst)
	if m < 0 || m >= c.rollMonths {
		return nil, 0
	}
	return c.sums[u*len(c.indicators)+i], m
}
