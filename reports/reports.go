// Package reports writes the office's monthly outputs from progress values: the consolidated
// workbook (汇总表), the leaders' briefing (月度通报) and CSV downloads of the dashboard tables. The
// builders are pure: they take an Input of plain values and return values or write to an io.Writer;
// Load and LoadBriefing are the places that read them from the store.
package reports

import (
	"time"

	"ruralkpi/models"
)

// Input is everything a report is built from, as plain values, so that any source (the store, a
// test, a benchmark) can feed it.
type Input struct {
	Plan   *models.Plan
	Period models.Period
	// Now is when the report is made: it decides whether a return not yet in is late or not yet due.
	Now time.Time
	// Current is the progress of every indicator for the root, each unit directly below it and each
	// reporting unit in Period; Previous is the same for the month before (empty before the plan).
	// With Scopes set they hold the root and the units directly below it only.
	Current  []models.Progress
	Previous []models.Progress
	// Scopes, when set, gives a reporting unit's progress in a month, every indicator in plan order,
	// in place: the read model's kept values (models.ProgressSnapshot.ScopeProgress), shared, never
	// changed, and never copied into Current and Previous (BriefingInput).
	Scopes func(unit string, period models.Period) []models.Progress
	// Returns is one row per reporting unit: how its return for Period stands.
	Returns []ReturnRow
	// FollowUps are the open supervision items (督办).
	FollowUps []FollowUpRow
}

// FollowUpRow is an open supervision item (督办) as the briefing lists it.
type FollowUpRow struct {
	Unit      string // unit code
	Indicator string // indicator code
	Title     string
	Assignee  string
	DueDate   string // YYYY-MM-DD
	Status    string // open, answered
	Overdue   bool
}

// key addresses one progress value.
type key struct{ indicator, scope string }

// index maps (indicator, scope) to its progress value.
func index(prs []models.Progress) progressIndex {
	out := make(progressIndex, len(prs))
	for i := range prs {
		out[key{prs[i].Indicator, prs[i].Scope}] = &prs[i]
	}
	return out
}

// progressIndex finds progress values by indicator and scope. It points into the values (at national
// scale 85,000 of them, which copied into a map cost more than computing them).
type progressIndex map[key]*models.Progress

// get returns the value of an indicator for a scope.
func (ix progressIndex) get(k key) (models.Progress, bool) {
	if pr, ok := ix[k]; ok {
		return *pr, true
	}
	return models.Progress{}, false
}

// NewInput computes the progress values a report needs from a calculator: the month's and the
// previous month's, for the root, the units directly below it and every reporting unit.
func NewInput(calc *models.ProgressCalculator, period models.Period, now time.Time) Input {
	return newInput(calc, calc.ForScope, period, now)
}

// SnapshotInput is NewInput over a read model's snapshot: the reporting units' progress comes from
// what the snapshot keeps (ProgressSnapshot.ScopeProgress), the same values computed once per data
// version instead of on every report.
func SnapshotInput(snap *models.ProgressSnapshot, period models.Period, now time.Time) Input {
	return newInput(snap.Calc, snap.ScopeProgress, period, now)
}

// BriefingInput is the input of what prints only the root's and its units' figures and lists the
// values newly red (the briefing): the root's and the units' below it without their sources
// (ProgressCalculator.AllFigures, the same figures), and the reporting units' read in place from the
// snapshot (Scopes) — of the month before, only those of units with a value red this month. At
// national scale SnapshotInput copies 171,000 values and traces the nation's to every county's
// return; the briefing prints none of that.
func BriefingInput(snap *models.ProgressSnapshot, period models.Period, now time.Time) Input {
	p := snap.Calc.Plan()
	in := Input{Plan: p, Period: period, Now: now, Current: snap.Calc.AllFigures(period), Scopes: snap.ScopeProgress}
	if prev := period.AddMonths(-1); p.StartPeriod <= prev.String() {
		in.Previous = snap.Calc.AllFigures(prev)
	}
	return in
}

func newInput(calc *models.ProgressCalculator, scope func(string, models.Period) []models.Progress, period models.Period, now time.Time) Input {
	p := calc.Plan()
	in := Input{Plan: p, Period: period, Now: now, Current: progressFor(calc, scope, period)}
	if prev := period.AddMonths(-1); p.StartPeriod <= prev.String() {
		in.Previous = progressFor(calc, scope, prev)
	}
	return in
}

func progressFor(calc *models.ProgressCalculator, scope func(string, models.Period) []models.Progress, period models.Period) []models.Progress {
	p := calc.Plan()
	top := calc.All(period) // the root and the units directly below it
	var below [][]models.Unit
	n := len(top)
	for _, u := range p.Root.Children {
		leaves := p.Leaves(u.Code)
		below = append(below, leaves)
		n += len(leaves) * len(p.Indicators)
	}
	// Sized once: at national scale this is 85,000 values, and growing it copied them over and over.
	out := make([]models.Progress, 0, n)
	out = append(out, top...)
	for k, u := range p.Root.Children {
		for _, l := range below[k] {
			if l.Code != u.Code {
				out = append(out, scope(l.Code, period)...)
			}
		}
	}
	return out
}

// scopeUnits are the units a report gives a section of its own: those directly below the root
// (the counties of a city, the provinces of a country).
func scopeUnits(p *models.Plan) []models.Unit { return p.Root.Children }

// statusWord is the word for a progress value: the status's one word (models.ProgressStatus.Label),
// or for a grey value why it is grey, so that page, workbook, CSV and briefing say the same.
func statusWord(pr models.Progress) string { return pr.StatusWord() }
