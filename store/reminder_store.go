package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"ruralkpi/models"
)

// settingReminders is the setting that holds the reminder settings as JSON.
const settingReminders = "reminders"

// ReminderSettings returns the office's reminder settings (all rules off when never set).
func (s *Store) ReminderSettings() (models.ReminderSettings, error) {
	var st models.Setting
	err := s.db.Where("key = ?", settingReminders).Take(&st).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return models.ReminderSettings{SMTP: models.SMTPSettings{Port: 25}}, nil
	}
	if err != nil {
		return models.ReminderSettings{}, fmt.Errorf("store: read reminder settings: %w", err)
	}
	var rs models.ReminderSettings
	if err := json.Unmarshal([]byte(st.Value), &rs); err != nil {
		return models.ReminderSettings{}, fmt.Errorf("store: reminder settings: %w", err)
	}
	return rs, nil
}

// SaveReminderSettings validates and stores the reminder settings with their audit entry, in one
// transaction. Secrets must already be encrypted or "env:" references.
func (s *Store) SaveReminderSettings(p *models.Plan, rs models.ReminderSettings, by models.Actor, now time.Time) error {
	if err := rs.Validate(p); err != nil {
		return err
	}
	before, err := s.ReminderSettings()
	if err != nil {
		return err
	}
	b, err := json.Marshal(rs)
	if err != nil {
		return fmt.Errorf("store: reminder settings: %w", err)
	}
	return s.write(func(tx *gorm.DB) error {
		if err := tx.Save(&models.Setting{Key: settingReminders, Value: string(b)}).Error; err != nil {
			return fmt.Errorf("store: save reminder settings: %w", err)
		}
		return auditTx(tx, models.AuditEntry{At: now, Actor: by.Username, IP: by.IP, Action: models.AuditReminders, Subject: settingReminders,
			Before: models.AuditJSON(before.Redacted()), After: models.AuditJSON(rs.Redacted())})
	})
}

// ClaimDelivery inserts the delivery row in state "sending". It returns false, without error, when
// another server or an earlier run already inserted it: then this caller must not send.
func (s *Store) ClaimDelivery(d *models.ReminderDelivery, now time.Time) (bool, error) {
	d.Status, d.Attempts, d.CreatedAt, d.NextAttemptAt = models.DeliverySending, 1, now, now
	// Bookkeeping of the schedule, not anybody's change: no audit entry, but the one writer's turn.
	var claimed bool
	err := s.write(func(tx *gorm.DB) error {
		res := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "key"}}, DoNothing: true}).Create(d)
		claimed = res.RowsAffected == 1
		return res.Error
	})
	if err != nil {
		return false, fmt.Errorf("store: claim delivery: %w", err)
	}
	return claimed, nil
}

// DeliveriesToRetry lists failed deliveries whose next attempt is due.
func (s *Store) DeliveriesToRetry(now time.Time) ([]models.ReminderDelivery, error) {
	var out []models.ReminderDelivery
	if err := s.db.Where("status = ? AND next_attempt_at <= ?", models.DeliveryFailed, now).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: deliveries to retry: %w", err)
	}
	return out, nil
}

// ClaimRetry takes a failed delivery for another attempt; false when another server took it first.
func (s *Store) ClaimRetry(d *models.ReminderDelivery) (bool, error) {
	var claimed bool
	err := s.write(func(tx *gorm.DB) error {
		res := tx.Model(&models.ReminderDelivery{}).Where("id = ? AND status = ? AND attempts = ?", d.ID, models.DeliveryFailed, d.Attempts).
			Updates(map[string]any{"status": models.DeliverySending, "attempts": d.Attempts + 1})
		claimed = res.RowsAffected == 1
		return res.Error
	})
	if err != nil {
		return false, fmt.Errorf("store: claim retry: %w", err)
	}
	if claimed {
		d.Status, d.Attempts = models.DeliverySending, d.Attempts+1
	}
	return claimed, nil
}

// FinishDelivery records the outcome of an attempt: sent, or failed with the error and the time of
// the next attempt (given up after MaxDeliveryAttempts).
func (s *Store) FinishDelivery(d *models.ReminderDelivery, sendErr error, now time.Time) error {
	up := map[string]any{}
	if sendErr == nil {
		d.Status, d.SentAt = models.DeliverySent, &now
		up["status"], up["sent_at"], up["last_error"] = models.DeliverySent, now, ""
	} else {
		d.Status, d.LastError = models.DeliveryFailed, sendErr.Error()
		if d.Attempts >= models.MaxDeliveryAttempts {
			d.Status = models.DeliveryGaveUp
		}
		d.NextAttemptAt = now.Add(models.DeliveryBackoff(d.Attempts))
		up["status"], up["last_error"], up["next_attempt_at"] = d.Status, d.LastError, d.NextAttemptAt
	}
	if err := s.write(func(tx *gorm.DB) error {
		return tx.Model(&models.ReminderDelivery{}).Where("id = ?", d.ID).Updates(up).Error
	}); err != nil {
		return fmt.Errorf("store: finish delivery: %w", err)
	}
	return nil
}

// DeliveryClaimed reports whether a delivery key has been claimed (sent, failed or being sent).
func (s *Store) DeliveryClaimed(key string) (bool, error) {
	var n int64
	if err := s.db.Model(&models.ReminderDelivery{}).Where("key = ?", key).Count(&n).Error; err != nil {
		return false, fmt.Errorf("store: read delivery: %w", err)
	}
	return n > 0, nil
}

// Deliveries lists the newest deliveries first, at most limit.
func (s *Store) Deliveries(limit int) ([]models.ReminderDelivery, error) {
	var out []models.ReminderDelivery
	if err := s.db.Order("id DESC").Limit(limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: list deliveries: %w", err)
	}
	return out, nil
}

// ReminderInput gathers what the reminder rules look at, except NewRed (the caller computes progress).
func (s *Store) ReminderInput(p *models.Plan, rules models.ReminderRules, now time.Time) (models.ReminderInput, error) {
	in := models.ReminderInput{Now: now, Rules: rules, Filed: map[string]map[string]bool{}}
	for _, u := range p.ReportingUnits() {
		start, err := models.ParsePeriod(p.UnitStart(u.Code))
		if err != nil {
			return in, err
		}
		in.Units = append(in.Units, models.ReminderUnit{Code: u.Code, Name: u.Name, Start: start})
	}
	// A month's deadline falls in the next month, so the month now is never due yet.
	in.Months = models.ReportingMonths(models.MustPeriod(p.StartPeriod), models.MustPeriod(p.EndPeriod), now)
	var err error
	if in.Deadlines, err = s.Deadlines(); err != nil {
		return in, err
	}
	subs, err := s.Submissions()
	if err != nil {
		return in, err
	}
	for unit, months := range subs {
		in.Filed[unit] = map[string]bool{}
		for m, sub := range months {
			in.Filed[unit][m] = true
			if sub.LatestStatus == models.StatusReturned {
				v, err := s.VersionByID(sub.LatestID)
				if err != nil {
					return in, err
				}
				if v.ReviewedAt != nil {
					in.Returned = append(in.Returned, models.ReturnedVersion{ID: v.ID, Unit: unit, Period: m, Note: v.ReviewNote, ReviewedAt: *v.ReviewedAt, Latest: true})
				}
			}
		}
	}
	if in.FollowUps, err = s.FollowUps(""); err != nil {
		return in, err
	}
	return in, nil
}
