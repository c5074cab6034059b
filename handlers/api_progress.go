package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
)

// apiProgress answers GET /api/v1/progress?period=YYYY-MM[&county=CODE]: every indicator's progress
// for the city (county "") and each unit, or for one unit.
func (s *Server) apiProgress(c *fiber.Ctx) error {
	in, err := s.dashboardInput(c.Query("period"))
	if err != nil {
		return err
	}
	out, err := dashboards.ProgressItems(in, c.Query("county"))
	if err != nil {
		return err
	}
	return c.JSON(out)
}
