package store

import (
	"fmt"
	"time"

	"gorm.io/gorm"

	"ruralkpi/models"
)

// LedgerSnapshotByID returns a snapshot, or ErrNotFound.
func (s *Store) LedgerSnapshotByID(id uint) (models.LedgerSnapshot, error) {
	return takeByID[models.LedgerSnapshot](s.db, id, "ledger snapshot")
}

// ReviewLedgerSnapshot records the office's decision on the newest snapshot of a unit's ledger for a
// month, by the same rule as a return version (ReviewOutcome), with its audit entry, in one
// transaction. It returns the snapshot after the decision.
func (s *Store) ReviewLedgerSnapshot(id uint, decision, note string, by models.Actor, now time.Time) (models.LedgerSnapshot, error) {
	var out models.LedgerSnapshot
	var ch models.Change
	err := s.write(func(tx *gorm.DB) error {
		snap, err := takeByID[models.LedgerSnapshot](tx, id, "ledger snapshot")
		if err != nil {
			return err
		}
		var newest int
		if err := tx.Model(&models.LedgerSnapshot{}).Where("unit_code = ? AND period = ?", snap.UnitCode, snap.Period).
			Select("MAX(number)").Scan(&newest).Error; err != nil {
			return fmt.Errorf("store: newest ledger snapshot: %w", err)
		}
		if snap.Number != newest {
			return models.Errorf(models.EConflict, "该台账已有更新的版本（第%d版），请审核最新版本。", newest)
		}
		before := models.ReviewFields{Status: snap.Status, ReviewedBy: snap.ReviewedBy, ReviewNote: snap.ReviewNote}
		after, err := decideTx(tx, &models.LedgerSnapshot{}, snap.ID, before, decision, note, by, now)
		if err != nil {
			return err
		}
		snap.Status, snap.ReviewedBy, snap.ReviewedAt, snap.ReviewNote = after.Status, after.ReviewedBy, &now, after.ReviewNote
		action := models.AuditLedgerApprove
		if after.Status == models.StatusReturned {
			action = models.AuditLedgerReturn
		}
		out = snap
		if err := auditTx(tx, models.AuditEntry{At: now, Actor: by.Username, IP: by.IP, Action: action,
			Subject: fmt.Sprintf("%s %s 台账第%d版", snap.UnitCode, snap.Period, snap.Number), Before: models.AuditJSON(before.Audit()), After: models.AuditJSON(after.Audit())}); err != nil {
			return err
		}
		// The snapshot's review shows wherever its figures count (approved flags).
		ch, err = changed(tx, models.Change{Kind: models.ChangeLedger, Unit: snap.UnitCode, Periods: []string{snap.Period}})
		return err
	})
	if err == nil {
		s.afterCommit(ch)
	}
	return out, err
}

// newestLedgerSnapshotsSQL selects the ID of the newest snapshot of every unit and month.
const newestLedgerSnapshotsSQL = `SELECT s.id FROM ledger_snapshots s
	WHERE s.number = (SELECT MAX(t.number) FROM ledger_snapshots t WHERE t.unit_code = s.unit_code AND t.period = s.period)`

// LedgerReviews lists snapshots for the review page: pending ones (newest of their month, not yet
// reviewed; only for the office, unit == "") and up to limit recent ones.
func (s *Store) LedgerReviews(unit string, limit int) (models.LedgerReviewList, error) {
	out := models.LedgerReviewList{Newest: map[uint]bool{}}
	var ids []uint
	if err := s.db.Raw(newestLedgerSnapshotsSQL).Scan(&ids).Error; err != nil {
		return out, fmt.Errorf("store: newest ledger snapshots: %w", err)
	}
	for _, id := range ids {
		out.Newest[id] = true
	}
	q := s.db.Order("uploaded_at DESC, id DESC").Limit(limit)
	if unit != "" {
		q = q.Where("unit_code = ?", unit)
	}
	if err := q.Find(&out.Recent).Error; err != nil {
		return out, fmt.Errorf("store: list ledger snapshots: %w", err)
	}
	if unit != "" {
		return out, nil
	}
	if err := s.db.Where("status = ? AND id IN ("+newestLedgerSnapshotsSQL+")", models.StatusSubmitted).
		Order("uploaded_at, id").Find(&out.Pending).Error; err != nil {
		return out, fmt.Errorf("store: pending ledger snapshots: %w", err)
	}
	return out, nil
}
