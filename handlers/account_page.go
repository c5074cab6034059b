package handlers

import (
	"time"

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
		row := tokenRow{APIToken: tk, Created: localTime(tk.CreatedAt), LastUsed: "—"}
		if tk.LastUsedAt != nil {
			row.LastUsed = localTime(*tk.LastUsedAt)
		}
		data.Tokens = append(data.Tokens, row)
	}
	if unit, ok := s.Plan.Unit(u.UnitCode); ok {
		data.Unit = unit.Name
	}
	return s.render(c, "account.html", "account", "我的账号", data)
}

// localTime writes a time in the reporting zone (China Standard Time), as the users read clocks.
func localTime(t time.Time) string {
	return t.In(models.ReportingZone()).Format("2006-01-02 15:04")
}
