package handlers

import (
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

// Cookie names.
const (
	sessionCookie = "ruralkpi_session"
	csrfCookie    = "ruralkpi_csrf"
	flashCookie   = "ruralkpi_flash"
	// localViaToken marks a request authenticated by an API token rather than a session.
	localViaToken = "via_token"
)

// currentUser returns the signed-in user, or nil.
func currentUser(c *fiber.Ctx) *models.User {
	u, _ := c.Locals(localUser).(*models.User)
	return u
}

// loadUser puts the user behind the request into c.Locals("user"): from an
// "Authorization: Bearer" API token, or else from the session cookie. A bad token is refused at
// once, so a script learns its token is wrong instead of being treated as anonymous.
func (s *Server) loadUser(c *fiber.Ctx) error {
	now := s.Config.Now()
	if auth := c.Get(fiber.HeaderAuthorization); auth != "" {
		scheme, token, _ := strings.Cut(auth, " ")
		if !strings.EqualFold(scheme, "Bearer") {
			return models.Errorf(models.EUnauthorized, "仅支持 Authorization: Bearer <令牌> 方式认证。")
		}
		u, err := s.Store.TokenUser(strings.TrimSpace(token), now)
		if errors.Is(err, models.ErrNotFound) {
			return models.Errorf(models.EUnauthorized, "API 令牌无效或已吊销。")
		}
		if err != nil {
			return err
		}
		c.Locals(localUser, &u)
		c.Locals(localViaToken, true)
		return c.Next()
	}
	if id := c.Cookies(sessionCookie); id != "" {
		u, err := s.Store.SessionUser(id, now)
		switch {
		case err == nil:
			c.Locals(localUser, &u)
		case errors.Is(err, models.ErrNotFound):
			s.clearCookie(c, sessionCookie)
		default:
			return err
		}
	}
	return c.Next()
}

// viaToken reports whether the request was authenticated by an API token.
func viaToken(c *fiber.Ctx) bool {
	v, _ := c.Locals(localViaToken).(bool)
	return v
}

// isPublic lists what may be seen without signing in: the routes the table opens to anyone and
// the embedded static files (served ahead of this middleware; listed here for other methods).
func (s *Server) isPublic(path string) bool {
	return s.public[path] || strings.HasPrefix(path, "/static/") || path == "/favicon.ico"
}

// authenticate refuses anonymous requests outside the public pages (a page request is sent to the
// login page), on every path, so that the anonymous learn nothing of the routes. Which roles may
// use a route is in the routes table (authorize); which unit, in the handlers (requireUnit).
func (s *Server) authenticate(c *fiber.Ctx) error {
	if s.isPublic(c.Path()) {
		return c.Next()
	}
	u := currentUser(c)
	if u == nil {
		if c.Method() == fiber.MethodGet && !wantsJSON(c) {
			return c.Redirect("/login?next="+url.QueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
		}
		return models.Errorf(models.EUnauthorized, "请先登录。")
	}
	return c.Next()
}

// requireUnit checks that the signed-in user may act for the unit: the office for any unit, a county
// user only for its own. Upload, template and history handlers call it with the unit code of the
// request: if err := s.requireUnit(c, code); err != nil { return err }.
func (s *Server) requireUnit(c *fiber.Ctx, unitCode string) error {
	u := currentUser(c)
	if u == nil {
		return models.Errorf(models.EUnauthorized, "请先登录。")
	}
	if !models.MayActForUnit(*u, unitCode) {
		return models.Errorf(models.EForbidden, "您只能查看和报送本单位的数据。")
	}
	return nil
}

// actor names the signed-in user and the request's address for the audit trail.
func (s *Server) actor(c *fiber.Ctx) models.Actor {
	a := models.Actor{IP: c.IP()}
	if u := currentUser(c); u != nil {
		a.Username = u.Username
	}
	return a
}

// setCookie writes an HttpOnly, SameSite=Lax cookie (Secure when served over TLS).
func (s *Server) setCookie(c *fiber.Ctx, name, value string, expires time.Time) {
	// The browser reads Expires on the real clock while the server's clock may be set to another
	// day (serve --demo, --today): the cookie keeps the lifetime, not the server's date.
	// A zero Expires is a browser-session cookie (the CSRF cookie) and stays one.
	if !expires.IsZero() {
		expires = time.Now().Add(expires.Sub(s.Config.Now()))
	}
	c.Cookie(&fiber.Cookie{Name: name, Value: value, Path: "/", Expires: expires, HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
		Secure: s.Config.SecureCookies || c.Protocol() == "https"})
}

func (s *Server) clearCookie(c *fiber.Ctx, name string) {
	s.setCookie(c, name, "", time.Unix(0, 0))
}

// flash leaves a one-time message for the next page the user sees.
func (s *Server) flash(c *fiber.Ctx, message string) {
	s.setCookie(c, flashCookie, url.QueryEscape(message), s.Config.Now().Add(time.Minute))
}

// takeFlash reads and clears the one-time message.
func (s *Server) takeFlash(c *fiber.Ctx) string {
	v := c.Cookies(flashCookie)
	if v == "" {
		return ""
	}
	s.clearCookie(c, flashCookie)
	msg, err := url.QueryUnescape(v)
	if err != nil {
		return ""
	}
	return msg
}
