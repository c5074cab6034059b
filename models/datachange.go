package models

import (
	"strings"
	"time"
)

// ChangeKind says which progress data a committed write changed, so that the read model reloads
// only that.
type ChangeKind string

// The kinds of change to progress data.
const (
	// ChangeReturn: a unit's return for some months (a new version, or a review of the newest).
	ChangeReturn ChangeKind = "return"
	// ChangeLedger: a unit's ledger snapshot for a month (its counted figures replace reported ones).
	ChangeLedger ChangeKind = "ledger"
	// ChangeLedgerSource: the office's choice between ledger and return, which every month with a
	// ledger follows.
	ChangeLedgerSource ChangeKind = "ledger_source"
	// ChangeTargets: city-wide targets.
	ChangeTargets ChangeKind = "targets"
	// ChangeAllocations: allocations of Indicator in Year (both empty: any).
	ChangeAllocations ChangeKind = "allocations"
	// ChangeTolerance: an indicator's tolerance.
	ChangeTolerance ChangeKind = "tolerance"
	// ChangeVillages: a unit's number of administrative villages (the coverage denominator).
	ChangeVillages ChangeKind = "villages"
	// ChangePages: something cached pages show beside the progress data (a month's deadline, a
	// follow-up, shown on the briefing): nothing to reload, but the data version goes up.
	ChangePages ChangeKind = "pages"
	// ChangeAccess: a session ended, an API token was revoked or a user was created or changed.
	// Progress data and the data version stay as they are; each server forgets who it remembered
	// was signed in (and every user's name), so a revocation on one server holds on all of them.
	ChangeAccess ChangeKind = "access"
)

// Change is one committed change to the data pages are computed from. ID is its row in the
// Change log, written in the same transaction as the change.
type Change struct {
	ID        uint64
	Kind      ChangeKind
	Unit      string
	Periods   []string
	Indicator string
	Year      int
}

// DataChange is the persistent change log: one row per write that changes progress data, in the
// write's own transaction. A server applies its own writes at once (afterCommit); a change made by
// another process (a CLI import, or another server on the same PostgreSQL) is found by
// reading the rows after the last one seen (ReadModel.Watch).
type DataChange struct {
	ID        uint64 `gorm:"primaryKey"`
	Kind      string `gorm:"size:20;not null"`
	UnitCode  string `gorm:"size:32"`
	Periods   string `gorm:"size:1000"` // YYYY-MM, comma-separated
	Indicator string `gorm:"size:64"`
	Year      int
	At        time.Time `gorm:"not null"`
}

// Change turns a log row back into a change.
func (d DataChange) Change() Change {
	ch := Change{ID: d.ID, Kind: ChangeKind(d.Kind), Unit: d.UnitCode, Indicator: d.Indicator, Year: d.Year}
	if d.Periods != "" {
		ch.Periods = strings.Split(d.Periods, ",")
	}
	return ch
}

// ChangeReader is a server reading the change log: the newest row it has applied and when it last
// said so.
type ChangeReader struct {
	ID     string    `gorm:"primaryKey;size:32"`
	Cursor uint64    `gorm:"not null"`
	SeenAt time.Time `gorm:"not null"`
}
