package handlers

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/crypto/bcrypt"

	"ruralkpi/models"
)

func TestCSRFRefusesFormsWithoutToken(t *testing.T) {
	e := newAccessEnv(t)
	c := e.loggedIn("office")
	tests := []struct {
		name   string
		token  string
		noCSRF bool
		want   int
	}{
		{"no token", "", true, fiber.StatusForbidden},
		{"wrong token", "not-the-token", false, fiber.StatusForbidden},
		{"right token", "", false, fiber.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.noCSRF = tt.noCSRF
			form := url.Values{"name": {"x"}}
			if tt.token != "" {
				form.Set("_csrf", tt.token)
			}
			res := c.do("POST", "/account/tokens", form)
			if res.status != tt.want {
				t.Errorf("status %d, want %d", res.status, tt.want)
			}
			if tt.want == fiber.StatusForbidden && !strings.Contains(res.body, "CSRF") {
				t.Errorf("refusal should say why: %.300s", res.body)
			}
		})
	}
	t.Run("login form needs the token too", func(t *testing.T) {
		anon := e.client()
		anon.noCSRF = true
		anon.do("GET", "/login", nil)
		if res := anon.do("POST", "/login", url.Values{"username": {"office"}, "password": {accessPassword}}); res.status != fiber.StatusForbidden {
			t.Errorf("login without token: %d", res.status)
		}
	})
	t.Run("API token requests are exempt", func(t *testing.T) {
		api := e.tokenClient("office")
		api.noCSRF = true
		if res := api.do("POST", "/account/tokens", url.Values{"name": {"y"}}); res.status != fiber.StatusOK {
			t.Errorf("bearer post: %d", res.status)
		}
	})
	tokens, _ := e.store.AuditEntries(models.AuditFilter{Action: models.AuditTokenCreate})
	if len(tokens) != 3 { // the two accepted posts, and tokenClient's own through the store
		t.Errorf("only the two accepted posts may create tokens, got %d", len(tokens))
	}
}

func TestLoginRateLimits(t *testing.T) {
	t.Run("per account", func(t *testing.T) {
		e := newAccessEnv(t)
		c := e.client()
		for i := 0; i < loginPairLimit; i++ {
			if res := c.login("office", "wrong password"); res.status != fiber.StatusUnauthorized {
				t.Fatalf("failure %d: %d", i+1, res.status)
			}
		}
		res := c.login("office", accessPassword)
		if res.status != fiber.StatusTooManyRequests || !strings.Contains(res.body, "登录失败次数过多") || !strings.Contains(res.body, "15 分钟") {
			t.Fatalf("after %d failures, the right password: %d %.400s", loginPairLimit, res.status, res.body)
		}
		if res := e.loggedIn("leader"); res == nil {
			t.Fatal("another account from the same address is not blocked by the account limit")
		}
		e.clock.Advance(loginWindow)
		if res := c.login("office", accessPassword); res.status != fiber.StatusSeeOther {
			t.Errorf("after the window: %d", res.status)
		}
	})
	t.Run("unknown names are limited alike", func(t *testing.T) {
		e := newAccessEnv(t)
		c := e.client()
		for i := 0; i < loginPairLimit; i++ {
			c.login("nobody", "x")
		}
		if res := c.login("nobody", "x"); res.status != fiber.StatusTooManyRequests {
			t.Errorf("unknown name after failures: %d", res.status)
		}
	})
	t.Run("per address", func(t *testing.T) {
		e := newAccessEnv(t)
		c := e.client()
		for i := 0; i < loginAddressLimit; i++ {
			c.login("guess"+itoaUint(uint(i)), "x")
		}
		if res := c.login("leader", accessPassword); res.status != fiber.StatusTooManyRequests {
			t.Errorf("address after %d failures: %d", loginAddressLimit, res.status)
		}
	})
}

// TestLoginThrottleBehindProxy: behind nginx every request came from nginx's address, so twenty
// wrong passwords from anyone blocked everybody's login on that server, and five on one account
// locked it for everyone. With the proxy trusted (serve --trusted-proxy) each client is counted at
// the address X-Forwarded-For names; from any other peer the header is ignored, so a client cannot
// pick a fresh address for each guess.
func TestLoginThrottleBehindProxy(t *testing.T) {
	via := func(e *accessEnv, addr string) *accessClient {
		c := e.client()
		c.header = map[string]string{"X-Forwarded-For": addr}
		return c
	}
	t.Run("trusted proxy: each client its own address", func(t *testing.T) {
		e := newAccessEnv(t)
		e.trusted = []string{"0.0.0.0/0", "::/0"} // app.Test's peer stands for the proxy
		e.restart()
		attacker := via(e, "203.0.113.7")
		for i := 0; i < loginAddressLimit; i++ {
			attacker.login("guess"+itoaUint(uint(i)), "wrong password")
		}
		if res := attacker.login("leader", accessPassword); res.status != fiber.StatusTooManyRequests {
			t.Errorf("the guessing address after %d failures: %d, want 429", loginAddressLimit, res.status)
		}
		if res := via(e, "198.51.100.9").login("office", accessPassword); res.status != fiber.StatusSeeOther {
			t.Errorf("the office from another address behind the same proxy: %d, want 303 (not blocked by another's guesses)", res.status)
		}
		failed, err := e.store.AuditEntries(models.AuditFilter{Action: models.AuditLoginFailed})
		if err != nil || len(failed) == 0 || failed[0].IP != "203.0.113.7" {
			t.Errorf("failed logins audited from %v (err %v), want the client's address 203.0.113.7", failed, err)
		}
	})
	t.Run("untrusted peer: the header is ignored", func(t *testing.T) {
		e := newAccessEnv(t)
		for i := 0; i < loginAddressLimit; i++ {
			via(e, "203.0.113."+itoaUint(uint(i+1))).login("guess"+itoaUint(uint(i)), "x")
		}
		if res := via(e, "198.51.100.9").login("leader", accessPassword); res.status != fiber.StatusTooManyRequests {
			t.Errorf("a fresh X-Forwarded-For from an untrusted peer escaped the address limit: %d", res.status)
		}
	})
}

func TestLoginDoesNotRevealAccounts(t *testing.T) {
	e := newAccessEnv(t)
	c := e.client()
	unknown := c.login("nosuchuser", "wrong password")
	wrong := c.login("county-530302", "wrong password")
	e.store.UpdateUser(e.plan, "county-530303", models.UserChange{Disabled: ptr(true)}, models.Actor{Username: "office"}, e.clock.Now())
	disabled := c.login("county-530303", accessPassword)
	for name, res := range map[string]accessResult{"unknown": unknown, "wrong password": wrong, "disabled": disabled} {
		if res.status != fiber.StatusUnauthorized || !strings.Contains(res.body, loginFailed) {
			t.Errorf("%s: %d %.300s", name, res.status, res.body)
		}
	}
	a := strings.ReplaceAll(unknown.body, "nosuchuser", "NAME")
	b := strings.ReplaceAll(wrong.body, "county-530302", "NAME")
	if a != b {
		t.Error("the page for an unknown name differs from the page for a wrong password")
	}
}

// TestLoginNormalisesTheTypedName signs in with the name typed as people type it — spaces around
// it, capitals, full-width letters from a Chinese input method — and finds the account stored under
// its canonical name; the failures of those spellings count against that one account.
func TestLoginNormalisesTheTypedName(t *testing.T) {
	e := newAccessEnv(t)
	for _, typed := range []string{"  county-530302 ", "County-530302", "ＣＯＵＮＴＹ－５３０３０２", "\tleader\n", "LEADER"} {
		t.Run(typed, func(t *testing.T) {
			c := e.client()
			if res := c.login(typed, accessPassword); res.status != fiber.StatusSeeOther {
				t.Errorf("login as %q: %d %.300s", typed, res.status, res.body)
			}
		})
	}
	t.Run("failures count against the canonical name", func(t *testing.T) {
		for i := 0; i < loginPairLimit; i++ {
			spelling := "office"
			if i%2 == 1 {
				spelling = " OFFICE"
			}
			e.client().login(spelling, "wrong")
		}
		if res := e.client().login("office", accessPassword); res.status != fiber.StatusTooManyRequests {
			t.Errorf("after %d failures spelt two ways: %d", loginPairLimit, res.status)
		}
	})
}

func ptr[T any](v T) *T { return &v }

func TestSessionSurvivesRestartAndIsRenewedAtLogin(t *testing.T) {
	e := newAccessEnv(t)
	c := e.loggedIn("county-530302")
	first := c.jar[sessionCookie]
	e.restart()
	res := c.do("GET", "/account", nil)
	if res.status != fiber.StatusOK || !strings.Contains(res.body, "county-530302") {
		t.Fatalf("after restart: %d %.300s", res.status, res.body)
	}
	// Logging in again (even over a live session) issues a new id and ends the old one.
	if res := c.login("county-530302", accessPassword); res.status != fiber.StatusSeeOther {
		t.Fatalf("second login: %d", res.status)
	}
	if c.jar[sessionCookie] == "" || c.jar[sessionCookie] == first {
		t.Error("session id not renewed at login")
	}
	if _, err := e.store.SessionUser(first, e.clock.Now()); err == nil {
		t.Error("the old session still works")
	}
	c.do("GET", "/account", nil) // a fresh CSRF token for the new session
	if res := c.do("POST", "/logout", url.Values{}); res.status != fiber.StatusSeeOther {
		t.Fatalf("logout: %d", res.status)
	}
	if res := c.do("GET", "/account", nil); res.status != fiber.StatusSeeOther || !strings.HasPrefix(res.location, "/login") {
		t.Errorf("after logout: %d %s", res.status, res.location)
	}
}

func TestCookieFlags(t *testing.T) {
	for _, secure := range []bool{false, true} {
		t.Run(map[bool]string{false: "plain", true: "tls"}[secure], func(t *testing.T) {
			e := newAccessEnv(t)
			e.server.Config.SecureCookies = secure
			app, err := New(e.server)
			if err != nil {
				t.Fatal(err)
			}
			e.app = app
			e.server.limiter.dummyCost = bcrypt.MinCost
			c := e.client()
			c.do("GET", "/login", nil)
			req := httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"username": {"office"}, "password": {accessPassword}, "_csrf": {c.jar[csrfCookie]}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			res := c.send(req)
			found := false
			for _, h := range res.header.Values("Set-Cookie") {
				if !strings.HasPrefix(h, sessionCookie+"=") {
					continue
				}
				found = true
				lower := strings.ToLower(h)
				if !strings.Contains(lower, "httponly") || !strings.Contains(lower, "samesite=lax") || strings.Contains(lower, "secure") != secure {
					t.Errorf("session cookie flags: %s", h)
				}
			}
			if !found {
				t.Error("no session cookie set")
			}
		})
	}
}

func TestBadBearerTokenRefused(t *testing.T) {
	e := newAccessEnv(t)
	c := e.client()
	c.bearer = "rk_not-a-token"
	res := c.do("GET", "/api/v1/me", nil)
	if res.status != fiber.StatusUnauthorized || !strings.Contains(res.body, `"code":"unauthorized"`) {
		t.Errorf("bad token: %d %s", res.status, res.body)
	}
	api := e.tokenClient("county-530302")
	if res := api.do("GET", "/api/v1/me", nil); !strings.Contains(res.body, `"unit":"530302"`) {
		t.Errorf("me: %s", res.body)
	}
}
