package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/reports"
)

// csvReturns downloads the returns received for ?period= (on time, late, missing) as CSV.
func (s *Server) csvReturns(c *fiber.Ctx) error {
	in, err := s.reportInput(c.Query("period"))
	if err != nil {
		return err
	}
	return s.sendCSV(c, "returns-"+in.Period.String()+".csv", "报送情况-"+in.Period.String()+".csv", reports.ReturnsTable(s.Plan, in.Returns))
}
