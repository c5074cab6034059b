package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/reports"
)

// csvMatrix downloads the overview's indicator × unit matrix for ?period= as CSV.
func (s *Server) csvMatrix(c *fiber.Ctx) error {
	calc, period, err := s.reportCalc(c.Query("period"))
	if err != nil {
		return err
	}
	return s.sendCSV(c, "matrix-"+period.String()+".csv", "进度矩阵-"+period.String()+".csv", reports.MatrixTable(s.Plan, calc.All(period)))
}
