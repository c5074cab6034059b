package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

// createToken makes a personal API token and shows it once.
func (s *Server) createToken(c *fiber.Ctx) error {
	u := currentUser(c)
	token, _, err := s.Store.CreateAPIToken(*u, c.FormValue("name"), s.actor(c), s.Config.Now())
	if err != nil {
		return err
	}
	return s.renderAccount(c, accountPageData{NewToken: token})
}

// revokeToken revokes one of the user's own tokens.
func (s *Server) revokeToken(c *fiber.Ctx) error {
	u := currentUser(c)
	id, err := c.ParamsInt("id")
	if err != nil || id <= 0 {
		return models.Errorf(models.ENotFound, "令牌不存在。")
	}
	_, err = s.Store.RevokeAPIToken(*u, uint(id), s.actor(c), s.Config.Now())
	if errors.Is(err, models.ErrNotFound) {
		return models.Errorf(models.ENotFound, "令牌不存在或已吊销。")
	}
	if err != nil {
		return err
	}
	s.flash(c, "令牌已吊销。")
	return c.Redirect("/account", fiber.StatusSeeOther)
}

// apiMe tells a script who its token belongs to.
func (s *Server) apiMe(c *fiber.Ctx) error {
	u := currentUser(c)
	return c.JSON(fiber.Map{"username": u.Username, "display_name": u.DisplayName, "role": u.Role, "unit": u.UnitCode})
}
