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
	"github.com/valyala/fasthttp"

	"ruralkpi/models"
	"ruralkpi/reminders"
	"ruralkpi/static"
	"ruralkpi/store"
	"ruralkpi/templates"
	"ruralkpi/uploads"
)

// Config is the part of the application's configuration the handlers need.
type Config struct {
	// BodyLimit caps a request body; uploads larger than this are refused before parsing.
	BodyLimit int
	// Now is the one clock (locks, deadlines, forecasts, default months): the real time, or a set
	// day (`serve --demo`, `--today`, tests).
	Now func() time.Time
	// TempDir is the application's temporary folder (spooled uploads, staging files, previews
	// waiting for confirmation); empty means uploads.DefaultRoot().
	TempDir string
	// StalePages is how long after the data changed a cached page of the data before may still be
	// served while the current one is computed in the background (0: never; DefaultStalePages in
	// serve). Never across viewer scopes, and never to a viewer who wrote since (on this server).
	StalePages time.Duration
	// MaxImports is how many uploaded files are read at once (each may take a few tens of MiB);
	// further uploads wait on disk. 0 means DefaultMaxImports.
	MaxImports int
	// Demo marks the demo database: pages carry a banner with the clock's date.
	Demo bool
	// SecureCookies marks cookies Secure; set it when the app is served over TLS (directly or
	// behind a TLS-terminating proxy).
	SecureCookies bool
	// TrustedProxies are the addresses (or CIDR ranges) of the reverse proxies in front of the
	// server. A request from one of them is from the address its X-Forwarded-For names (its first
	// valid address; the proxy must set the header, not append to one the client sent): the login
	// throttle counts that address and the audit trail records it. Empty: the TCP peer, and the
	// header is ignored (a client cannot choose its address).
	TrustedProxies []string
}

// Server holds what every handler needs.
type Server struct {
	Plan   *models.Plan
	Store  *store.Store
	Views  *templates.Views
	Config Config
	Log    *slog.Logger
	// MapFeatures names the areas the county map has outlines for (from the embedded map data); a unit
	// without one is shown beside the map. Nil means unknown.
	MapFeatures map[string]bool
	// Reminders sends the office's reminders and test messages; the reminders page needs it.
	Reminders *reminders.Scheduler

	// limiter counts failed logins per account and per address.
	limiter *loginLimiter
	// assets are the embedded static files; templates link them by content-hashed URL ("asset").
	assets *static.Assets
	// pages caches rendered progress pages and API answers per viewer scope and data version.
	pages *pageCache
	// tmp is this process's share of the temporary folder.
	tmp *uploads.Dir
	// imports holds a token per upload being read (Config.MaxImports).
	imports chan struct{}
	// public are the paths the routes table opens to anyone (authenticate).
	public map[string]bool
	// handler is the app's request handler: the page cache's background refreshes run through it.
	handler fasthttp.RequestHandler
	app     *fiber.App // what New made: its open connections (Connections)
}

// DefaultStalePages is serve's Config.StalePages: under uploads every few hundred milliseconds the
// readers of a page would otherwise wait for it to be computed again after each one.
const DefaultStalePages = 500 * time.Millisecond

// PageCacheBytes is what the page cache holds now (0 before New): memory the server keeps at rest,
// which its default soft memory limit follows.
func (s *Server) PageCacheBytes() int64 {
	if s.pages == nil {
		return 0
	}
	return int64(s.pages.bytes())
}

// Connections is how many connections are open now (0 before New).
func (s *Server) Connections() int {
	if s.app == nil {
		return 0
	}
	return int(s.app.Server().GetOpenConnectionsCount())
}

// HeldBytes is what the server keeps at rest beyond the read model's build: the page cache and the
// reporting units' progress the read model keeps (up to ~110 MiB at national scale), which its
// default soft memory limit follows so that the collector is not left working against it.
func (s *Server) HeldBytes() int64 {
	return s.PageCacheBytes() + s.Store.KeptProgressBytes()
}

// DefaultMaxImports bounds the uploads read at once: four hostile files at their limits stay far
// below the 512 MiB the server is allowed when 20 arrive together.
const DefaultMaxImports = 4

// DefaultBodyLimit is 65 MiB: the documented ledger limit (64 MiB) and room for the form around
// it. Bodies are streamed to disk (readBody), so the limit costs disk, not memory.
const DefaultBodyLimit = 65 << 20

// New builds the Fiber application with every route.
func New(s *Server) (*fiber.App, error) {
	if s.Plan == nil || s.Store == nil {
		return nil, errors.New("handlers: a plan and a store are required")
	}
	// Pages compute from the read model; a store without one (tests) gets it here.
	if err := s.Store.StartReadModel(s.Plan); err != nil {
		return nil, fmt.Errorf("handlers: %w", err)
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
	if s.Reminders == nil {
		secrets, err := reminders.LoadSecrets("", nil)
		if err != nil {
			return nil, fmt.Errorf("handlers: %w", err)
		}
		s.Reminders = &reminders.Scheduler{Store: s.Store, Plan: s.Plan, Secrets: secrets, Log: s.Log}
	}
	if s.Reminders.Now == nil {
		s.Reminders.Now = s.Config.Now
	}
	if s.MapFeatures == nil {
		s.MapFeatures = loadMapFeatures(s.Log)
	}
	assets, err := static.New(static.Files(), "/static")
	if err != nil {
		return nil, fmt.Errorf("handlers: %w", err)
	}
	s.assets = assets
	s.pages = newPageCache(defaultPageCacheBytes)
	if s.Views == nil {
		views, err := templates.Parse(s.templateFuncs())
		if err != nil {
			return nil, fmt.Errorf("handlers: %w", err)
		}
		s.Views = views
	}
	if s.Config.MaxImports <= 0 {
		s.Config.MaxImports = DefaultMaxImports
	}
	s.imports = make(chan struct{}, s.Config.MaxImports)
	tmp, err := uploads.OpenDir(s.Config.TempDir)
	if err != nil {
		return nil, fmt.Errorf("handlers: %w", err)
	}
	s.tmp = tmp
	app := fiber.New(fiber.Config{
		// Request strings are otherwise reused by fasthttp after the handler returns.
		Immutable: true,
		BodyLimit: s.Config.BodyLimit,
		// Bodies are read by readBody as a stream (multipart files to disk), never whole; fasthttp's
		// own multipart pre-parse would keep up to 16 MiB of a file in memory.
		StreamRequestBody:            true,
		DisablePreParseMultipartForm: true,
		ErrorHandler:                 s.errorHandler,
		DisableStartupMessage:        true,
		ReadTimeout:                  60 * time.Second,
		WriteTimeout:                 120 * time.Second,
		// Behind trusted proxies only, the client's address is the one X-Forwarded-For names.
		ProxyHeader:             proxyHeader(s.Config.TrustedProxies),
		EnableTrustedProxyCheck: len(s.Config.TrustedProxies) > 0,
		TrustedProxies:          s.Config.TrustedProxies,
		EnableIPValidation:      true,
	})
	app.Use(recover.New())
	app.Use(securityHeaders)
	assets.Register(app)
	s.limiter = newLoginLimiter()
	s.startSweeper(app)
	// Who is asking, then the body (streamed to disk), then CSRF on forms, then sign-in; each route
	// of the table then checks the roles it admits.
	app.Use(s.loadUser, s.readBody, s.csrfProtection(), s.authenticate, s.noteWrites)
	s.routes(app)
	s.handler = app.Handler()
	s.app = app
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
		"num": models.FormatNumber,
		"pct": models.FormatPercent,
		"add": func(a, b int) int { return a + b },
		// whole names the root's whole area from the plan file (models.Plan.WholeWord): 全市, 全省.
		"whole": s.Plan.WholeWord,
		"label": func(p models.Period) string { return p.Label() },
		// status is the one word of a progress status (models.ProgressStatus.Label): 正常, 预警, 滞后.
		"status": func(s string) string { return models.ProgressStatus(s).Label() },
		// asset is the content-hashed URL of an embedded file, cached by browsers for a year.
		"asset": s.assets.URL,
		// limit is a free-text field's length limit (models.TextLimit), for maxlength and the hint.
		"limit": models.TextLimit,
		// indicatorName shows an indicator by its Chinese name (the code when the plan has none).
		"indicatorName": func(code string) string {
			if ind, ok := s.Plan.Indicator(code); ok {
				return ind.Name
			}
			return code
		},
	}
}

// proxyHeader is the header naming the client's address: X-Forwarded-For when there are trusted
// proxies, none otherwise.
func proxyHeader(trusted []string) string {
	if len(trusted) == 0 {
		return ""
	}
	return fiber.HeaderXForwardedFor
}
