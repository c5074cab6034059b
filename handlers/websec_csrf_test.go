package handlers

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

// TestCSRFTokenBoundToSession replays the review's attack: a cookie and token minted for an
// anonymous visitor, planted beside the office's session, must not create a user; nor may the
// token a browser held before signing in.
func TestCSRFTokenBoundToSession(t *testing.T) {
	e := newAccessEnv(t)
	attacker := e.client()
	attacker.do("GET", "/login", nil)
	minted := attacker.jar[csrfCookie]
	if minted == "" {
		t.Fatal("no anonymous CSRF cookie handed out")
	}
	office := e.loggedIn("office")
	office.jar[csrfCookie] = minted
	res := office.do("POST", "/admin/users", url.Values{"username": {"planted"}, "password": {accessPassword}, "role": {"office"}, "_csrf": {minted}})
	if res.status != fiber.StatusForbidden {
		t.Errorf("anonymous pair with the office's session: %d, want 403", res.status)
	}
	if _, err := e.store.UserByName("planted"); err == nil {
		t.Error("the planted office user was created")
	}

	t.Run("pre-login token is dead after login", func(t *testing.T) {
		c := e.client()
		c.do("GET", "/login", nil)
		before := c.jar[csrfCookie]
		if res := c.login("county-530302", accessPassword); res.status != fiber.StatusSeeOther {
			t.Fatalf("login: %d", res.status)
		}
		res := c.do("POST", "/account/tokens", url.Values{"name": {"x"}, "_csrf": {before}})
		if res.status != fiber.StatusForbidden {
			t.Errorf("pre-login token accepted after login: %d", res.status)
		}
	})
	t.Run("another user's token", func(t *testing.T) {
		county := e.loggedIn("county-530302")
		res := office.do("POST", "/account/tokens", url.Values{"name": {"x"}, "_csrf": {county.jar[csrfCookie]}})
		if res.status != fiber.StatusForbidden {
			t.Errorf("county user's token accepted with the office's session: %d", res.status)
		}
	})
}

// TestCSRFChecksOriginAndFetchSite sends a signed-in form post with the right token but headers a
// browser sets on a cross-site request; only same-origin (or no such header at all) passes.
func TestCSRFChecksOriginAndFetchSite(t *testing.T) {
	e := newAccessEnv(t)
	office := e.loggedIn("office")
	tests := []struct {
		name    string
		headers map[string]string
		want    int
	}{
		{"neither header", nil, fiber.StatusOK},
		{"same origin", map[string]string{"Origin": "http://example.com", "Sec-Fetch-Site": "same-origin"}, fiber.StatusOK},
		{"proxy host", map[string]string{"Origin": "https://kpi.example.gov", "X-Forwarded-Host": "kpi.example.gov"}, fiber.StatusOK},
		{"cross-site origin", map[string]string{"Origin": "http://evil.example"}, fiber.StatusForbidden},
		{"other port", map[string]string{"Origin": "http://example.com:8080"}, fiber.StatusForbidden},
		{"null origin", map[string]string{"Origin": "null"}, fiber.StatusForbidden},
		{"cross-site fetch", map[string]string{"Sec-Fetch-Site": "cross-site"}, fiber.StatusForbidden},
		{"same-site fetch", map[string]string{"Sec-Fetch-Site": "same-site"}, fiber.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := url.Values{"name": {"t"}, "_csrf": {office.jar[csrfCookie]}}
			req := httptest.NewRequest("POST", "/account/tokens", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			if res := office.send(req); res.status != tt.want {
				t.Errorf("status %d, want %d", res.status, tt.want)
			}
		})
	}
	t.Run("bearer requests follow the token rules", func(t *testing.T) {
		api := e.tokenClient("office")
		api.noCSRF = true
		if res := api.do("POST", "/account/tokens", url.Values{"name": {"cli"}}); res.status != fiber.StatusOK {
			t.Errorf("bearer post: %d", res.status)
		}
	})
	n, _ := e.store.AuditEntries(models.AuditFilter{Action: models.AuditTokenCreate})
	// The 4 accepted posts, and the bearer client's own token (made through the store, audited too).
	if len(n) != 5 {
		t.Errorf("%d tokens created, want the 4 accepted posts and the bearer client's", len(n))
	}
}
