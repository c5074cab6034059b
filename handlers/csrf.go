package handlers

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

// csrfMessage is the one refusal of a form that fails the CSRF check.
const csrfMessage = "表单已过期或来源不明（CSRF 校验失败），请刷新页面后重新提交。"

// csrfSessionToken derives the form token of a signed-in browser from its session cookie. The token
// is bound to the session: it changes at login (a new session id) and a token minted for anyone
// else, anonymous visitor or other user, does not match. Deriving it needs no storage, so reads
// write nothing and open forms survive a restart.
func csrfSessionToken(sessionID string) string {
	m := hmac.New(sha256.New, []byte(sessionID))
	m.Write([]byte("ruralkpi csrf v1"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// csrfProtection guards every state-changing request of a browser (the form field _csrf):
//   - Origin and Sec-Fetch-Site, when the browser sends them, must name this site exactly;
//   - a signed-in browser's token must be the one derived from its session (csrfSessionToken);
//   - an anonymous browser (the login form) must send back the random token of its csrf cookie.
//
// Requests authenticated by an API token are exempt (a browser cannot be made to send that header
// cross-site), and so are static files.
func (s *Server) csrfProtection() fiber.Handler {
	return func(c *fiber.Ctx) error {
		if viaToken(c) || strings.HasPrefix(c.Path(), "/static/") {
			return c.Next()
		}
		expected := ""
		session := c.Cookies(sessionCookie)
		if currentUser(c) != nil && session != "" {
			expected = csrfSessionToken(session)
		} else {
			expected = c.Cookies(csrfCookie)
		}
		switch c.Method() {
		case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions, fiber.MethodTrace:
		default:
			if !sameOrigin(c) {
				return models.Errorf(models.EForbidden, "%s", csrfMessage)
			}
			got := c.FormValue("_csrf")
			if expected == "" || got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(expected)) != 1 {
				return models.Errorf(models.EForbidden, "%s", csrfMessage)
			}
		}
		if expected == "" {
			secret, err := models.NewSecret()
			if err != nil {
				return err
			}
			expected = secret
		}
		// The cookie mirrors the token for the browser's benefit only; a signed-in request is checked
		// against the session, never against this cookie.
		if c.Cookies(csrfCookie) != expected {
			s.setCookie(c, csrfCookie, expected, time.Time{}) // ends with the browser
		}
		c.Locals(localCSRF, expected)
		return c.Next()
	}
}

// sameOrigin checks the headers browsers send with every form post: Sec-Fetch-Site must be
// same-origin and Origin must be this host. A request with neither (an old browser, curl) is
// judged by the token alone.
func sameOrigin(c *fiber.Ctx) bool {
	if site := c.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" {
		return false
	}
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return false // includes "null", sent by sandboxed frames and some redirects
	}
	// Behind a reverse proxy that rewrites Host, the proxy's X-Forwarded-Host names the site; a
	// browser cannot set that header on a cross-site request.
	return strings.EqualFold(u.Host, string(c.Request().Host())) || strings.EqualFold(u.Host, strings.TrimSpace(strings.Split(c.Get("X-Forwarded-Host"), ",")[0]))
}
