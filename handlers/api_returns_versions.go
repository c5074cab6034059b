package handlers

import (
	"github.com/gofiber/fiber/v2"
)

// apiReturnVersions lists every version of a county's return for a month, with the changes each
// made to the one before.
func (s *Server) apiReturnVersions(c *fiber.Ctx) error {
	h, err := s.requestedHistory(c)
	if err != nil {
		return err
	}
	type versionOut struct {
		versionJSON
		Warnings any `json:"warnings"`
		Changes  any `json:"changes"`
	}
	out := make([]versionOut, 0, len(h.Versions))
	for _, v := range h.Versions {
		out = append(out, versionOut{versionJSON: toVersionJSON(v.Version), Warnings: nonNil(v.Warnings), Changes: nonNil(v.Changes)})
	}
	return c.JSON(fiber.Map{"county": h.County, "period": h.Period, "versions": out})
}
