package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

type accountPageData struct {
	Role, Unit string
	Tokens     []models.APIToken
	NewToken   string // shown once, right after creation
	Error      string
}

// accountPage shows the user's account: password change and personal API tokens.
func (s *Server) accountPage(c *fiber.Ctx) error {
	return s.renderAccount(c, accountPageData{})
}

func (s *Server) renderAccount(c *fiber.Ctx, data accountPageData) error {
	u := currentUser(c)
	tokens, err := s.Store.APITokens(u.ID)
	if err != nil {
		return err
	}
	data.Role, data.Tokens = roleLabel(u.Role), tokens
	if unit, ok := s.Plan.Unit(u.UnitCode); ok {
		data.Unit = unit.Name
	}
	return s.render(c, "account.html", "account", "我的账号", data)
}
