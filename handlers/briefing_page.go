package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/reports"
)

// briefingPage shows the printable leaders' briefing (月度通报) for ?period=YYYY-MM.
func (s *Server) briefingPage(c *fiber.Ctx) error {
	in, err := s.briefingInput(c.Query("period"))
	if err != nil {
		return err
	}
	b := reports.BuildBriefing(in)
	return s.render(c, "briefing.html", "briefing", "月度通报 "+b.PeriodLabel, b)
}
