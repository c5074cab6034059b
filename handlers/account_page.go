package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
)

// accountPage shows the user's account: password change and personal API tokens.
func (s *Server) accountPage(c *fiber.Ctx) error {
	return s.renderAccount(c, "", "")
}

// renderAccount reads the user's tokens and renders the account page with a token just created
// (shown once) or why a change was refused.
func (s *Server) renderAccount(c *fiber.Ctx, newToken, problem string) error {
	u := currentUser(c)
	tokens, err := s.Store.APITokens(u.ID)
	if err != nil {
		return err
	}
	return s.render(c, "account.html", "account", "我的账号", dashboards.NewAccountPage(s.Plan, *u, tokens, newToken, problem))
}
