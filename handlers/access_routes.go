package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

// accessRoutes registers sign-in, accounts, user management, review, deadlines, follow-ups,
// allocations and the audit trail. Every route here has a row in the authorization matrix test.
func (s *Server) accessRoutes(app *fiber.App) {
	office := s.requireRole(models.RoleOffice)
	officeOrCounty := s.requireRole(models.RoleOffice, models.RoleCounty)

	app.Get("/login", s.loginPage)
	app.Post("/login", s.login)
	app.Post("/logout", s.logout)
	app.Get("/account", s.accountPage)
	app.Post("/account/password", s.changePassword)
	app.Post("/account/tokens", s.createToken)
	app.Post("/account/tokens/:id/revoke", s.revokeToken)

	app.Get("/admin/users", office, s.usersPage)
	app.Post("/admin/users", office, s.createUser)
	app.Post("/admin/users/:username", office, s.updateUser)
	app.Post("/admin/users/:username/tokens/:id/revoke", office, s.adminRevokeToken)

	app.Get("/review", officeOrCounty, s.reviewPage)
	app.Post("/review/:id", office, s.reviewVersion)
	app.Post("/review/ledger/:id", office, s.reviewLedgerSnapshot)

	app.Get("/deadlines", s.deadlinesPage)
	app.Post("/deadlines", office, s.setDeadline)
	app.Post("/deadlines/lock", office, s.setLockDays)
	app.Post("/deadlines/reopen", office, s.reopen)

	app.Get("/followups", s.followUpsPage)
	app.Post("/followups", office, s.openFollowUp)
	app.Post("/followups/:id/answer", officeOrCounty, s.answerFollowUp)
	app.Post("/followups/:id/close", office, s.closeFollowUp)

	app.Get("/allocations", s.allocationsPage)
	app.Post("/allocations", office, s.setAllocation)
	app.Post("/allocations/target", office, s.setTarget)
	app.Get("/allocations/template", office, s.allocationsTemplate)
	app.Post("/allocations/import", office, s.importAllocations)

	app.Get("/audit", office, s.auditPage)
	app.Get("/audit/export", office, s.auditExport)

	app.Get("/api/v1/me", s.apiMe)
	app.Post("/api/v1/returns/:id/review", office, s.apiReview)
	app.Post("/api/v1/ledger/:id/review", office, s.apiReviewLedger)
}
