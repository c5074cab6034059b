package handlers

import "github.com/gofiber/fiber/v2"

// reportRoutes registers the monthly workbook, the briefing and the CSV downloads.
func (s *Server) reportRoutes(app *fiber.App) {
	app.Get("/api/v1/reports/monthly", s.apiReportMonthly)
	app.Get("/api/v1/reports/progress.csv", s.csvProgress)
	app.Get("/api/v1/reports/matrix.csv", s.csvMatrix)
	app.Get("/api/v1/reports/unit.csv", s.csvUnit)
	app.Get("/api/v1/reports/indicator.csv", s.csvIndicator)
	app.Get("/api/v1/reports/returns.csv", s.csvReturns)
	app.Get("/briefing", s.cached(s.briefingPage)) // cached per scope and data version (page_cache.go)
	app.Get("/briefing.pdf", s.briefingPDF)
}
