package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
	"ruralkpi/models"
)

// followUpsPage lists follow-ups (督办): open and overdue first. A county user sees its own unit's
// and can answer them; the office opens and closes them. Dashboards link here with
// ?unit=CODE&indicator=CODE to open a follow-up on a red indicator.
func (s *Server) followUpsPage(c *fiber.Ctx) error {
	u := currentUser(c)
	unit := ""
	if u.Role == models.RoleCounty {
		unit = u.UnitCode
	}
	list, err := s.Store.FollowUps(unit)
	if err != nil {
		return err
	}
	names, err := s.Store.DisplayNames()
	if err != nil {
		return err
	}
	prefill := dashboards.FollowUpsPrefill{Unit: c.Query("unit"), Indicator: c.Query("indicator"), Title: c.Query("title"), Due: c.Query("due")}
	data := dashboards.NewFollowUpsPage(s.Plan, list, names, *u, prefill, s.Config.Now())
	return s.render(c, "followups.html", "followups", "督办事项", data)
}
