package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
	"ruralkpi/models"
)

// ledgerPointPage shows one point through every snapshot of its unit's ledger.
func (s *Server) ledgerPointPage(c *fiber.Ctx) error {
	unit, ok := s.Plan.Unit(c.Params("county"))
	if !ok {
		return models.Errorf(models.ENotFound, "单位不存在。")
	}
	if err := s.requireLedgerReader(c, unit.Code); err != nil {
		return err
	}
	code := c.Params("code")
	history, err := s.Store.PointHistory(unit.Code, code)
	if err != nil {
		return err
	}
	if len(history) == 0 {
		return models.Errorf(models.ENotFound, "台账中没有编码为 %s 的网点。", code)
	}
	return s.render(c, "ledger_point.html", "ledger", "网点 "+code, dashboards.LedgerPointPage{Unit: unit, Code: code, History: history})
}
