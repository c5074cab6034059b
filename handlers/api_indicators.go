package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

// apiIndicators lists the plan's indicators as the plan file defines them.
func (s *Server) apiIndicators(c *fiber.Ctx) error {
	out := s.Plan.Indicators
	if out == nil {
		out = []models.Indicator{}
	}
	return c.JSON(fiber.Map{"workstreams": s.Plan.Workstreams, "indicators": out})
}
