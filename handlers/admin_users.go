package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

type userRow struct {
	models.User
	RoleLabel, UnitName string
	// Tokens are the user's live API tokens, which the office may revoke.
	Tokens []models.APIToken
}

type usersPageData struct {
	Users []userRow
	Units []models.Unit
	Roles [][2]string
	Error string
}

// usersPage lists the users for the office, with forms to create and change them.
func (s *Server) usersPage(c *fiber.Ctx) error {
	return s.renderUsers(c, "")
}

func (s *Server) renderUsers(c *fiber.Ctx, problem string) error {
	users, err := s.Store.Users()
	if err != nil {
		return err
	}
	tokens, err := s.Store.LiveAPITokens()
	if err != nil {
		return err
	}
	data := usersPageData{Units: s.Plan.ReportingUnits(), Error: problem,
		Roles: [][2]string{{models.RoleOffice, roleLabel(models.RoleOffice)}, {models.RoleCounty, roleLabel(models.RoleCounty)}, {models.RoleLeader, roleLabel(models.RoleLeader)}}}
	for _, u := range users {
		row := userRow{User: u, RoleLabel: roleLabel(u.Role), Tokens: tokens[u.ID]}
		if unit, ok := s.Plan.Unit(u.UnitCode); ok {
			row.UnitName = unit.Name
		}
		data.Users = append(data.Users, row)
	}
	return s.render(c, "users.html", "users", "用户管理", data)
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
