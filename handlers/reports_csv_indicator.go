package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
	"ruralkpi/reports"
)

// csvIndicator downloads one indicator (?indicator=CODE) for the city and every unit as CSV.
func (s *Server) csvIndicator(c *fiber.Ctx) error {
	code := c.Query("indicator")
	ind, ok := s.Plan.Indicator(code)
	if !ok {
		return models.Errorf(models.ENotFound, "没有代码为 %q 的指标。", code)
	}
	calc, period, err := s.reportCalc(c.Query("period"))
	if err != nil {
		return err
	}
	return s.sendCSV(c, "indicator-"+code+"-"+period.String()+".csv", ind.Name+"-"+period.String()+".csv",
		reports.ProgressTable(s.Plan, calc.ForIndicator(code, period)))
}
