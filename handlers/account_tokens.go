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
	return s.renderAccount(c, token, "")
}

// revokeToken revokes one of the user's own tokens.
func (s *Server) revokeToken(c *fiber.Ctx) error {
	if err := s.revokeTokenOf(c, currentUser(c).ID); err != nil {
		return err
	}
	s.flash(c, "令牌已吊销。")
	return c.Redirect("/account", fiber.StatusSeeOther)
}

// adminRevokeToken lets the office revoke any user's token (a lost laptop, a clerk who left).
func (s *Server) adminRevokeToken(c *fiber.Ctx) error {
	owner, err := s.Store.UserByName(c.Params("username"))
	if errors.Is(err, models.ErrNotFound) {
		return models.Errorf(models.ENotFound, "用户 %q 不存在。", c.Params("username"))
	}
	if err != nil {
		return err
	}
	if err := s.revokeTokenOf(c, owner.ID); err != nil {
		return err
	}
	s.flash(c, owner.Username+"：令牌已吊销。")
	return c.Redirect("/admin/users", fiber.StatusSeeOther)
}

// revokeTokenOf revokes the token in the path if the user ownerID holds it; the store audits it in
// the same transaction.
func (s *Server) revokeTokenOf(c *fiber.Ctx, ownerID uint) error {
	id, err := c.ParamsInt("id")
	if err != nil || id <= 0 {
		return models.Errorf(models.ENotFound, "令牌不存在。")
	}
	_, err = s.Store.RevokeAPIToken(s.actor(c), ownerID, uint(id), s.Config.Now())
	if errors.Is(err, models.ErrNotFound) {
		return models.Errorf(models.ENotFound, "令牌不存在或已吊销。")
	}
	return err
}

// apiMe tells a script who its token belongs to.
func (s *Server) apiMe(c *fiber.Ctx) error {
	u := currentUser(c)
	return c.JSON(fiber.Map{"username": u.Username, "display_name": u.DisplayName, "role": u.Role, "unit": u.UnitCode})
}
