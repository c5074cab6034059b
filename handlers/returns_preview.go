package handlers

import (
	"encoding/base64"

	"ruralkpi/dashboards"
	"ruralkpi/importers/returns"

	"github.com/gofiber/fiber/v2"
)

// returnsPreview validates an upload without storing it and shows the values, warnings, problems
// and the difference from the stored version, with a button to confirm.
func (s *Server) returnsPreview(c *fiber.Ctx) error {
	up, err := s.importUpload(c, true)
	if err != nil {
		return err
	}
	out := up.out
	page := s.uploadData(c, up.who)
	page.Preview = s.preview(out)
	page.Preview.FileB64, page.Preview.FileName = base64.StdEncoding.EncodeToString(up.file), up.name
	if !out.OK() {
		c.Status(fiber.StatusUnprocessableEntity)
	} else if page.Preview.Quality, err = s.qualityFor(c, out.Return.UnitCode, out.Return.Period, figures(out.Return.Values)); err != nil {
		return err
	}
	return s.render(c, "returns.html", "returns", "月报填报 · 预览", page)
}

// preview lays an outcome out for the page.
func (s *Server) preview(out returns.ImportOutcome) *dashboards.Preview {
	return dashboards.NewPreview(s.Plan, dashboards.PreviewInput{UnitCode: out.Return.UnitCode, Period: out.Return.Period,
		PreviousNumber: out.Previous.Number, Problems: out.Problems, Warnings: out.Warnings, Changes: out.Changes, Stored: out.Stored})
}
