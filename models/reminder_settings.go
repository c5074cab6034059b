package models

import (
	"crypto/sha256"
	"encoding/hex"
	"net/mail"
	"net/url"
	"strings"
	"time"
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

// Redacted hides stored secrets in the audit trail: it says whether one is set, never what it is.
func (rs ReminderSettings) Redacted() ReminderSettings {
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
	ID          uint   `gorm:"primaryKey"`
	Key         string `gorm:"size:200;not null;uniqueIndex"`
	Kind        string `gorm:"size:40;not null"`
	Audience    string `gorm:"size:32;not null"`
	Unit        string `gorm:"size:32"`
	Period      string `gorm:"size:7"`
	Channel     string `gorm:"size:40;not null"`
	ChannelKind string `gorm:"size:20;not null"`
	Title       string `gorm:"not null"`
	Body        string
	// Link is the message's link, kept so that a retry sends the message first tried.
	Link          string
	Status        string `gorm:"size:20;not null;index"`
	Attempts      int
	LastError     string
	NextAttemptAt time.Time `gorm:"index"`
	CreatedAt     time.Time
	SentAt        *time.Time
}

// DeliveryKey is the unique key of a reminder sent to a channel.
func DeliveryKey(r Reminder, c ReminderChannel) string { return r.Key + "|" + c.ID() }

// DeliveryStatus is where a message to a channel stands (values DeliverySending … DeliveryGaveUp).
// The entity keeps it as a plain string column; DeliveryStatus(d.Status).Label() names it.
type DeliveryStatus string

// DeliveryStatuses lists every delivery state.
func DeliveryStatuses() []DeliveryStatus {
	return []DeliveryStatus{DeliverySending, DeliverySent, DeliveryFailed, DeliveryGaveUp}
}

// Label names a delivery state in Chinese.
func (status DeliveryStatus) Label() string {
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
	return string(status)
}
