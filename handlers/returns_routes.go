package handlers

import "github.com/gofiber/fiber/v2"

// registerReturns adds the monthly-return routes: template download, upload (API and web, with a
// preview), version history and the office's entry form.
func (s *Server) registerReturns(app *fiber.App) {
	api := app.Group("/api/v1/returns")
	api.Get("/template", s.apiReturnTemplate)
	api.Get("/versions", s.apiReturnVersions)
	api.Post("/", s.apiReturnUpload)

	app.Get("/returns", s.uploadPage)
	app.Post("/returns", s.returnsSubmit)
	app.Post("/returns/preview", s.returnsPreview)
	app.Get("/returns/history", s.returnsHistoryPage)
	app.Get("/returns/office", s.officeForm)
	app.Post("/returns/office", s.officeSubmit)
}
