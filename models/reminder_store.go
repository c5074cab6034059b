package models

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Channel kinds: e-mail over SMTP, the group robots of 企业微信 and 钉钉, and plain JSON.
const (
	ChannelEmail    = "email"
	ChannelWeCom    = "wecom"
	ChannelDingTalk = "dingtalk"
	ChannelJSON     = "json"
)

// ReminderChannel is where an audience's reminders go.
type ReminderChannel struct {
	// Audience is AudienceOffice or a reporting unit's code.
	Audience string `json:"audience"`
	Kind     string `json:"kind"`
	// Target is a comma-separated list of e-mail addresses, or the webhook URL.
	Target string `json:"target"`
	// Secret is 钉钉's signing secret: "env:NAME" (read from the environment when sending) or a value
	// encrypted with the server's secret key ("enc:…"); "" for none.
	Secret string `json:"secret,omitempty"`
}

// ID names the channel stably (audience, kind and target), so that deliveries stay attached to it.
func (c ReminderChannel) ID() string {
	h := sha256.Sum256([]byte(c.Audience + "|" + c.Kind + "|" + c.Target))
	return c.Kind + "-" + hex.EncodeToString(h[:4])
}

// SMTPSettings are the office's mail relay settings.
type SMTPSettings struct {
	Host     string `json:"host"`
	Port     int    `json:"port"`
	From     string `json:"from"`
	Username string `json:"username"`
	// Password is "env:NAME" or a value encrypted with the server's secret key ("enc:…"); "" for none.
	Password string `json:"password,omitempty"`
	// StartTLS upgrades the connection before authenticating; off only for a plain intranet relay.
	StartTLS bool `json:"starttls"`
}

// ReminderSettings is everything the office sets on the reminders page.
type ReminderSettings struct {
	Rules    ReminderRules     `json:"rules"`
	SMTP     SMTPSettings      `json:"smtp"`
	Channels []ReminderChannel `json:"channels"`
}

const settingReminders = "reminders"

// AuditReminders is the audit action of a change to the reminder settings.
const AuditReminders = "reminders.update"

// AuditQualityDismiss is the audit action of dismissing a data-quality flag.
const AuditQualityDismiss = "quality.dismiss"

// Validate checks the settings and says what is wrong, in Chinese.
func (rs ReminderSettings) Validate(p *Plan) error {
	r := rs.Rules
	if r.BeforeDays < 0 || r.BeforeDays > 31 || r.FollowUpSoonDays < 0 || r.FollowUpSoonDays > 31 {
		return Errorf(EInvalid, "提前天数应在0到31之间（0表示不提醒）。")
	}
	if r.BaseURL != "" {
		if u, err := url.Parse(r.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return Errorf(EInvalid, "系统访问地址应以 http:// 或 https:// 开头，例如 http://10.1.2.3:3000。")
		}
	}
	if rs.SMTP.Host != "" && (rs.SMTP.Port <= 0 || rs.SMTP.Port > 65535) {
		return Errorf(EInvalid, "SMTP 端口应在1到65535之间。")
	}
	if rs.SMTP.From != "" {
		if _, err := mail.ParseAddress(rs.SMTP.From); err != nil {
			return Errorf(EInvalid, "发件人地址 %q 不正确。", rs.SMTP.From)
		}
	}
	for i, c := range rs.Channels {
		line := i + 1
		if c.Audience != AudienceOffice {
			if u, ok := p.Unit(c.Audience); !ok || len(u.Children) > 0 {
				return Errorf(EInvalid, "第%d个接收渠道：接收方 %q 应为 office 或填报单位代码。", line, c.Audience)
			}
		}
		switch c.Kind {
		case ChannelEmail:
			if rs.SMTP.Host == "" {
				return Errorf(EInvalid, "第%d个接收渠道是邮件，请先填写 SMTP 服务器。", line)
			}
			if _, err := mail.ParseAddressList(c.Target); err != nil {
				return Errorf(EInvalid, "第%d个接收渠道：邮件地址 %q 不正确。", line, c.Target)
			}
		case ChannelWeCom, ChannelDingTalk, ChannelJSON:
			if u, err := url.Parse(c.Target); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return Errorf(EInvalid, "第%d个接收渠道：机器人地址 %q 应以 http:// 或 https:// 开头。", line, c.Target)
			}
		default:
			return Errorf(EInvalid, "第%d个接收渠道：类型 %q 应为 email、wecom、dingtalk 或 json。", line, c.Kind)
		}
	}
	return nil
}

// ReminderSettings returns the office's reminder settings (all rules off when never set).
func (s *Store) ReminderSettings() (ReminderSettings, error) {
	var st Setting
	err := s.DB.Where("key = ?", settingReminders).Take(&st).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ReminderSettings{SMTP: SMTPSettings{Port: 25}}, nil
	}
	if err != nil {
		return ReminderSettings{}, fmt.Errorf("models: read reminder settings: %w", err)
	}
	var rs ReminderSettings
	if err := json.Unmarshal([]byte(st.Value), &rs); err != nil {
		return ReminderSettings{}, fmt.Errorf("models: reminder settings: %w", err)
	}
	return rs, nil
}

// redacted hides stored secrets in the audit trail: it says whether one is set, never what it is.
func (rs ReminderSettings) redacted() ReminderSettings {
	hide := func(v string) string {
		if strings.HasPrefix(v, "env:") || v == "" {
			return v
		}
		return "(encrypted)"
	}
	out := rs
	out.SMTP.Password = hide(rs.SMTP.Password)
	out.Channels = make([]ReminderChannel, len(rs.Channels))
	for i, c := range rs.Channels {
		c.Secret = hide(c.Secret)
		out.Channels[i] = c
	}
	return out
}

// SaveReminderSettings validates and stores the reminder settings with their audit entry, in one
// transaction. Secrets must already be encrypted or "env:" references.
func (s *Store) SaveReminderSettings(p *Plan, rs ReminderSettings, by Actor, now time.Time) error {
	if err := rs.Validate(p); err != nil {
		return err
	}
	before, err := s.ReminderSettings()
	if err != nil {
		return err
	}
	b, err := json.Marshal(rs)
	if err != nil {
		return fmt.Errorf("models: reminder settings: %w", err)
	}
	return s.write(func(tx *gorm.DB) error {
		if err := tx.Save(&Setting{Key: settingReminders, Value: string(b)}).Error; err != nil {
			return fmt.Errorf("models: save reminder settings: %w", err)
		}
		return auditTx(tx, AuditEntry{At: now, Actor: by.Username, IP: by.IP, Action: AuditReminders, Subject: settingReminders,
			Before: AuditJSON(before.redacted()), After: AuditJSON(rs.redacted())})
	})
}

// Delivery states.
const (
	DeliverySending = "sending"
	DeliverySent    = "sent"
	DeliveryFailed  = "failed"  // will be retried
	DeliveryGaveUp  = "gave_up" // failed MaxDeliveryAttempts times
)

// MaxDeliveryAttempts is how often a message is tried before it is given up.
const MaxDeliveryAttempts = 5

// DeliveryBackoff is how long to wait before the next attempt after the given number of failures:
// 1, 5, 30 minutes, then 2 hours.
func DeliveryBackoff(failures int) time.Duration {
	steps := []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour}
	if failures < 1 {
		failures = 1
	}
	if failures > len(steps) {
		failures = len(steps)
	}
	return steps[failures-1]
}

// ReminderDelivery is one message to one channel. Its Key (the reminder's key and the channel's ID)
// is unique: the row is inserted before sending, so whichever server inserts it first is the only one
// that sends it.
type ReminderDelivery struct {
	ID            uint   `gorm:"primaryKey"`
	Key           string `gorm:"size:200;not null;uniqueIndex"`
	Kind          string `gorm:"size:40;not null"`
	Audience      string `gorm:"size:32;not null"`
	Unit          string `gorm:"size:32"`
	Period        string `gorm:"size:7"`
	Channel       string `gorm:"size:40;not null"`
	ChannelKind   string `gorm:"size:20;not null"`
	Title         string `gorm:"not null"`
	Body          string
	Status        string `gorm:"size:20;not null;index"`
	Attempts      int
	LastError     string
	NextAttemptAt time.Time `gorm:"index"`
	CreatedAt     time.Time
	SentAt        *time.Time
}

// DeliveryKey is the unique key of a reminder sent to a channel.
func DeliveryKey(r Reminder, c ReminderChannel) string { return r.Key + "|" + c.ID() }

// ClaimDelivery inserts the delivery row in state "sending". It returns false, without error, when
// another server or an earlier run already inserted it: then this caller must not send.
func (s *Store) ClaimDelivery(d *ReminderDelivery, now time.Time) (bool, error) {
	d.Status, d.Attempts, d.CreatedAt, d.NextAttemptAt = DeliverySending, 1, now, now
	// Bookkeeping of the schedule, not anybody's change: no audit entry, but the one writer's turn.
	var claimed bool
	err := s.write(func(tx *gorm.DB) error {
		res := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "key"}}, DoNothing: true}).Create(d)
		claimed = res.RowsAffected == 1
		return res.Error
	})
	if err != nil {
		return false, fmt.Errorf("models: claim delivery: %w", err)
	}
	return claimed, nil
}

// DeliveriesToRetry lists failed deliveries whose next attempt is due.
func (s *Store) DeliveriesToRetry(now time.Time) ([]ReminderDelivery, error) {
	var out []ReminderDelivery
	if err := s.DB.Where("status = ? AND next_attempt_at <= ?", DeliveryFailed, now).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("models: deliveries to retry: %w", err)
	}
	return out, nil
}

// ClaimRetry takes a failed delivery for another attempt; false when another server took it first.
func (s *Store) ClaimRetry(d *ReminderDelivery) (bool, error) {
	var claimed bool
	err := s.write(func(tx *gorm.DB) error {
		res := tx.Model(&ReminderDelivery{}).Where("id = ? AND status = ? AND attempts = ?", d.ID, DeliveryFailed, d.Attempts).
			Updates(map[string]any{"status": DeliverySending, "attempts": d.Attempts + 1})
		claimed = res.RowsAffected == 1
		return res.Error
	})
	if err != nil {
		return false, fmt.Errorf("models: claim retry: %w", err)
	}
	if claimed {
		d.Status, d.Attempts = DeliverySending, d.Attempts+1
	}
	return claimed, nil
}

// FinishDelivery records the outcome of an attempt: sent, or failed with the error and the time of
// the next attempt (given up after MaxDeliveryAttempts).
func (s *Store) FinishDelivery(d *ReminderDelivery, sendErr error, now time.Time) error {
	up := map[string]any{}
	if sendErr == nil {
		d.Status, d.SentAt = DeliverySent, &now
		up["status"], up["sent_at"], up["last_error"] = DeliverySent, now, ""
	} else {
		d.Status, d.LastError = DeliveryFailed, sendErr.Error()
		if d.Attempts >= MaxDeliveryAttempts {
			d.Status = DeliveryGaveUp
		}
		d.NextAttemptAt = now.Add(DeliveryBackoff(d.Attempts))
		up["status"], up["last_error"], up["next_attempt_at"] = d.Status, d.LastError, d.NextAttemptAt
	}
	if err := s.write(func(tx *gorm.DB) error { return tx.Model(&ReminderDelivery{}).Where("id = ?", d.ID).Updates(up).Error }); err != nil {
		return fmt.Errorf("models: finish delivery: %w", err)
	}
	return nil
}

// DeliveryClaimed reports whether a delivery key has been claimed (sent, failed or being sent).
func (s *Store) DeliveryClaimed(key string) (bool, error) {
	var n int64
	if err := s.DB.Model(&ReminderDelivery{}).Where("key = ?", key).Count(&n).Error; err != nil {
		return false, fmt.Errorf("models: read delivery: %w", err)
	}
	return n > 0, nil
}

// Deliveries lists the newest deliveries first, at most limit.
func (s *Store) Deliveries(limit int) ([]ReminderDelivery, error) {
	var out []ReminderDelivery
	if err := s.DB.Order("id DESC").Limit(limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("models: list deliveries: %w", err)
	}
	return out, nil
}

// DeliveryStatusLabel names a delivery state in Chinese.
func DeliveryStatusLabel(status string) string {
	switch status {
	case DeliverySending:
		return "发送中"
	case DeliverySent:
		return "已发送"
	case DeliveryFailed:
		return "失败，将重试"
	case DeliveryGaveUp:
		return "失败，已放弃"
	}
	return status
}

// ReminderInput gathers what the reminder rules look at, except NewRed (the caller computes progress).
func (s *Store) ReminderInput(p *Plan, rules ReminderRules, now time.Time) (ReminderInput, error) {
	in := ReminderInput{Now: now, Rules: rules, Filed: map[string]map[string]bool{}}
	for _, u := range p.ReportingUnits() {
		start, err := ParsePeriod(p.UnitStart(u.Code))
		if err != nil {
			return in, err
		}
		in.Units = append(in.Units, ReminderUnit{Code: u.Code, Name: u.Name, Start: start})
	}
	// A month's deadline falls in the next month, so the month now is never due yet.
	in.Months = ReportingMonths(MustPeriod(p.StartPeriod), MustPeriod(p.EndPeriod), now)
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
			if sub.LatestStatus == StatusReturned {
				v, err := s.VersionByID(sub.LatestID)
				if err != nil {
					return in, err
				}
				if v.ReviewedAt != nil {
					in.Returned = append(in.Returned, ReturnedVersion{ID: v.ID, Unit: unit, Period: m, Note: v.ReviewNote, ReviewedAt: *v.ReviewedAt, Latest: true})
				}
			}
		}
	}
	if in.FollowUps, err = s.FollowUps(""); err != nil {
		return in, err
	}
	return in, nil
}
