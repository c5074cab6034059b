package store

import (
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"ruralkpi/models"
)

// VersionByID returns a version without its figures, or ErrNotFound.
func (s *Store) VersionByID(id uint) (models.ReturnVersion, error) {
	return takeByID[models.ReturnVersion](s.db, id, "version")
}

// ReviewVersion records the office's decision on the newest version of a return, with its audit
// entry, in one transaction. It returns the version after the decision.
func (s *Store) ReviewVersion(id uint, decision, note string, by models.Actor, now time.Time) (models.ReturnVersion, error) {
	var out models.ReturnVersion
	var ch models.Change
	err := s.write(func(tx *gorm.DB) error {
		v, err := takeByID[models.ReturnVersion](tx, id, "version")
		if err != nil {
			return err
		}
		var newest int
		if err := tx.Model(&models.ReturnVersion{}).Where("return_id = ?", v.ReturnID).Select("MAX(number)").Scan(&newest).Error; err != nil {
			return fmt.Errorf("store: newest version: %w", err)
		}
		if v.Number != newest {
			return models.Errorf(models.EConflict, "该月报已有更新的版本（第%d版），请审核最新版本。", newest)
		}
		before := models.ReviewFields{Status: v.Status, ReviewedBy: v.ReviewedBy, ReviewNote: v.ReviewNote}
		after, err := decideTx(tx, &models.ReturnVersion{}, v.ID, before, decision, note, by, now)
		if err != nil {
			return err
		}
		v.Status, v.ReviewedBy, v.ReviewedAt, v.ReviewNote = after.Status, after.ReviewedBy, &now, after.ReviewNote
		action := models.AuditApprove
		if after.Status == models.StatusReturned {
			action = models.AuditReturn
		}
		out = v
		// Approval shows on pages (a figure's source is marked approved or not).
		if ch, err = changed(tx, models.Change{Kind: models.ChangeReturn, Unit: v.UnitCode, Periods: []string{v.Period}}); err != nil {
			return err
		}
		return auditTx(tx, models.AuditEntry{At: now, Actor: by.Username, IP: by.IP, Action: action,
			Subject: fmt.Sprintf("%s %s 第%d版", v.UnitCode, v.Period, v.Number), Before: models.AuditJSON(before.Audit()), After: models.AuditJSON(after.Audit())})
	})
	if err == nil {
		s.afterCommit(ch)
	}
	return out, err
}

// decideTx applies the office's decision (ReviewOutcome) to the row id of model — a return version
// or a ledger snapshot — and returns its review columns after the decision.
func decideTx(tx *gorm.DB, model any, id uint, cur models.ReviewFields, decision, note string, by models.Actor, now time.Time) (models.ReviewFields, error) {
	status, err := models.ReviewOutcome(cur.Status, decision, note)
	if err != nil {
		return cur, err
	}
	next := models.ReviewFields{Status: status, ReviewedBy: by.Username, ReviewNote: strings.TrimSpace(note)}
	if err := tx.Model(model).Where("id = ?", id).Updates(map[string]any{
		"status": next.Status, "reviewed_by": next.ReviewedBy, "reviewed_at": now, "review_note": next.ReviewNote,
	}).Error; err != nil {
		return cur, fmt.Errorf("store: review %d: %w", id, err)
	}
	return next, nil
}

// Versions lists versions newest first, without their figures.
func (s *Store) Versions(f models.VersionFilter) ([]models.ReturnVersion, error) {
	q := s.db.Order("uploaded_at DESC, id DESC")
	if f.UnitCode != "" {
		q = q.Where("unit_code = ?", f.UnitCode)
	}
	if f.Period != "" {
		q = q.Where("period = ?", f.Period)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	var out []models.ReturnVersion
	if err := q.Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: list versions: %w", err)
	}
	return out, nil
}
