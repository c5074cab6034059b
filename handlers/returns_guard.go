package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

// requireSubmit checks that the signed-in user may upload the unit's return for the month now: the
// user may act for the unit (requireUnit), and the month is open for it (models.CanSubmit: not before
// the unit starts reporting, not locked unless the office reopened it or returned the version). The
// upload handler calls it before parsing the file:
//
//	if err := s.requireSubmit(c, unitCode, period); err != nil {
//		return err
//	}
func (s *Server) requireSubmit(c *fiber.Ctx, unitCode string, period models.Period) error {
	if err := s.requireUnit(c, unitCode); err != nil {
		return err
	}
	check, err := s.Store.SubmitCheck(s.Plan, unitCode, period, s.Config.Now())
	if err != nil {
		return err
	}
	if ok, why := models.CanSubmit(check); !ok {
		return models.Errorf(models.EConflict, "%s", why)
	}
	return nil
}
