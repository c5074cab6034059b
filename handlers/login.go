package handlers

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
	"ruralkpi/models"
)

// loginFailed is the one message for every failed login, so that it does not tell which accounts exist.
const loginFailed = "用户名或密码错误。"

// safeNext keeps a post-login redirect on this site: it returns next only when it is a path of
// this site however a browser reads it, and "/" otherwise. Browsers drop tabs and line breaks from
// URLs, read a backslash as a slash, and treat "//host" as another site, so anything carrying a
// control character or a backslash, or starting with two slashes, is refused, in the raw form and
// in every percent-decoded form (a redirect target may be decoded again along the way).
func safeNext(next string) string {
	if next == "" || len(next) > 2048 {
		return "/"
	}
	for s, i := next, 0; i < 4; i++ {
		if !sitePath(s) {
			return "/"
		}
		d, err := url.PathUnescape(s)
		if err != nil {
			return "/"
		}
		if d == s {
			break
		}
		s = d
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	return next
}

// sitePath reports whether s is a path on this site as written: one leading slash, then no
// character a browser would drop or turn into a slash.
func sitePath(s string) bool {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == '\\' || (unicode.IsSpace(r) && r != ' ') || r == utf8.RuneError {
			return false
		}
	}
	return true
}

// loginPage shows the login form.
func (s *Server) loginPage(c *fiber.Ctx) error {
	if currentUser(c) != nil {
		return c.Redirect(safeNext(c.Query("next")), fiber.StatusSeeOther)
	}
	return s.render(c, "login.html", "login", "登录", dashboards.NewLoginPage(safeNext(c.Query("next")), "", ""))
}

// login checks the password, with rate limits per account and address and per address, and starts a new
// session (a new id, so that a session id planted before login is worthless).
func (s *Server) login(c *fiber.Ctx) error {
	// The name is rate limited in its canonical form and looked up as the users table stores it,
	// however it was typed (Store.UserByLogin).
	username := models.TypedUsername(c.FormValue("username"))
	password := c.FormValue("password")
	next, typed := safeNext(c.FormValue("next")), strings.TrimSpace(c.FormValue("username"))
	now, ip := s.Config.Now(), c.IP()
	if len(username) > 64 {
		username = username[:64]
	}
	blocked, wait, err := s.loginBlocked(username, ip, now)
	if err != nil {
		return err
	}
	if blocked {
		if err := s.Store.Audit(models.AuditEntry{At: now, Actor: username, IP: ip, Action: models.AuditLoginFailed, After: models.AuditLoginRateLimited}); err != nil {
			return err
		}
		problem := fmt.Sprintf("登录失败次数过多，为保护账号安全已暂停登录，请 %d 分钟后再试。如忘记密码，请联系工作专班办公室重置。", int(math.Ceil(wait.Minutes())))
		c.Status(fiber.StatusTooManyRequests)
		return s.render(c, "login.html", "login", "登录", dashboards.NewLoginPage(next, typed, problem))
	}
	u, err := s.Store.UserByLogin(c.FormValue("username"))
	ok := false
	switch {
	case err == nil:
		ok = models.CheckPassword(u.PasswordHash, password) && !u.Disabled
	case errors.Is(err, models.ErrNotFound):
		s.limiter.burnPasswordCheck(password)
	default:
		return err
	}
	if !ok {
		// The audit entry is the failure the throttle counts, on every server.
		if err := s.Store.Audit(models.AuditEntry{At: now, Actor: username, IP: ip, Action: models.AuditLoginFailed}); err != nil {
			return err
		}
		c.Status(fiber.StatusUnauthorized)
		return s.render(c, "login.html", "login", "登录", dashboards.NewLoginPage(next, typed, loginFailed))
	}
	id, err := s.Store.Login(u, c.Cookies(sessionCookie), models.Actor{Username: u.Username, IP: ip}, c.Get(fiber.HeaderUserAgent), now)
	if err != nil {
		return err
	}
	s.setCookie(c, sessionCookie, id, now.Add(models.SessionLifetime))
	// The CSRF token is bound to the session (csrfSessionToken): the anonymous token of the login
	// form is dropped and worthless from now on.
	s.clearCookie(c, csrfCookie)
	return c.Redirect(next, fiber.StatusSeeOther)
}

// logout ends the session.
func (s *Server) logout(c *fiber.Ctx) error {
	if err := s.Store.Logout(c.Cookies(sessionCookie), s.actor(c), s.Config.Now()); err != nil {
		return err
	}
	s.clearCookie(c, sessionCookie)
	return c.Redirect("/login", fiber.StatusSeeOther)
}
