package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/reports"
)

// csvProgress downloads every indicator for the city and every unit in ?period= as CSV.
func (s *Server) csvProgress(c *fiber.Ctx) error {
	in, err := s.reportInput(c.Query("period"))
	if err != nil {
		return err
	}
	name := "progress-" + in.Period.String() + ".csv"
	return s.sendCSV(c, name, "指标进度-"+in.Period.String()+".csv", reports.ProgressTable(s.Plan, in.Current))
}
