package handlers

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/csrf"

	"ruralkpi/models"
)

type loginPageData struct {
	Next, Username, Error string
}

// loginFailed is the one message for every failed login, so that it does not tell which accounts exist.
const loginFailed = "用户名或密码错误。"

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/"
	}
	return next
}

// loginPage shows the login form.
func (s *Server) loginPage(c *fiber.Ctx) error {
	if currentUser(c) != nil {
		return c.Redirect(safeNext(c.Query("next")), fiber.StatusSeeOther)
	}
	return s.render(c, "login.html", "login", "登录", loginPageData{Next: safeNext(c.Query("next"))})
}

// login checks the password, with rate limits per account and per address, and starts a new
// session (a new id, so that a session id planted before login is worthless).
func (s *Server) login(c *fiber.Ctx) error {
	username := strings.TrimSpace(c.FormValue("username"))
	password := c.FormValue("password")
	data := loginPageData{Next: safeNext(c.FormValue("next")), Username: username}
	now, ip := s.Config.Now(), c.IP()
	if len(username) > 64 {
		username = username[:64]
	}
	if blocked, wait := s.limiter.blocked(username, ip, now); blocked {
		if err := s.Store.Audit(models.AuditEntry{At: now, Actor: username, IP: ip, Action: models.AuditLoginFailed, After: "rate limited"}); err != nil {
			return err
		}
		data.Error = fmt.Sprintf("登录失败次数过多，为保护账号安全已暂停登录，请 %d 分钟后再试。如忘记密码，请联系工作专班办公室重置。", int(math.Ceil(wait.Minutes())))
		c.Status(fiber.StatusTooManyRequests)
		return s.render(c, "login.html", "login", "登录", data)
	}
	u, err := s.Store.UserByName(username)
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
		s.limiter.fail(username, ip, now)
		if err := s.Store.Audit(models.AuditEntry{At: now, Actor: username, IP: ip, Action: models.AuditLoginFailed}); err != nil {
			return err
		}
		data.Error = loginFailed
		c.Status(fiber.StatusUnauthorized)
		return s.render(c, "login.html", "login", "登录", data)
	}
	s.limiter.succeed(username)
	id, err := s.Store.Login(u, c.Cookies(sessionCookie), models.Actor{Username: u.Username, IP: ip}, c.Get(fiber.HeaderUserAgent), now)
	if err != nil {
		return err
	}
	s.setCookie(c, sessionCookie, id, now.Add(models.SessionLifetime))
	// The CSRF token is renewed with the session: the next page issues a fresh one.
	if h, ok := c.Locals(csrf.ConfigDefault.HandlerContextKey).(*csrf.CSRFHandler); ok {
		_ = h.DeleteToken(c) // fails only when there was no token, which is fine
	}
	return c.Redirect(data.Next, fiber.StatusSeeOther)
}

// logout ends the session.
func (s *Server) logout(c *fiber.Ctx) error {
	if err := s.Store.Logout(c.Cookies(sessionCookie), s.actor(c), s.Config.Now()); err != nil {
		return err
	}
	s.clearCookie(c, sessionCookie)
	return c.Redirect("/login", fiber.StatusSeeOther)
}
