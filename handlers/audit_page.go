package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

type auditRow struct {
	models.AuditEntry
	When, ActionLabel string
}

type auditPageData struct {
	Filter      auditQuery
	Actions     [][2]string
	Rows        []auditRow
	Limit       int
	Truncated   bool
	ExportQuery string
}

type auditQuery struct {
	Actor, Action, Subject, From, To string
}

// auditPageLimit caps the entries shown on the page; the export has them all.
const auditPageLimit = 500

// parseAuditFilter reads the audit filter from the query string.
func parseAuditFilter(c *fiber.Ctx) (auditQuery, models.AuditFilter, error) {
	q := auditQuery{Actor: c.Query("actor"), Action: c.Query("action"), Subject: c.Query("subject"), From: c.Query("from"), To: c.Query("to")}
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
	f.Limit = auditPageLimit + 1
	entries, err := s.Store.AuditEntries(f)
	if err != nil {
		return err
	}
	data := auditPageData{Filter: q, Actions: models.AuditActions(), Limit: auditPageLimit, ExportQuery: string(c.Request().URI().QueryString())}
	if len(entries) > auditPageLimit {
		entries, data.Truncated = entries[:auditPageLimit], true
	}
	for _, e := range entries {
		data.Rows = append(data.Rows, auditRow{AuditEntry: e, When: e.At.In(models.ReportingZone()).Format("2006-01-02 15:04:05"), ActionLabel: models.AuditAction(e.Action).Label()})
	}
	return s.render(c, "audit.html", "audit", "审计日志", data)
}
