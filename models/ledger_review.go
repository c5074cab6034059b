package models

import (
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Audit actions of the ledger's review and of the server's lock override.
const (
	AuditLedgerApprove = "ledger.approve"
	AuditLedgerReturn  = "ledger.return"
	// AuditLockOverride records an import that a locked month would have refused, let in by the
	// server's CLI (--ignore-lock) to load past months.
	AuditLockOverride = "period.lock_override"
)

// LedgerSnapshotByID returns a snapshot, or ErrNotFound.
func (s *Store) LedgerSnapshotByID(id uint) (LedgerSnapshot, error) {
	var snap LedgerSnapshot
	err := s.DB.Take(&snap, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return LedgerSnapshot{}, ErrNotFound
	}
	if err != nil {
		return LedgerSnapshot{}, fmt.Errorf("models: ledger snapshot %d: %w", id, err)
	}
	return snap, nil
}

// ReviewLedgerSnapshot records the office's decision on the newest snapshot of a unit's ledger for a
// month, by the same rule as a return version (ReviewOutcome), with its audit entry, in one
// transaction. It returns the snapshot after the decision.
func (s *Store) ReviewLedgerSnapshot(id uint, decision, note string, by Actor, now time.Time) (LedgerSnapshot, error) {
	var out LedgerSnapshot
	var ch Change
	err := s.write(func(tx *gorm.DB) error {
		var snap LedgerSnapshot
		if err := tx.Take(&snap, id).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrNotFound
			}
			return fmt.Errorf("models: ledger snapshot %d: %w", id, err)
		}
		var newest int
		if err := tx.Model(&LedgerSnapshot{}).Where("unit_code = ? AND period = ?", snap.UnitCode, snap.Period).
			Select("MAX(number)").Scan(&newest).Error; err != nil {
			return fmt.Errorf("models: newest ledger snapshot: %w", err)
		}
		if snap.Number != newest {
			return Errorf(EConflict, "该台账已有更新的版本（第%d版），请审核最新版本。", newest)
		}
		before := reviewFields{snap.Status, snap.ReviewedBy, snap.ReviewNote}
		after, err := decideTx(tx, &LedgerSnapshot{}, snap.ID, before, decision, note, by, now)
		if err != nil {
			return err
		}
		snap.Status, snap.ReviewedBy, snap.ReviewedAt, snap.ReviewNote = after.Status, after.ReviewedBy, &now, after.ReviewNote
		action := AuditLedgerApprove
		if after.Status == StatusReturned {
			action = AuditLedgerReturn
		}
		out = snap
		if err := auditTx(tx, AuditEntry{At: now, Actor: by.Username, IP: by.IP, Action: action,
			Subject: fmt.Sprintf("%s %s 台账第%d版", snap.UnitCode, snap.Period, snap.Number), Before: AuditJSON(before.audit()), After: AuditJSON(after.audit())}); err != nil {
			return err
		}
		// The snapshot's review shows wherever its figures count (approved flags).
		ch, err = changed(tx, Change{Kind: ChangeLedger, Unit: snap.UnitCode, Periods: []string{snap.Period}})
		return err
	})
	if err == nil {
		s.afterCommit(ch)
	}
	return out, err
}

// LedgerReviewList is what the review page shows of ledgers: every newest snapshot still waiting
// for review, and the newest snapshots (of the unit, when one is given) with their decisions.
type LedgerReviewList struct {
	Pending []LedgerSnapshot
	Recent  []LedgerSnapshot
	// Newest says, by snapshot ID, which snapshots are the newest of their unit and month.
	Newest map[uint]bool
}

// newestLedgerSnapshotsSQL selects the ID of the newest snapshot of every unit and month.
const newestLedgerSnapshotsSQL = `SELECT s.id FROM ledger_snapshots s
	WHERE s.number = (SELECT MAX(t.number) FROM ledger_snapshots t WHERE t.unit_code = s.unit_code AND t.period = s.period)`

// LedgerReviews lists snapshots for the review page: pending ones (newest of their month, not yet
// reviewed; only for the office, unit == "") and up to limit recent ones.
func (s *Store) LedgerReviews(unit string, limit int) (LedgerReviewList, error) {
	out := LedgerReviewList{Newest: map[uint]bool{}}
	var ids []uint
	if err := s.DB.Raw(newestLedgerSnapshotsSQL).Scan(&ids).Error; err != nil {
		return out, fmt.Errorf("models: newest ledger snapshots: %w", err)
	}
	for _, id := range ids {
		out.Newest[id] = true
	}
	q := s.DB.Order("uploaded_at DESC, id DESC").Limit(limit)
	if unit != "" {
		q = q.Where("unit_code = ?", unit)
	}
	if err := q.Find(&out.Recent).Error; err != nil {
		return out, fmt.Errorf("models: list ledger snapshots: %w", err)
	}
	if unit != "" {
		return out, nil
	}
	if err := s.DB.Where("status = ? AND id IN ("+newestLedgerSnapshotsSQL+")", StatusSubmitted).
		Order("uploaded_at, id").Find(&out.Pending).Error; err != nil {
		return out, fmt.Errorf("models: pending ledger snapshots: %w", err)
	}
	return out, nil
}

// StatusLabel names the snapshot's review state in Chinese, as for a version.
func (s LedgerSnapshot) StatusLabel() string { return StatusLabel(s.Status) }
