package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
)

// overviewPage shows the overview: headline goals, the status matrix, missing returns and the map.
func (s *Server) overviewPage(c *fiber.Ctx) error {
	in, err := s.dashboardInput(c.Query("period"))
	if err != nil {
		return err
	}
	view, err := dashboards.NewOverview(in, s.MapFeatures)
	if err != nil {
		return err
	}
	return s.render(c, "overview.html", "overview", "工作总览", view)
}
