package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
	"ruralkpi/reports"
)

// auditExport downloads the filtered audit trail as CSV through the one CSV writer
// (reports.WriteCSV), so that a user name or value typed as a formula stays text.
func (s *Server) auditExport(c *fiber.Ctx) error {
	_, f, err := parseAuditFilter(c)
	if err != nil {
		return err
	}
	entries, err := s.Store.AuditEntries(f)
	if err != nil {
		return err
	}
	t := reports.Table{Headers: []string{"编号", "时间", "用户", "来源地址", "操作", "操作代码", "对象", "修改前", "修改后"}}
	for _, e := range entries {
		t.Rows = append(t.Rows, []string{strconv.FormatUint(uint64(e.ID), 10), models.FormatLocalSecond(e.At), e.Actor, e.IP,
			models.AuditAction(e.Action).Label(), e.Action, e.Subject, e.Before, e.After})
	}
	return s.sendCSV(c, "audit.csv", "审计日志.csv", t)
}
