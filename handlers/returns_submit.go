package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
)

// returnsSubmit stores a confirmed (or directly uploaded) return and shows its version history; a
// refused file goes back to the upload page with every problem.
func (s *Server) returnsSubmit(c *fiber.Ctx) error {
	up, err := s.importUpload(c, false)
	if err != nil {
		return err
	}
	out := up.out
	if !out.OK() {
		page := s.uploadData(c, up.who)
		page.Preview = s.preview(out)
		c.Status(fiber.StatusUnprocessableEntity)
		return s.render(c, "returns.html", "returns", "月报填报", page)
	}
	h, err := s.returnHistory(up.who, out.Version.UnitCode, out.Version.Period)
	if err != nil {
		return err
	}
	page := s.page(c, "returns", h.CountyName+" "+h.Period+" 月报版本", h)
	page.Flash = "已保存为第 " + strconv.Itoa(out.Version.Number) + " 版。"
	return s.renderPage(c, "returns_history.html", page)
}
