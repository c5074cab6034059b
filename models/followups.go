package models

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Follow-up states: opened by the office, answered by the unit, closed (销号) by the office.
const (
	FollowUpOpen     = "open"
	FollowUpAnswered = "answered"
	FollowUpClosed   = "closed"
)

// FollowUp is a supervision item (督办) the office opens on a unit's lagging indicator.
type FollowUp struct {
	ID         uint   `gorm:"primaryKey"`
	UnitCode   string `gorm:"size:32;not null;index"`
	Indicator  string `gorm:"size:64;not null"`
	Title      string `gorm:"not null"`          // what is to be done
	Assignee   string `gorm:"size:100;not null"` // who is responsible
	DueDate    string `gorm:"size:10;not null"`  // YYYY-MM-DD
	Status     string `gorm:"size:20;not null;index"`
	OpenedBy   string `gorm:"size:64"`
	OpenedAt   time.Time
	Answer     string
	AnsweredBy string `gorm:"size:64"`
	AnsweredAt *time.Time
	CloseNote  string
	ClosedBy   string `gorm:"size:64"`
	ClosedAt   *time.Time
}

// FollowUpOverdue reports whether a follow-up is still open (or answered but not closed) after its due day.
func FollowUpOverdue(f FollowUp, now time.Time) bool {
	if f.Status == FollowUpClosed {
		return false
	}
	due, err := ParseDate(f.DueDate)
	if err != nil {
		return false
	}
	return !now.Before(DayEnd(due))
}

// FollowUpStatusLabel names a follow-up state in Chinese.
func FollowUpStatusLabel(status string) string {
	switch status {
	case FollowUpOpen:
		return "待答复"
	case FollowUpAnswered:
		return "已答复"
	case FollowUpClosed:
		return "已销号"
	}
	return status
}

// NewFollowUp is what the office fills in to open a follow-up.
type NewFollowUp struct {
	UnitCode, Indicator, Title, Assignee, DueDate string
}

// ValidateFollowUp checks a new follow-up against the plan.
func ValidateFollowUp(p *Plan, nf NewFollowUp, now time.Time) error {
	if u, ok := p.Unit(nf.UnitCode); !ok || len(u.Children) > 0 {
		return Errorf(EInvalid, "请选择督办的填报单位。")
	}
	if _, ok := p.Indicator(nf.Indicator); !ok {
		return Errorf(EInvalid, "请选择督办的指标。")
	}
	if strings.TrimSpace(nf.Title) == "" || strings.TrimSpace(nf.Assignee) == "" {
		return Errorf(EInvalid, "请填写督办事项和责任人。")
	}
	if err := CheckLength("督办事项", strings.TrimSpace(nf.Title), MaxFollowUpTitle); err != nil {
		return err
	}
	if err := CheckLength("责任人", strings.TrimSpace(nf.Assignee), MaxAssignee); err != nil {
		return err
	}
	due, err := ParseDate(nf.DueDate)
	if err != nil {
		return err
	}
	if DayEnd(due).Before(now) {
		return Errorf(EInvalid, "办结期限不能早于今天。")
	}
	return nil
}

// OpenFollowUp stores a new follow-up with its audit entry.
func (s *Store) OpenFollowUp(p *Plan, nf NewFollowUp, by Actor, now time.Time) (FollowUp, error) {
	if err := ValidateFollowUp(p, nf, now); err != nil {
		return FollowUp{}, err
	}
	f := FollowUp{UnitCode: nf.UnitCode, Indicator: nf.Indicator, Title: strings.TrimSpace(nf.Title), Assignee: strings.TrimSpace(nf.Assignee),
		DueDate: strings.TrimSpace(nf.DueDate), Status: FollowUpOpen, OpenedBy: by.Username, OpenedAt: now}
	var ch Change
	err := s.write(func(tx *gorm.DB) error {
		if err := tx.Create(&f).Error; err != nil {
			return fmt.Errorf("models: open follow-up: %w", err)
		}
		var err error
		if ch, err = changed(tx, Change{Kind: ChangePages, Unit: f.UnitCode}); err != nil {
			return err
		}
		return auditTx(tx, AuditEntry{At: now, Actor: by.Username, IP: by.IP, Action: AuditFollowUpOpen,
			Subject: fmt.Sprintf("督办#%d %s %s", f.ID, f.UnitCode, f.Indicator), After: AuditJSON(map[string]string{"title": f.Title, "assignee": f.Assignee, "due": f.DueDate})})
	})
	if err == nil {
		s.afterCommit(ch)
	}
	return f, err
}

// FollowUpByID returns a follow-up, or ErrNotFound.
func (s *Store) FollowUpByID(id uint) (FollowUp, error) {
	var f FollowUp
	err := s.DB.Take(&f, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return FollowUp{}, ErrNotFound
	}
	if err != nil {
		return FollowUp{}, fmt.Errorf("models: follow-up %d: %w", id, err)
	}
	return f, nil
}

// FollowUps lists follow-ups, optionally of one unit, open ones first then newest first.
func (s *Store) FollowUps(unit string) ([]FollowUp, error) {
	q := s.DB.Order("CASE status WHEN 'closed' THEN 1 ELSE 0 END, due_date, id DESC")
	if unit != "" {
		q = q.Where("unit_code = ?", unit)
	}
	var out []FollowUp
	if err := q.Find(&out).Error; err != nil {
		return nil, fmt.Errorf("models: list follow-ups: %w", err)
	}
	return out, nil
}

// AnswerFollowUp records the unit's answer; a closed follow-up cannot be answered.
func (s *Store) AnswerFollowUp(id uint, answer string, by Actor, now time.Time) (FollowUp, error) {
	answer = strings.TrimSpace(answer)
	if answer == "" {
		return FollowUp{}, Errorf(EInvalid, "请填写答复内容。")
	}
	if err := CheckLength("答复", answer, MaxFollowUpAnswer); err != nil {
		return FollowUp{}, err
	}
	return s.changeFollowUp(id, by, now, AuditFollowUpAnswer, func(f *FollowUp) error {
		if f.Status == FollowUpClosed {
			return Errorf(EConflict, "该督办事项已销号，不能再答复。")
		}
		f.Status, f.Answer, f.AnsweredBy, f.AnsweredAt = FollowUpAnswered, answer, by.Username, &now
		return nil
	})
}

// CloseFollowUp closes (销号) a follow-up.
func (s *Store) CloseFollowUp(id uint, note string, by Actor, now time.Time) (FollowUp, error) {
	if err := CheckLength("销号说明", strings.TrimSpace(note), MaxCloseNote); err != nil {
		return FollowUp{}, err
	}
	return s.changeFollowUp(id, by, now, AuditFollowUpClose, func(f *FollowUp) error {
		if f.Status == FollowUpClosed {
			return Errorf(EConflict, "该督办事项已销号。")
		}
		f.Status, f.CloseNote, f.ClosedBy, f.ClosedAt = FollowUpClosed, strings.TrimSpace(note), by.Username, &now
		return nil
	})
}

func (s *Store) changeFollowUp(id uint, by Actor, now time.Time, action string, change func(*FollowUp) error) (FollowUp, error) {
	var out FollowUp
	var ch Change
	err := s.write(func(tx *gorm.DB) error {
		var f FollowUp
		if err := tx.Take(&f, id).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrNotFound
			}
			return fmt.Errorf("models: follow-up %d: %w", id, err)
		}
		before := map[string]string{"status": f.Status, "answer": f.Answer}
		if err := change(&f); err != nil {
			return err
		}
		if err := tx.Save(&f).Error; err != nil {
			return fmt.Errorf("models: save follow-up: %w", err)
		}
		out = f
		var err error
		if ch, err = changed(tx, Change{Kind: ChangePages, Unit: f.UnitCode}); err != nil {
			return err
		}
		return auditTx(tx, AuditEntry{At: now, Actor: by.Username, IP: by.IP, Action: action,
			Subject: fmt.Sprintf("督办#%d %s %s", f.ID, f.UnitCode, f.Indicator), Before: AuditJSON(before),
			After: AuditJSON(map[string]string{"status": f.Status, "answer": f.Answer, "close_note": f.CloseNote})})
	})
	if err == nil {
		s.afterCommit(ch)
	}
	return out, err
}
