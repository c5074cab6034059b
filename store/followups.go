package store

import (
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"ruralkpi/models"
)

// OpenFollowUp stores a new follow-up with its audit entry.
func (s *Store) OpenFollowUp(p *models.Plan, nf models.NewFollowUp, by models.Actor, now time.Time) (models.FollowUp, error) {
	if err := models.ValidateFollowUp(p, nf, now); err != nil {
		return models.FollowUp{}, err
	}
	f := models.FollowUp{UnitCode: nf.UnitCode, Indicator: nf.Indicator, Title: strings.TrimSpace(nf.Title), Assignee: strings.TrimSpace(nf.Assignee),
		DueDate: strings.TrimSpace(nf.DueDate), Status: models.FollowUpOpen, OpenedBy: by.Username, OpenedAt: now}
	var ch models.Change
	err := s.write(func(tx *gorm.DB) error {
		if err := tx.Create(&f).Error; err != nil {
			return fmt.Errorf("store: open follow-up: %w", err)
		}
		var err error
		if ch, err = changed(tx, models.Change{Kind: models.ChangePages, Unit: f.UnitCode}); err != nil {
			return err
		}
		return auditTx(tx, models.AuditEntry{At: now, Actor: by.Username, IP: by.IP, Action: models.AuditFollowUpOpen,
			Subject: fmt.Sprintf("督办#%d %s %s", f.ID, f.UnitCode, f.Indicator), After: models.AuditJSON(map[string]string{"title": f.Title, "assignee": f.Assignee, "due": f.DueDate})})
	})
	if err == nil {
		s.afterCommit(ch)
	}
	return f, err
}

// FollowUpByID returns a follow-up, or ErrNotFound.
func (s *Store) FollowUpByID(id uint) (models.FollowUp, error) {
	return takeByID[models.FollowUp](s.db, id, "follow-up")
}

// FollowUps lists follow-ups, optionally of one unit, open ones first then newest first.
func (s *Store) FollowUps(unit string) ([]models.FollowUp, error) {
	q := s.db.Order("CASE status WHEN 'closed' THEN 1 ELSE 0 END, due_date, id DESC")
	if unit != "" {
		q = q.Where("unit_code = ?", unit)
	}
	var out []models.FollowUp
	if err := q.Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: list follow-ups: %w", err)
	}
	return out, nil
}

// AnswerFollowUp records the unit's answer; a closed follow-up cannot be answered.
func (s *Store) AnswerFollowUp(id uint, answer string, by models.Actor, now time.Time) (models.FollowUp, error) {
	answer = strings.TrimSpace(answer)
	if answer == "" {
		return models.FollowUp{}, models.Errorf(models.EInvalid, "请填写答复内容。")
	}
	if err := models.CheckLength("答复", answer, models.MaxFollowUpAnswer); err != nil {
		return models.FollowUp{}, err
	}
	return s.changeFollowUp(id, by, now, models.AuditFollowUpAnswer, func(f *models.FollowUp) error {
		if f.Status == models.FollowUpClosed {
			return models.Errorf(models.EConflict, "该督办事项已销号，不能再答复。")
		}
		f.Status, f.Answer, f.AnsweredBy, f.AnsweredAt = models.FollowUpAnswered, answer, by.Username, &now
		return nil
	})
}

// CloseFollowUp closes (销号) a follow-up.
func (s *Store) CloseFollowUp(id uint, note string, by models.Actor, now time.Time) (models.FollowUp, error) {
	if err := models.CheckLength("销号说明", strings.TrimSpace(note), models.MaxCloseNote); err != nil {
		return models.FollowUp{}, err
	}
	return s.changeFollowUp(id, by, now, models.AuditFollowUpClose, func(f *models.FollowUp) error {
		if f.Status == models.FollowUpClosed {
			return models.Errorf(models.EConflict, "该督办事项已销号。")
		}
		f.Status, f.CloseNote, f.ClosedBy, f.ClosedAt = models.FollowUpClosed, strings.TrimSpace(note), by.Username, &now
		return nil
	})
}

func (s *Store) changeFollowUp(id uint, by models.Actor, now time.Time, action string, change func(*models.FollowUp) error) (models.FollowUp, error) {
	var out models.FollowUp
	var ch models.Change
	err := s.write(func(tx *gorm.DB) error {
		f, err := takeByID[models.FollowUp](tx, id, "follow-up")
		if err != nil {
			return err
		}
		before := map[string]string{"status": f.Status, "answer": f.Answer}
		if err := change(&f); err != nil {
			return err
		}
		if err := tx.Save(&f).Error; err != nil {
			return fmt.Errorf("store: save follow-up: %w", err)
		}
		out = f
		if ch, err = changed(tx, models.Change{Kind: models.ChangePages, Unit: f.UnitCode}); err != nil {
			return err
		}
		return auditTx(tx, models.AuditEntry{At: now, Actor: by.Username, IP: by.IP, Action: action,
			Subject: fmt.Sprintf("督办#%d %s %s", f.ID, f.UnitCode, f.Indicator), Before: models.AuditJSON(before),
			After: models.AuditJSON(map[string]string{"status": f.Status, "answer": f.Answer, "close_note": f.CloseNote})})
	})
	if err == nil {
		s.afterCommit(ch)
	}
	return out, err
}
