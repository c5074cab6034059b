package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

// maskedSecret stands for a stored (encrypted) secret in a form: posted back unchanged, it keeps it.
const maskedSecret = "******"

type reminderLogRow struct {
	At, Kind, Audience, Channel, Title, Status, Error string
	Attempts                                          int
	Failed                                            bool
}

type reminderDueRow struct {
	Kind, Audience, Channel, Title, Link string
	Claimed, NoChannel                   bool
}

type remindersPageData struct {
	Settings     models.ReminderSettings
	ChannelsText string
	PasswordSet  bool
	// NoBaseURL warns that messages would carry links without the system's address.
	NoBaseURL bool
	HasKey    bool
	KeyEnv    string
	Channels  []string
	Due       []reminderDueRow
	Log       []reminderLogRow
}

// remindersPage shows the office's reminder rules and channels, what is due now and the log of
// sent and failed messages.
func (s *Server) remindersPage(c *fiber.Ctx) error {
	rs, err := s.Store.ReminderSettings()
	if err != nil {
		return err
	}
	due, err := s.Reminders.Due(s.Config.Now())
	if err != nil {
		return err
	}
	log, err := s.Store.Deliveries(200)
	if err != nil {
		return err
	}
	data := remindersPageData{Settings: rs, ChannelsText: channelsText(rs.Channels), PasswordSet: rs.SMTP.Password != "", NoBaseURL: len(rs.Channels) > 0 && rs.Rules.BaseURL == "",
		HasKey: s.Reminders.Secrets.HasKey(), KeyEnv: "RURALKPI_SECRET_KEY"}
	for _, ch := range rs.Channels {
		data.Channels = append(data.Channels, ch.Audience+" "+ch.Kind+" "+ch.Target)
	}
	for _, d := range due {
		data.Due = append(data.Due, reminderDueRow{Kind: models.ReminderKind(d.Reminder.Kind).Label(), Audience: d.Reminder.Audience,
			Channel: d.Channel.Kind, Title: d.Reminder.Title, Link: d.Reminder.Link, Claimed: d.Claimed, NoChannel: d.NoChannel})
	}
	for _, d := range log {
		data.Log = append(data.Log, reminderLogRow{At: d.CreatedAt.In(models.ReportingZone()).Format("2006-01-02 15:04"), Kind: models.ReminderKind(d.Kind).Label(),
			Audience: d.Audience, Channel: d.ChannelKind, Title: d.Title, Status: models.DeliveryStatus(d.Status).Label(), Error: d.LastError,
			Attempts: d.Attempts, Failed: d.Status == models.DeliveryFailed || d.Status == models.DeliveryGaveUp})
	}
	return s.render(c, "reminders.html", "reminders", "提醒设置", data)
}

// channelsText writes channels one a line, "接收方 类型 地址 [密钥]", with stored secrets masked.
func channelsText(cs []models.ReminderChannel) string {
	var b strings.Builder
	for _, ch := range cs {
		b.WriteString(ch.Audience + " " + ch.Kind + " " + ch.Target)
		switch {
		case strings.HasPrefix(ch.Secret, "env:"):
			b.WriteString(" " + ch.Secret)
		case ch.Secret != "":
			b.WriteString(" " + maskedSecret)
		}
		b.WriteString("\n")
	}
	return b.String()
}
