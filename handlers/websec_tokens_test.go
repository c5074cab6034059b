package handlers

import (
	"net/url"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

// TestPasswordChangeRevokesTokens: a token made before a password change, by the user or by the
// office's reset, stops working, and the page says so.
func TestPasswordChangeRevokesTokens(t *testing.T) {
	e := newAccessEnv(t)
	t.Run("own change", func(t *testing.T) {
		api := e.tokenClient("county-530302")
		if res := api.do("GET", "/api/v1/me", nil); res.status != fiber.StatusOK {
			t.Fatalf("token before: %d", res.status)
		}
		c := e.loggedIn("county-530302")
		res := c.do("POST", "/account/password", url.Values{"current": {accessPassword}, "new": {"a new password"}, "confirm": {"a new password"}})
		if res.status != fiber.StatusSeeOther {
			t.Fatalf("change: %d %.300s", res.status, res.body)
		}
		if res := api.do("GET", "/api/v1/me", nil); res.status != fiber.StatusUnauthorized {
			t.Errorf("token after the password change: %d, want 401", res.status)
		}
		if page := c.do("GET", "/account", nil); !strings.Contains(page.body, "API 令牌已全部吊销") {
			t.Error("the page does not say the tokens were revoked")
		}
	})
	t.Run("office reset", func(t *testing.T) {
		api := e.tokenClient("county-530303")
		office := e.loggedIn("office")
		res := office.do("POST", "/admin/users/county-530303", url.Values{"action": {"password"}, "password": {"reset password 1"}})
		if res.status != fiber.StatusSeeOther {
			t.Fatalf("reset: %d %.300s", res.status, res.body)
		}
		if res := api.do("GET", "/api/v1/me", nil); res.status != fiber.StatusUnauthorized {
			t.Errorf("token after the office's reset: %d, want 401", res.status)
		}
	})
}

// TestOfficeRevokesAnyUsersToken: the office sees every user's live tokens and revokes one; the
// revocation is audited with who did it; nobody else may.
func TestOfficeRevokesAnyUsersToken(t *testing.T) {
	e := newAccessEnv(t)
	api := e.tokenClient("county-530302")
	u, _ := e.store.UserByName("county-530302")
	tokens, err := e.store.APITokens(u.ID)
	if err != nil || len(tokens) != 1 {
		t.Fatalf("tokens: %v %v", tokens, err)
	}
	path := "/admin/users/county-530302/tokens/" + itoaUint(tokens[0].ID) + "/revoke"
	other := e.loggedIn("county-530303")
	if res := other.do("POST", path, url.Values{}); res.status != fiber.StatusForbidden {
		t.Errorf("another county user revoking: %d, want 403", res.status)
	}
	office := e.loggedIn("office")
	if page := office.do("GET", "/admin/users", nil); !strings.Contains(page.body, tokens[0].Prefix) || !strings.Contains(page.body, path) {
		t.Error("the users page does not list the county user's token with a revoke button")
	}
	if res := office.do("POST", "/admin/users/county-530303/tokens/"+itoaUint(tokens[0].ID)+"/revoke", url.Values{}); res.status != fiber.StatusNotFound {
		t.Errorf("revoking through the wrong owner: %d, want 404", res.status)
	}
	if res := office.do("POST", path, url.Values{}); res.status != fiber.StatusSeeOther {
		t.Fatalf("office revoke: %d %.300s", res.status, res.body)
	}
	if res := api.do("GET", "/api/v1/me", nil); res.status != fiber.StatusUnauthorized {
		t.Errorf("revoked token: %d, want 401", res.status)
	}
	entries, _ := e.store.AuditEntries(models.AuditFilter{Action: models.AuditTokenRevoke})
	if len(entries) != 1 || entries[0].Actor != "office" || entries[0].Subject != "county-530302" || !strings.Contains(entries[0].Before, tokens[0].Prefix) {
		t.Errorf("audit: %+v", entries)
	}
}
