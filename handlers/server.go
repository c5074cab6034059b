// Package handlers holds the Fiber handlers and middleware: thin code that parses a request,
// authorises it, calls one thing in models, importers or dashboards, and renders the result.
package handlers

import (
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"ruralkpi/dashboards"
	"ruralkpi/models"
	"ruralkpi/templates"
)

// Config is the part of the application's configuration the handlers need.
type Config struct {
	// BodyLimit caps a request body; uploads larger than this are refused before parsing.
	BodyLimit int
	// Now is the one clock (locks, deadlines, forecasts, default months): the real time, or a set
	// day (`serve --demo`, `--today`, tests).
	Now func() time.Time
	// Demo marks the demo database: pages carry a banner with the clock's date.
	Demo bool
	// SecureCookies marks cookies Secure; set it when the app is served over TLS (directly or
	// behind a TLS-terminating proxy).
	SecureCookies bool
}

// Server holds what every handler needs.
type Server struct {
	Plan   *models.Plan
	Store  *models.Store
	Views  *templates.Views
	Config Config
	Log    *slog.Logger
	// MapFeatures names the areas the county map has outlines for (from the embedded map data); a unit
	// without one is shown beside the map. Nil means unknown.
	MapFeatures map[string]bool

	// limiter counts failed logins per account and per address.
	limiter *loginLimiter
}

// DefaultBodyLimit is 16 MiB: a monthly return is tens of kilobytes and a province-scale ledger a
// few megabytes, so anything larger is refused before it is read.
const DefaultBodyLimit = 16 << 20

// New builds the Fiber application with every route.
func New(s *Server) (*fiber.App, error) {
	if s.Plan == nil || s.Store == nil {
		return nil, errors.New("handlers: a plan and a store are required")
	}
	if s.Config.BodyLimit <= 0 {
		s.Config.BodyLimit = DefaultBodyLimit
	}
	if s.Config.Now == nil {
		s.Config.Now = time.Now
	}
	if s.Log == nil {
		s.Log = slog.Default()
	}
	if s.MapFeatures == nil {
		s.MapFeatures = loadMapFeatures(s.Log)
	}
	if s.Views == nil {
		views, err := templates.Parse(s.templateFuncs())
		if err != nil {
			return nil, fmt.Errorf("handlers: %w", err)
		}
		s.Views = views
	}
	app := fiber.New(fiber.Config{
		// Request strings are otherwise reused by fasthttp after the handler returns.
		Immutable:             true,
		BodyLimit:             s.Config.BodyLimit,
		ErrorHandler:          s.errorHandler,
		DisableStartupMessage: true,
		ReadTimeout:           60 * time.Second,
		WriteTimeout:          120 * time.Second,
	})
	app.Use(recover.New())
	app.Use(securityHeaders)
	if err := registerStatic(app); err != nil {
		return nil, err
	}
	s.limiter = newLoginLimiter()
	// Who is asking, then CSRF on forms, then who may see what; routes add finer role checks.
	app.Use(s.loadUser, s.csrfProtection(), s.authenticate)
	s.routes(app)
	return app, nil
}

// securityHeaders sets a strict Content Security Policy: only the app's own scripts, styles and
// images, nothing from outside (the app runs offline on an intranet).
func securityHeaders(c *fiber.Ctx) error {
	c.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Referrer-Policy", "same-origin")
	c.Set("X-Frame-Options", "DENY")
	return c.Next()
}

func (s *Server) templateFuncs() template.FuncMap {
	return template.FuncMap{
		"num":   dashboards.Number,
		"pct":   dashboards.Percent,
		"add":   func(a, b int) int { return a + b },
		"label": func(p models.Period) string { return p.Label() },
		// status is the one word of a progress status (models.ProgressStatus.Label): 正常, 预警, 滞后.
		"status": func(s string) string { return models.ProgressStatus(s).Label() },
		// indicatorName shows an indicator by its Chinese name (the code when the plan has none).
		"indicatorName": func(code string) string {
			if ind, ok := s.Plan.Indicator(code); ok {
				return ind.Name
			}
			return code
		},
	}
}
