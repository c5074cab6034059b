package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
)

// uploadPage is where a county downloads its template and uploads the filled return.
func (s *Server) uploadPage(c *fiber.Ctx) error {
	who, err := s.actingUser(c)
	if err != nil {
		return err
	}
	return s.render(c, "returns.html", "returns", "月报填报", s.uploadData(c, who))
}

// uploadData fills the choices of the upload page; a county user only gets its own unit.
func (s *Server) uploadData(c *fiber.Ctx, who actor) dashboards.UploadPage {
	return dashboards.NewUploadPage(s.Plan, dashboards.UploadChoice{Periods: s.reportingPeriods(), UserUnit: who.Unit,
		County: c.FormValue("county", c.Query("county")), Period: c.FormValue("period", c.Query("period")),
		DefaultPeriod: s.defaultPeriod(), MaxMB: returnLimits().MaxFileBytes >> 20})
}
