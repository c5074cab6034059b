package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
	"ruralkpi/models"
)

// allocationsPage shows, for a year, each allocatable indicator's city target, the units' shares
// and whether they add up (under, exact, over); the office edits them here or by Excel.
func (s *Server) allocationsPage(c *fiber.Ctx) error {
	year, err := s.yearParam(c, s.currentYear())
	if err != nil {
		return err
	}
	targets, allocations, err := s.yearTargets(year)
	if err != nil {
		return err
	}
	data := dashboards.NewAllocationsPage(s.Plan, year, targets, allocations, currentUser(c).Role == models.RoleOffice)
	return s.render(c, "allocations.html", "allocations", "任务分解", data)
}
