package handlers

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

// changePassword lets a user change their own password, given the current one. Other sessions of
// the user end; this one is renewed. Every API token of the user is revoked.
func (s *Server) changePassword(c *fiber.Ctx) error {
	u := currentUser(c)
	current, next, confirm := c.FormValue("current"), c.FormValue("new"), c.FormValue("confirm")
	if !models.CheckPassword(u.PasswordHash, current) {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.renderAccount(c, "", "当前密码不正确。")
	}
	if next != confirm {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.renderAccount(c, "", "两次输入的新密码不一致。")
	}
	now := s.Config.Now()
	id, err := s.Store.ChangePassword(u.Username, next, s.actor(c), c.Get(fiber.HeaderUserAgent), now)
	if err != nil {
		if models.ErrorCode(err) == models.EInvalid {
			c.Status(fiber.StatusUnprocessableEntity)
			return s.renderAccount(c, "", models.ErrorMessage(err))
		}
		return err
	}
	s.setCookie(c, sessionCookie, id, now.Add(models.SessionLifetime))
	s.setCookie(c, csrfCookie, csrfSessionToken(id), time.Time{}) // forms follow the new session
	s.flash(c, "密码已修改。您的 API 令牌已全部吊销，脚本需使用新创建的令牌。")
	return c.Redirect("/account", fiber.StatusSeeOther)
}
