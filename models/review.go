package models

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Review decisions the office takes on a submitted version.
const (
	DecisionApprove = "approve"
	DecisionReturn  = "return"
)

// Actor is who does something and from where, for the audit trail.
type Actor struct {
	Username string
	IP       string
}

// ReviewOutcome applies a review decision to a version's status: only a submitted version can be
// reviewed, and returning one needs a reason the county will read.
func ReviewOutcome(status, decision, note string) (string, error) {
	if status != StatusSubmitted {
		return "", Errorf(EConflict, "该版本已审核（%s），只能审核待审核的版本。", StatusLabel(status))
	}
	switch decision {
	case DecisionApprove:
		return StatusApproved, nil
	case DecisionReturn:
		note = strings.TrimSpace(note)
		if note == "" {
			return "", Errorf(EInvalid, "退回必须填写退回原因，以便填报单位修改。")
		}
		if err := CheckLength("退回原因", note, MaxReviewNote); err != nil {
			return "", err
		}
		return StatusReturned, nil
	}
	return "", Errorf(EInvalid, "未知的审核操作 %q。", decision)
}

// StatusLabel names a version status in Chinese.
func StatusLabel(status string) string {
	switch status {
	case StatusSubmitted:
		return "待审核"
	case StatusApproved:
		return "已通过"
	case StatusReturned:
		return "已退回"
	}
	return status
}

// VersionByID returns a version without its figures, or ErrNotFound.
func (s *Store) VersionByID(id uint) (ReturnVersion, error) {
	var v ReturnVersion
	err := s.DB.Take(&v, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ReturnVersion{}, ErrNotFound
	}
	if err != nil {
		return ReturnVersion{}, fmt.Errorf("models: version %d: %w", id, err)
	}
	return v, nil
}

// ReviewVersion records the office's decision on the newest version of a return, with its audit
// entry, in one transaction. It returns the version after the decision.
func (s *Store) ReviewVersion(id uint, decision, note string, by Actor, now time.Time) (ReturnVersion, error) {
	var out ReturnVersion
	var ch Change
	err := s.write(func(tx *gorm.DB) error {
		var v ReturnVersion
		if err := tx.Take(&v, id).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrNotFound
			}
			return fmt.Errorf("models: version %d: %w", id, err)
		}
		var newest int
		if err := tx.Model(&ReturnVersion{}).Where("return_id = ?", v.ReturnID).Select("MAX(number)").Scan(&newest).Error; err != nil {
			return fmt.Errorf("models: newest version: %w", err)
		}
		if v.Number != newest {
			return Errorf(EConflict, "该月报已有更新的版本（第%d版），请审核最新版本。", newest)
		}
		before := reviewFields{v.Status, v.ReviewedBy, v.ReviewNote}
		after, err := decideTx(tx, &ReturnVersion{}, v.ID, before, decision, note, by, now)
		if err != nil {
			return err
		}
		v.Status, v.ReviewedBy, v.ReviewedAt, v.ReviewNote = after.Status, after.ReviewedBy, &now, after.ReviewNote
		action := AuditApprove
		if after.Status == StatusReturned {
			action = AuditReturn
		}
		out = v
		// Approval shows on pages (a figure's source is marked approved or not).
		if ch, err = changed(tx, Change{Kind: ChangeReturn, Unit: v.UnitCode, Periods: []string{v.Period}}); err != nil {
			return err
		}
		return auditTx(tx, AuditEntry{At: now, Actor: by.Username, IP: by.IP, Action: action,
			Subject: fmt.Sprintf("%s %s 第%d版", v.UnitCode, v.Period, v.Number), Before: AuditJSON(before.audit()), After: AuditJSON(after.audit())})
	})
	if err == nil {
		s.afterCommit(ch)
	}
	return out, err
}

// reviewFields are the review columns a return version and a ledger snapshot share.
type reviewFields struct {
	Status, ReviewedBy, ReviewNote string
}

// audit is what the audit trail shows of a review.
func (r reviewFields) audit() map[string]string {
	return map[string]string{"status": r.Status, "note": r.ReviewNote, "reviewed_by": r.ReviewedBy}
}

// decideTx applies the office's decision (ReviewOutcome) to the row id of model — a return version
// or a ledger snapshot — and returns its review columns after the decision.
func decideTx(tx *gorm.DB, model any, id uint, cur reviewFields, decision, note string, by Actor, now time.Time) (reviewFields, error) {
	status, err := ReviewOutcome(cur.Status, decision, note)
	if err != nil {
		return cur, err
	}
	next := reviewFields{Status: status, ReviewedBy: by.Username, ReviewNote: strings.TrimSpace(note)}
	if err := tx.Model(model).Where("id = ?", id).Updates(map[string]any{
		"status": next.Status, "reviewed_by": next.ReviewedBy, "reviewed_at": now, "review_note": next.ReviewNote,
	}).Error; err != nil {
		return cur, fmt.Errorf("models: review %d: %w", id, err)
	}
	return next, nil
}

// VersionFilter selects versions for the review pages.
type VersionFilter struct {
	UnitCode string
	Period   string
	Status   string
	Limit    int
}

// Versions lists versions newest first, without their figures.
func (s *Store) Versions(f VersionFilter) ([]ReturnVersion, error) {
	q := s.DB.Order("uploaded_at DESC, id DESC")
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
	var out []ReturnVersion
	if err := q.Find(&out).Error; err != nil {
		return nil, fmt.Errorf("models: list versions: %w", err)
	}
	return out, nil
}
