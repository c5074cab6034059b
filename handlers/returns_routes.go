package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

// registerReturns adds the monthly-return routes: template download, upload (API and web, with a
// preview), version history, the office's entry form and the web form.
func (s *Server) registerReturns(app *fiber.App) {
	api := app.Group("/api/v1/returns")
	api.Get("/template", s.apiReturnTemplate)
	api.Get("/versions", s.apiReturnVersions)
	api.Post("/", s.apiReturnUpload)

	app.Get("/returns", s.uploadPage)
	app.Post("/returns", s.returnsSubmit)
	app.Post("/returns/preview", s.returnsPreview)
	app.Get("/returns/history", s.returnsHistoryPage)
	app.Get("/returns/versions/:id/file", s.returnVersionFile)
	app.Get("/returns/office", s.officeForm)
	app.Post("/returns/office", s.officeSubmit)

	// The web form: the template's rows in the browser, checked and stored by the import service.
	filer := s.requireRole(models.RoleOffice, models.RoleCounty)
	app.Get("/returns/form", filer, s.returnsFormPage)
	app.Post("/returns/form", filer, s.returnsFormSubmit)
	app.Post("/returns/form/check", filer, s.returnsFormCheck)
}
