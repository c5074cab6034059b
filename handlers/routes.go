package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

// routes registers every route. Each feature adds its own lines here; the handlers live one per
// file, named for the action.
func (s *Server) routes(app *fiber.App) {
	app.Get("/healthz", s.healthz)

	api := app.Group("/api/v1")
	api.Get("/counties", s.apiCounties)
	api.Get("/indicators", s.apiIndicators)
	api.Get("/targets", s.apiTargets)
	api.Get("/progress", s.cached(s.apiProgress))
	api.Get("/ledger/template", s.apiLedgerTemplate)
	api.Post("/ledger", s.apiLedgerUpload)

	s.registerReturns(app)

	// Each role's home; the progress pages are cached per viewer scope and data version (page_cache.go).
	app.Get("/", s.homePage)
	app.Get("/overview", s.cached(s.overviewPage))
	app.Get("/counties/:code", s.cached(s.countyPage))
	app.Get("/workstreams/:code", s.cached(s.workstreamPage))
	app.Get("/indicators/:code", s.cached(s.indicatorPage))
	app.Post("/indicators/:code/tolerance", s.requireRole(models.RoleOffice), s.setTolerance)
	app.Get("/plan", s.planPage)

	s.reportRoutes(app)
	s.closeoutRoutes(app)
	s.accessRoutes(app)
	app.Get("/ledger/:county", s.ledgerPage)
	app.Get("/ledger/:county/points/:code", s.ledgerPointPage)
	s.registerLedgerWeb(app)
	s.reminderRoutes(app)
}
