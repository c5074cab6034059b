package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
)

// planPage shows the plan: its phases, and every indicator by workstream with its yearly targets.
func (s *Server) planPage(c *fiber.Ctx) error {
	targets, err := s.Store.Targets(0)
	if err != nil {
		return err
	}
	return s.render(c, "plan.html", "plan", "方案目标", dashboards.NewPlanPage(s.Plan, targets))
}
