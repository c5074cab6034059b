package dashboards

import (
	"strings"

	"ruralkpi/models"
)

// MaskedSecret stands for a stored (encrypted) secret in the reminders form: posted back
// unchanged, it keeps it.
const MaskedSecret = "******"

// ReminderLogRow is a message sent or tried, on the reminders page's log.
type ReminderLogRow struct {
	At, Kind, Audience, Channel, Title, Status, Error string
	Attempts                                          int
	Failed                                            bool
}

// ReminderDueRow is a message due now, on the reminders page.
type ReminderDueRow struct {
	Kind, Audience, Channel, Title, Link string
	Claimed, NoChannel                   bool
}

// RemindersPage is the office's reminder rules and channels, what is due now and the log (/reminders).
type RemindersPage struct {
	Settings     models.ReminderSettings
	ChannelsText string
	PasswordSet  bool
	// NoBaseURL warns that messages would carry links without the system's address.
	NoBaseURL bool
	HasKey    bool
	KeyEnv    string
	Channels  []string
	Due       []ReminderDueRow
	Log       []ReminderLogRow
}

// NewRemindersPage builds the reminders page from the stored settings, the messages due now, the
// newest deliveries and whether the server holds the key that encrypts secrets (read from keyEnv).
func NewRemindersPage(rs models.ReminderSettings, due []models.PlannedReminder, log []models.ReminderDelivery, hasKey bool, keyEnv string) RemindersPage {
	page := RemindersPage{Settings: rs, ChannelsText: ChannelsText(rs.Channels), PasswordSet: rs.SMTP.Password != "", NoBaseURL: len(rs.Channels) > 0 && rs.Rules.BaseURL == "",
		HasKey: hasKey, KeyEnv: keyEnv}
	for _, ch := range rs.Channels {
		page.Channels = append(page.Channels, ch.Audience+" "+ch.Kind+" "+ch.Target)
	}
	for _, d := range due {
		page.Due = append(page.Due, ReminderDueRow{Kind: models.ReminderKind(d.Reminder.Kind).Label(), Audience: d.Reminder.Audience,
			Channel: d.Channel.Kind, Title: d.Reminder.Title, Link: d.Reminder.Link, Claimed: d.Claimed, NoChannel: d.NoChannel})
	}
	for _, d := range log {
		page.Log = append(page.Log, ReminderLogRow{At: models.FormatLocalTime(d.CreatedAt), Kind: models.ReminderKind(d.Kind).Label(),
			Audience: d.Audience, Channel: d.ChannelKind, Title: d.Title, Status: models.DeliveryStatus(d.Status).Label(), Error: d.LastError,
			Attempts: d.Attempts, Failed: d.Status == models.DeliveryFailed || d.Status == models.DeliveryGaveUp})
	}
	return page
}

// ChannelsText writes channels one a line, "接收方 类型 地址 [密钥]", with stored secrets masked.
func ChannelsText(cs []models.ReminderChannel) string {
	var b strings.Builder
	for _, ch := range cs {
		b.WriteString(ch.Audience + " " + ch.Kind + " " + ch.Target)
		switch {
		case strings.HasPrefix(ch.Secret, "env:"):
			b.WriteString(" " + ch.Secret)
		case ch.Secret != "":
			b.WriteString(" " + MaskedSecret)
		}
		b.WriteString("\n")
	}
	return b.String()
}
