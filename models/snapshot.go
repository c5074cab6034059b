package models

import ()

// ProgressSnapshot is one consistent state of the progress data; it never changes.
type ProgressSnapshot struct {
	// Version is the data version: every applied change gives a higher one, so anything cached
	// under a version is current as long as the version is.
	Version uint64
	// Calc answers every progress question over all figures up to the plan's last month.
	Calc *ProgressCalculator
	// LatestIndex is the newest month (Period.Index) with a return from a unit below the root.
	LatestIndex int
	// Submissions is, per unit and month, the first upload and the newest version (what
	// Store.Submissions returns); shared, never changed.
	Submissions map[string]map[string]Submission
	// scopes keeps reporting units' progress once asked for (ScopeProgress).
	scopes scopeMemo
}

// LatestReturn is the newest month a unit below the root has a return for.
func (p *ProgressSnapshot) LatestReturn() (Period, bool) {
	if p.LatestIndex < 0 {
		return Period{}, false
	}
	return Period{Year: p.LatestIndex / 12, Month: p.LatestIndex%12 + 1}, true
}
