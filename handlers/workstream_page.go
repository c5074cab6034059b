package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
)

// workstreamPage shows one workstream: per indicator, the units ranked and the city's trend.
func (s *Server) workstreamPage(c *fiber.Ctx) error {
	in, err := s.dashboardInput(c.Query("period"))
	if err != nil {
		return err
	}
	view, err := dashboards.NewWorkstreamPage(in, c.Params("code"))
	if err != nil {
		return err
	}
	return s.render(c, "workstream.html", view.Code, view.Name, view)
}
