package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
	"ruralkpi/models"
)

// parseAuditFilter reads the audit filter from the query string.
func parseAuditFilter(c *fiber.Ctx) (dashboards.AuditQuery, models.AuditFilter, error) {
	q := dashboards.AuditQuery{Actor: c.Query("actor"), Action: c.Query("action"), Subject: c.Query("subject"), From: c.Query("from"), To: c.Query("to")}
	f := models.AuditFilter{Actor: q.Actor, Action: q.Action, Subject: q.Subject}
	if q.From != "" {
		t, err := models.ParseDate(q.From)
		if err != nil {
			return q, f, err
		}
		f.From = t
	}
	if q.To != "" {
		t, err := models.ParseDate(q.To)
		if err != nil {
			return q, f, err
		}
		f.To = models.DayEnd(t)
	}
	return q, f, nil
}

// auditPage lets the office browse and filter the audit trail.
func (s *Server) auditPage(c *fiber.Ctx) error {
	q, f, err := parseAuditFilter(c)
	if err != nil {
		return err
	}
	f.Limit = dashboards.AuditPageLimit + 1
	entries, err := s.Store.AuditEntries(f)
	if err != nil {
		return err
	}
	data := dashboards.NewAuditPage(q, entries, string(c.Request().URI().QueryString()))
	return s.render(c, "audit.html", "audit", "审计日志", data)
}
