package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
	"ruralkpi/models"
)

// usersPage lists the users for the office, with forms to create and change them.
func (s *Server) usersPage(c *fiber.Ctx) error {
	return s.renderUsers(c, "")
}

// renderUsers reads the users and their live tokens and renders the page with why a change was
// refused ("" when none was).
func (s *Server) renderUsers(c *fiber.Ctx, problem string) error {
	users, err := s.Store.Users()
	if err != nil {
		return err
	}
	tokens, err := s.Store.LiveAPITokens()
	if err != nil {
		return err
	}
	return s.render(c, "users.html", "users", "用户管理", dashboards.NewUsersPage(s.Plan, users, tokens, problem))
}

// createUser creates a user from the office's form.
func (s *Server) createUser(c *fiber.Ctx) error {
	nu := models.NewUser{Username: strings.TrimSpace(c.FormValue("username")), DisplayName: strings.TrimSpace(c.FormValue("display_name")),
		Password: c.FormValue("password"), Role: c.FormValue("role"), UnitCode: c.FormValue("unit")}
	if nu.Role != models.RoleCounty {
		nu.UnitCode = ""
	}
	u, err := s.Store.CreateUser(s.Plan, nu, s.actor(c), s.Config.Now())
	if err != nil {
		if code := models.ErrorCode(err); code == models.EInvalid || code == models.EConflict {
			c.Status(fiber.StatusUnprocessableEntity)
			return s.renderUsers(c, models.ErrorMessage(err))
		}
		return err
	}
	s.flash(c, "已创建用户 "+u.Username+"。")
	return c.Redirect("/admin/users", fiber.StatusSeeOther)
}
