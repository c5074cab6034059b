package handlers

import (
	"slices"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

// ledgerSourceSet records the office's choice of whether the ledger or the return counts for an
// indicator (for every unit), audits it, and goes back to the ledger page it came from.
func (s *Server) ledgerSourceSet(c *fiber.Ctx) error {
	indicator := c.FormValue("indicator")
	if !slices.Contains(models.LedgerIndicatorCodes(), indicator) {
		return models.Errorf(models.EInvalid, "指标 %q 不能由台账计算。", indicator)
	}
	if err := s.Store.SetLedgerSource(indicator, models.LedgerSource(c.FormValue("source")), s.actor(c), s.Config.Now()); err != nil {
		return err
	}
	s.flash(c, "已设定该指标的数据来源。")
	back := "/"
	if unit, ok := s.Plan.Unit(c.FormValue("county")); ok {
		back = "/ledger/" + unit.Code
	}
	return c.Redirect(back, fiber.StatusSeeOther)
}
