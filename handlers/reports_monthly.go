package handlers

import (
	"bytes"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/reports"
)

// apiReportMonthly downloads the monthly consolidated workbook (汇总表) for ?period=YYYY-MM.
func (s *Server) apiReportMonthly(c *fiber.Ctx) error {
	in, err := s.reportInput(c.Query("period"))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := reports.WriteMonthly(&buf, in, reports.MonthlyOptions{}); err != nil {
		return err
	}
	reportAttachment(c, "monthly-"+in.Period.String()+".xlsx", "月度汇总表-"+in.Period.String()+".xlsx")
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	return c.Send(buf.Bytes())
}
