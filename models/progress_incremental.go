package models

import "sort"

// This file lets a long-lived calculator (the store's read model) follow writes without re-indexing
// every figure: a new calculator shares every series with the old one except those a write touched.
// Calculators are never changed once built, so readers holding the old one are undisturbed.

// NewProgressIndex is NewProgressCalculator for a calculator kept for a long time: once indexed, the
// dataset's figure slices are let go (at national scale they are twice the size of the index).
func NewProgressIndex(p *Plan, ds Dataset, opts ProgressOptions) *ProgressCalculator {
	c := NewProgressCalculator(p, ds, opts)
	c.ds.Observations, c.ds.Milestones = nil, nil
	return c
}

// UnitMonths are a unit's figures for some months: what a write to that unit's return or ledger
// changed. Observations and Milestones are the figures of exactly those months after the write.
type UnitMonths struct {
	Unit         string
	Months       []Period
	Observations []Observation
	Milestones   []MilestoneObservation
}

// WithUnitMonths returns a calculator whose figures for the unit's months are ch's, and otherwise
// c's. It gives the same answers as NewProgressCalculator over the dataset with those months
// replaced; c is left as it was. An unknown unit leaves nothing to change.
func (c *ProgressCalculator) WithUnitMonths(ch UnitMonths) *ProgressCalculator {
	u, ok := c.unitIndex[ch.Unit]
	if !ok || len(ch.Months) == 0 {
		return c
	}
	months := make(map[int32]bool, len(ch.Months))
	for _, m := range ch.Months {
		months[int32(m.Index())] = true
	}
	n := len(c.indicators)
	d := *c
	d.series = append([][]obsPoint(nil), c.series...)
	d.milestones = append([][]msPoint(nil), c.milestones...)
	d.returned = append([]map[int32]bool(nil), c.returned...)

	returned := map[int32]bool{}
	for at, ok := range c.returned[u] {
		if ok && !months[at] {
			returned[at] = true
		}
	}
	obs := make([][]obsPoint, n)
	for _, o := range ch.Observations {
		i, ok := c.indIndex[o.Indicator]
		at := int32(o.Period.Index())
		if !ok || o.Unit != ch.Unit || !months[at] {
			continue
		}
		obs[i] = append(obs[i], obsPoint{at: at, version: int32(o.Version), versionID: o.VersionID, value: o.Value, approved: o.Approved, snapshotID: uint32(o.SnapshotID)})
		returned[at] = true
	}
	// The office's return carries its ticks of the units' own tasks (milestones the office reports
	// for each unit): those units' series of such indicators follow the office's return.
	var ticks map[int][][]msPoint // unit → indicator → points
	if ch.Unit == c.plan.Root.Code {
		ticks = map[int][][]msPoint{}
		for i, ind := range c.indicators {
			if !officeTicked(ind) {
				continue
			}
			for u2 := range c.units {
				if u2 != u {
					if ticks[u2] == nil {
						ticks[u2] = make([][]msPoint, n)
					}
					ticks[u2][i] = []msPoint{}
				}
			}
		}
	}
	ms := make([][]msPoint, n)
	for _, o := range ch.Milestones {
		if o.Ticked {
			i, okI := c.indIndex[o.Indicator]
			u2, okU := c.unitIndex[o.Unit]
			at := int32(o.Period.Index())
			if okI && okU && months[at] && ticks[u2] != nil && ticks[u2][i] != nil {
				ticks[u2][i] = append(ticks[u2][i], msPoint{at: at, versionID: o.VersionID, state: o.State, approved: o.Approved})
			}
			continue
		}
		i, ok := c.indIndex[o.Indicator]
		at := int32(o.Period.Index())
		if !ok || o.Unit != ch.Unit || !months[at] {
			continue
		}
		ms[i] = append(ms[i], msPoint{at: at, versionID: o.VersionID, state: o.State, approved: o.Approved})
		returned[at] = true
	}
	for i := range n {
		k := u*n + i
		d.series[k] = spliceSeries(c.series[k], obs[i], months, func(p obsPoint) int32 { return p.at })
		if ticks == nil && officeTicked(c.indicators[i]) {
			// A unit's series of a task the office ticks comes from the office's return, which this
			// unit's return does not touch.
			continue
		}
		d.milestones[k] = spliceSeries(c.milestones[k], ms[i], months, func(p msPoint) int32 { return p.at })
	}
	for u2, byInd := range ticks {
		for i, pts := range byInd {
			if pts == nil {
				continue
			}
			k := u2*n + i
			d.milestones[k] = spliceSeries(c.milestones[k], pts, months, func(p msPoint) int32 { return p.at })
		}
	}
	if len(returned) == 0 {
		returned = nil
	}
	d.returned[u] = returned
	d.latest = latestReturned(&d, c.latest, months)
	return &d
}

// spliceSeries keeps old's points outside the months, adds the new ones and sorts by month (stable,
// as NewProgressCalculator does). It shares old when nothing changes.
func spliceSeries[T any](old, added []T, months map[int32]bool, at func(T) int32) []T {
	touched := len(added) > 0
	for _, p := range old {
		if months[at(p)] {
			touched = true
			break
		}
	}
	if !touched {
		return old
	}
	out := make([]T, 0, len(old)+len(added))
	for _, p := range old {
		if !months[at(p)] {
			out = append(out, p)
		}
	}
	out = append(out, added...)
	sort.SliceStable(out, func(a, b int) bool { return at(out[a]) < at(out[b]) })
	if len(out) == 0 {
		return nil
	}
	return out
}

// latestReturned is the newest month any unit below the root has figures for, after a change of
// the given months: only when the old newest month was among them must every unit be looked at.
func latestReturned(c *ProgressCalculator, old int32, months map[int32]bool) int32 {
	latest := old
	if months[old] {
		latest = -1
		for u := 1; u < len(c.returned); u++ {
			for at, ok := range c.returned[u] {
				if ok && at > latest {
					latest = at
				}
			}
		}
		return latest
	}
	for u := 1; u < len(c.returned); u++ {
		for at := range months {
			if c.returned[u][at] && at > latest {
				latest = at
			}
		}
	}
	return latest
}

// WithReference returns a calculator with ds's targets, allocations, village counts and tolerances
// and c's figures (ds's figure slices are not read).
func (c *ProgressCalculator) WithReference(ds Dataset) *ProgressCalculator {
	d := *c
	d.ds = Dataset{Allocations: ds.Allocations, Targets: ds.Targets, AdminVillages: ds.AdminVillages, Tolerances: ds.Tolerances}
	return &d
}

// Reference returns the calculator's targets, allocations, village counts and tolerances (not its
// figures). The maps are shared: callers copy before changing them.
func (c *ProgressCalculator) Reference() Dataset {
	return Dataset{Allocations: c.ds.Allocations, Targets: c.ds.Targets, AdminVillages: c.ds.AdminVillages, Tolerances: c.ds.Tolerances}
}

// ProgressBuilder indexes figures one at a time as they are read from the database, so that a
// calculator over every figure is built without first holding them all as Observations (at national
// scale that slice alone is twice the size of the index).
type ProgressBuilder struct {
	c *ProgressCalculator
	// months is the capacity a unit's series starts with: one figure a month of the plan.
	months int
}

// NewProgressBuilder starts an empty calculator with ds's reference figures (not its figure slices).
func NewProgressBuilder(p *Plan, ds Dataset, opts ProgressOptions) *ProgressBuilder {
	ds.Observations, ds.Milestones = nil, nil
	months := 12
	if a, err := ParsePeriod(p.StartPeriod); err == nil {
		if b, err := ParsePeriod(p.EndPeriod); err == nil && b.Index() >= a.Index() {
			months = b.Index() - a.Index() + 1
		}
	}
	return &ProgressBuilder{c: NewProgressCalculator(p, ds, opts), months: months}
}

func (b *ProgressBuilder) mark(u int, at int32) {
	c := b.c
	if c.returned[u] == nil {
		c.returned[u] = map[int32]bool{}
	}
	c.returned[u][at] = true
	if u != 0 && at > c.latest {
		c.latest = at
	}
}

// Add indexes one figure; figures of units or indicators the plan does not know are ignored.
func (b *ProgressBuilder) Add(o Observation) {
	u, okU := b.c.unitIndex[o.Unit]
	i, okI := b.c.indIndex[o.Indicator]
	if !okU || !okI {
		return
	}
	k := u*len(b.c.indicators) + i
	at := int32(o.Period.Index())
	if b.c.series[k] == nil {
		b.c.series[k] = make([]obsPoint, 0, b.months)
	}
	b.c.series[k] = append(b.c.series[k], obsPoint{at: at, version: int32(o.Version), versionID: o.VersionID, value: o.Value, approved: o.Approved, snapshotID: uint32(o.SnapshotID)})
	b.mark(u, at)
}

// AddMilestone indexes one milestone state.
func (b *ProgressBuilder) AddMilestone(o MilestoneObservation) {
	u, okU := b.c.unitIndex[o.Unit]
	i, okI := b.c.indIndex[o.Indicator]
	if !okU || !okI {
		return
	}
	k := u*len(b.c.indicators) + i
	at := int32(o.Period.Index())
	b.c.milestones[k] = append(b.c.milestones[k], msPoint{at: at, versionID: o.VersionID, state: o.State, approved: o.Approved})
	if !o.Ticked { // the office's tick is not the unit's return
		b.mark(u, at)
	}
}

// Done sorts the series by month, as NewProgressCalculator does, and returns the calculator.
func (b *ProgressBuilder) Done() *ProgressCalculator {
	for _, s := range b.c.series {
		if !sort.SliceIsSorted(s, func(x, y int) bool { return s[x].at < s[y].at }) {
			sort.SliceStable(s, func(x, y int) bool { return s[x].at < s[y].at })
		}
	}
	for _, s := range b.c.milestones {
		if !sort.SliceIsSorted(s, func(x, y int) bool { return s[x].at < s[y].at }) {
			sort.SliceStable(s, func(x, y int) bool { return s[x].at < s[y].at })
		}
	}
	return b.c
}

// officeTicked says whether the office reports an indicator for each unit (a milestone it ticks per
// unit in its own return): the units' series of it follow the office's return.
func officeTicked(ind Indicator) bool {
	return ind.Kind == KindMilestone && ind.Reporter == ReporterOffice
}
