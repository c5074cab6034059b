package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
)

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
	data := dashboards.NewRemindersPage(rs, due, log, s.Reminders.Secrets.HasKey(), "RURALKPI_SECRET_KEY")
	return s.render(c, "reminders.html", "reminders", "提醒设置", data)
}
