package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

type tokenRow struct {
	models.APIToken
	Created, LastUsed string
}

type accountPageData struct {
	Role, Unit string
	Tokens     []tokenRow
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
	data.Role = roleLabel(u.Role)
	for _, tk := range tokens {
		row := tokenRow{APIToken: tk, Created: models.FormatLocalTime(tk.CreatedAt), LastUsed: "—"}
		if tk.LastUsedAt != nil {
			row.LastUsed = models.FormatLocalTime(*tk.LastUsedAt)
		}
		data.Tokens = append(data.Tokens, row)
	}
	if unit, ok := s.Plan.Unit(u.UnitCode); ok {
		data.Unit = unit.Name
	}
	return s.render(c, "account.html", "account", "我的账号", data)
}
