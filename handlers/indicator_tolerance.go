package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

// setTolerance lets the office change how far below 序时进度 an indicator stays amber (a percentage
// of 序时进度; blank or 0 restores the default).
func (s *Server) setTolerance(c *fiber.Ctx) error {
	code := c.Params("code")
	if _, ok := s.Plan.Indicator(code); !ok {
		return models.Errorf(models.ENotFound, "没有代码为 %q 的指标。", code)
	}
	text := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(c.FormValue("tolerance")), "%"))
	percent := 0.0
	if text != "" {
		v, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return models.Errorf(models.EInvalid, "容差“%s”不是数字，请填写百分数，例如 90。", text)
		}
		percent = v
	}
	if _, err := s.Store.SetTolerance(code, percent/100, s.actor(c), s.Config.Now()); err != nil {
		return err
	}
	s.flash(c, "容差已保存。")
	return c.Redirect("/indicators/"+code, fiber.StatusSeeOther)
}
