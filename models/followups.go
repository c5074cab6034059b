package models

import (
	"strings"
	"time"
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

// FollowUpStatus is where a follow-up stands (values FollowUpOpen, FollowUpAnswered, FollowUpClosed).
// The entity keeps it as a plain string column; FollowUpStatus(f.Status).Label() names it.
type FollowUpStatus string

// FollowUpStatuses lists every follow-up state, in the order of its life.
func FollowUpStatuses() []FollowUpStatus {
	return []FollowUpStatus{FollowUpOpen, FollowUpAnswered, FollowUpClosed}
}

// Label names a follow-up state in Chinese, the one wording pages and the briefing use.
func (status FollowUpStatus) Label() string {
	switch status {
	case FollowUpOpen:
		return "待答复"
	case FollowUpAnswered:
		return "已答复"
	case FollowUpClosed:
		return "已销号"
	}
	return string(status)
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
