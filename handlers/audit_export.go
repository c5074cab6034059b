package handlers

import (
	"bytes"
	"encoding/csv"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

// auditExport downloads the filtered audit trail as CSV (UTF-8 with a byte-order mark, so that
// Excel shows the Chinese correctly).
func (s *Server) auditExport(c *fiber.Ctx) error {
	_, f, err := parseAuditFilter(c)
	if err != nil {
		return err
	}
	entries, err := s.Store.AuditEntries(f)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"编号", "时间", "用户", "来源地址", "操作", "操作代码", "对象", "修改前", "修改后"})
	for _, e := range entries {
		_ = w.Write([]string{strconv.FormatUint(uint64(e.ID), 10), e.At.In(models.ReportingZone()).Format("2006-01-02 15:04:05"), e.Actor, e.IP,
			models.AuditActionLabel(e.Action), e.Action, csvSafe(e.Subject), csvSafe(e.Before), csvSafe(e.After)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="audit.csv"`)
	return c.Send(buf.Bytes())
}

// csvSafe defuses spreadsheet formulas: a cell starting with = + - @ is prefixed with a quote.
func csvSafe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@') {
		return "'" + s
	}
	return s
}
