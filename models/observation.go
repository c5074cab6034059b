package models

// Observation is one unit's to-date figure of one indicator for one month, taken from the newest
// version of that unit's return. It is what the progress rules read; it carries the version so that
// every figure on a page can be traced back to the upload it came from.
type Observation struct {
	Unit      string
	Period    Period
	Indicator string
	Value     float64
	VersionID uint
	Version   int
	Approved  bool
	// SnapshotID is the ledger snapshot the figure was counted from (VersionID is then 0 and Version
	// the snapshot's number); 0 for a return's figure.
	SnapshotID uint
}

// MilestoneObservation is one unit's reported state of a milestone for one month.
type MilestoneObservation struct {
	Unit      string
	Period    Period
	Indicator string
	State     string
	DoneOn    string
	VersionID uint
	Approved  bool
	// Ticked says the office recorded the state for the unit (in its own return): it is not the
	// unit's return, so it does not count as the unit having filed for the month.
	Ticked bool
}

// MilestoneKey names a milestone row of a return: the indicator's code, or for an office tick of a
// unit's task "code@unit".
func MilestoneKey(indicator, unit string) string {
	if unit == "" {
		return indicator
	}
	return indicator + "@" + unit
}

// Dataset is everything the progress rules need besides the plan: figures, milestone states,
// allocations, reference figures and tolerances. It is plain values, built by the store.
type Dataset struct {
	Observations []Observation
	Milestones   []MilestoneObservation
	// Allocations maps indicator → year → unit code → the unit's share of the city target.
	Allocations map[string]map[int]map[string]float64
	// Targets maps indicator → year → city-wide target (the plan's, or the office's edit of it).
	Targets map[string]map[int]float64
	// AdminVillages maps unit code → number of administrative villages (the coverage denominator).
	AdminVillages map[string]int
	// Tolerances maps indicator → share of 序时进度 (0–1) at which amber turns red; missing means default.
	Tolerances map[string]float64
}

// AddAllocation records a unit's share of an indicator's city target for a year in Allocations,
// making the maps it needs.
func (ds *Dataset) AddAllocation(a Allocation) {
	if ds.Allocations == nil {
		ds.Allocations = map[string]map[int]map[string]float64{}
	}
	if ds.Allocations[a.Indicator] == nil {
		ds.Allocations[a.Indicator] = map[int]map[string]float64{}
	}
	if ds.Allocations[a.Indicator][a.Year] == nil {
		ds.Allocations[a.Indicator][a.Year] = map[string]float64{}
	}
	ds.Allocations[a.Indicator][a.Year][a.UnitCode] = a.Value
}
