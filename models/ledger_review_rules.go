package models

// Audit actions of the ledger's review and of the server's lock override.
const (
	AuditLedgerApprove = "ledger.approve"
	AuditLedgerReturn  = "ledger.return"
	// AuditLockOverride records an import that a locked month would have refused, let in by the
	// server's CLI (--ignore-lock) to load past months.
	AuditLockOverride = "period.lock_override"
)

// LedgerReviewList is what the review page shows of ledgers: every newest snapshot still waiting
// for review, and the newest snapshots (of the unit, when one is given) with their decisions.
type LedgerReviewList struct {
	Pending []LedgerSnapshot
	Recent  []LedgerSnapshot
	// Newest says, by snapshot ID, which snapshots are the newest of their unit and month.
	Newest map[uint]bool
}

// ReviewLabel names the snapshot's review state in Chinese, as for a version (ReviewStatus.Label).
func (s LedgerSnapshot) ReviewLabel() string { return ReviewStatus(s.Status).Label() }
