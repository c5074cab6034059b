package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

// updateUser applies one of the office's changes to a user: action=role (role and unit), disable,
// enable, or password (reset). Every change ends the user's sessions and is audited.
func (s *Server) updateUser(c *fiber.Ctx) error {
	username := c.Params("username")
	var ch models.UserChange
	done := ""
	switch c.FormValue("action") {
	case "role":
		if currentUser(c).Username == username {
			// An office user demoting itself could leave nobody to manage users.
			return models.Errorf(models.EInvalid, "不能修改自己的角色，请由其他办公室用户修改。")
		}
		role, unit := c.FormValue("role"), c.FormValue("unit")
		if role != models.RoleCounty {
			unit = ""
		}
		ch.Role, ch.UnitCode, done = &role, &unit, "已修改角色和单位。"
	case "disable", "enable":
		disabled := c.FormValue("action") == "disable"
		if disabled && currentUser(c).Username == username {
			return models.Errorf(models.EInvalid, "不能停用自己的账号。")
		}
		ch.Disabled, done = &disabled, map[bool]string{true: "已停用该用户。", false: "已启用该用户。"}[disabled]
	case "password":
		pw := c.FormValue("password")
		ch.Password, done = &pw, "已重置密码，其 API 令牌已全部吊销，请将新密码告知本人。"
	default:
		return models.Errorf(models.EInvalid, "未知的操作。")
	}
	_, _, err := s.Store.UpdateUser(s.Plan, username, ch, s.actor(c), s.Config.Now())
	if errors.Is(err, models.ErrNotFound) {
		return models.Errorf(models.ENotFound, "用户 %q 不存在。", username)
	}
	if err != nil {
		if models.ErrorCode(err) == models.EInvalid {
			c.Status(fiber.StatusUnprocessableEntity)
			return s.renderUsers(c, models.ErrorMessage(err))
		}
		return err
	}
	s.flash(c, username+"："+done)
	return c.Redirect("/admin/users", fiber.StatusSeeOther)
}
