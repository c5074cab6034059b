package handlers

import (
	"bytes"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/importers/ledger"
	"ruralkpi/models"
)

// apiLedgerTemplate sends a unit's ledger template (.xlsx), pre-filled with its newest snapshot.
func (s *Server) apiLedgerTemplate(c *fiber.Ctx) error {
	unit, ok := s.Plan.Unit(c.Query("county"))
	if !ok {
		return models.Errorf(models.EInvalid, "单位代码 %q 不存在。", c.Query("county"))
	}
	if err := s.requireUnit(c, unit.Code); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := ledger.WriteUnitTemplate(s.Store, &buf, unit.Code, unit.Name); err != nil {
		return err
	}
	name := unit.Name + "网点台账.xlsx"
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="ledger-`+unit.Code+`.xlsx"; filename*=UTF-8''`+url.PathEscape(name))
	return c.Send(buf.Bytes())
}
