package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
)

// indicatorPage shows one indicator: every unit over time and the table behind the chart.
func (s *Server) indicatorPage(c *fiber.Ctx) error {
	in, err := s.dashboardInput(c.Query("period"))
	if err != nil {
		return err
	}
	view, err := dashboards.NewIndicatorPage(in, c.Params("code"))
	if err != nil {
		return err
	}
	return s.render(c, "indicator.html", "indicator", view.Name, view)
}
