package models

import "strings"

// Problem is one thing wrong (or, as a warning, worth checking) in an uploaded return. Sheet and
// Cell are empty when the problem concerns the whole file; Indicator is the indicator code the
// problem is about, when there is one. The returns importer makes them; the pages show them.
type Problem struct {
	Sheet     string `json:"sheet"`
	Cell      string `json:"cell"`
	Indicator string `json:"indicator"`
	Message   string `json:"message"`
}

// String writes the problem the way the CLI prints it: 月报!H7 [service_points] message.
func (p Problem) String() string {
	var b strings.Builder
	if p.Sheet != "" {
		b.WriteString(p.Sheet)
		if p.Cell != "" {
			b.WriteString("!" + p.Cell)
		}
		b.WriteString(" ")
	}
	if p.Indicator != "" {
		b.WriteString("[" + p.Indicator + "] ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// LedgerProblem is one thing wrong with an uploaded ledger or village list, addressed to a sheet
// and cell (no indicator: the ledger API's errors have no such field).
type LedgerProblem struct {
	Sheet   string `json:"sheet"`
	Cell    string `json:"cell"`
	Message string `json:"message"`
}

// Kinds of change between two versions of a return.
const (
	ReturnChangeAdded   = "added"
	ReturnChangeRemoved = "removed"
	ReturnChangeChanged = "changed"
	ReturnChangeSame    = "same"
)

// ReturnChange is one line of the difference between two versions of a return.
type ReturnChange struct {
	Indicator string `json:"indicator"`
	Name      string `json:"name"`
	Old       string `json:"old"` // "" when the older version did not report it
	New       string `json:"new"` // "" when the newer version does not report it
	Kind      string `json:"kind"`
	// NoteChanged says that only (or also) the note differs.
	NoteChanged bool `json:"note_changed"`
}

// AllocationProblem is one thing wrong in an uploaded allocation workbook, addressed to a sheet and
// cell (both empty when the file as a whole is refused). The allocation importer makes them; the
// import page shows them.
type AllocationProblem struct {
	Sheet   string `json:"sheet"`
	Cell    string `json:"cell"`
	Message string `json:"message"`
}
