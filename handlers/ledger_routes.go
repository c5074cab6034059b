package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

// registerLedgerWeb adds the ledger's web forms: upload with a preview and confirm, the office's
// village reference list, and the office's choice of source per indicator.
func (s *Server) registerLedgerWeb(app *fiber.App) {
	office := s.requireRole(models.RoleOffice)
	app.Post("/ledger/sources", office, s.ledgerSourceSet)
	app.Post("/ledger/:county/preview", s.ledgerPreview)
	app.Post("/ledger/:county/upload", s.ledgerConfirm)
	app.Get("/ledger/:county/villages", office, s.ledgerVillagesPage)
	app.Post("/ledger/:county/villages", office, s.ledgerVillagesImport)
	app.Get("/ledger/:county/villages/template", office, s.ledgerVillagesTemplate)
}
