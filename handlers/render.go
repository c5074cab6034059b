package handlers

import (
	"bytes"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

// Page is what every page template receives: the layout's fields and the page's own Data.
type Page struct {
	Title      string
	Nav        string
	PlanName   string
	DocumentNo string
	// RootName is the plan's root unit (曲靖市 in the shipped plan), named in the banner.
	RootName    string
	Workstreams []models.Workstream
	User        *models.User
	Flash       string
	CSRF        string
	// DemoBanner, on the demo, says so and gives the clock's date.
	DemoBanner string
	Data       any
}

// page builds the layout fields for a request.
func (s *Server) page(c *fiber.Ctx, nav, title string, data any) Page {
	p := Page{Title: title, Nav: nav, PlanName: s.Plan.Name, DocumentNo: s.Plan.DocumentNo, RootName: s.Plan.Root.Name,
		Workstreams: s.Plan.Workstreams, Data: data}
	if u, ok := c.Locals(localUser).(*models.User); ok {
		p.User = u
	}
	if token, ok := c.Locals(localCSRF).(string); ok {
		p.CSRF = token
	}
	if s.Config.Demo {
		p.DemoBanner = "演示数据 · 系统日期 " + s.pageDay()
	}
	if p.Flash == "" {
		p.Flash = s.takeFlash(c)
	}
	return p
}

// Keys of request locals shared by middleware and handlers.
const (
	localUser = "user"
	localCSRF = "csrf"
)

// render writes a page through the layout; the body is built in memory first so that a template
// error becomes a clean error page rather than half a page.
func (s *Server) render(c *fiber.Ctx, name, nav, title string, data any) error {
	var buf bytes.Buffer
	p := s.page(c, nav, title, data)
	s.forCache(c, &p)
	if err := s.Views.Render(&buf, name, p); err != nil {
		return err
	}
	c.Type("html", "utf-8")
	return c.Send(buf.Bytes())
}
