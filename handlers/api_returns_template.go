package handlers

import (
	"bytes"

	"ruralkpi/importers/returns"

	"github.com/gofiber/fiber/v2"
)

// apiReturnTemplate downloads the pre-filled monthly template of a county and month (.xlsx).
func (s *Server) apiReturnTemplate(c *fiber.Ctx) error {
	who, err := s.actingUser(c)
	if err != nil {
		return err
	}
	county, period := c.Query("county"), c.Query("period")
	in, err := returns.TemplateFor(s.Store, s.Plan, county, period, who.Unit, s.Config.Now())
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := returns.WriteTemplate(&buf, in); err != nil {
		return err
	}
	attachment(c, s.Plan.UnitName(county)+"-"+period+"-月报.xlsx")
	c.Type("xlsx")
	return c.Send(buf.Bytes())
}
