package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
	"ruralkpi/reports"
)

// csvUnit downloads one unit's indicators (?unit=CODE, the city by default) for ?period= as CSV.
func (s *Server) csvUnit(c *fiber.Ctx) error {
	code := c.Query("unit", s.Plan.Root.Code)
	u, ok := s.Plan.Unit(code)
	if !ok {
		return models.Errorf(models.ENotFound, "没有代码为 %q 的单位。", code)
	}
	calc, period, err := s.reportCalc(c.Query("period"))
	if err != nil {
		return err
	}
	name := u.Name + "-" + period.String() + ".csv"
	return s.sendCSV(c, "unit-"+code+"-"+period.String()+".csv", name, reports.ProgressTable(s.Plan, calc.ForScope(code, period)))
}
