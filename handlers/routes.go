package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

// access is who may use a route: a set of roles, or everyone including the anonymous. The zero
// value admits nobody, so a row that forgets to say fails closed.
type access uint8

// The roles of the routes table.
const (
	allowOffice access = 1 << iota
	allowLeader
	allowCounty
	// allowAnyone needs no sign-in: the login page and the health check.
	allowAnyone

	// allowSignedIn is every role.
	allowSignedIn = allowOffice | allowLeader | allowCounty
	// allowFilers are the roles that file returns and ledgers: the office for any unit, a county
	// user for its own (the handler checks the unit).
	allowFilers = allowOffice | allowCounty
	// allowReaders read the plan's close-out: the office and leaders.
	allowReaders = allowOffice | allowLeader
)

// admits reports whether a user of the role may use the route.
func (a access) admits(role string) bool {
	switch role {
	case models.RoleOffice:
		return a&allowOffice != 0
	case models.RoleLeader:
		return a&allowLeader != 0
	case models.RoleCounty:
		return a&allowCounty != 0
	}
	return false
}

// route is one row of the routes table.
type route struct {
	method, path string
	handler      fiber.Handler
	access       access
}

// routeTable lists every route of the application but the embedded static files (registered by
// static.Assets ahead of the session middleware): path, method, handler and the roles admitted.
// The role check comes from here (authorize); which unit a county user may see or change is
// checked in the handlers (requireUnit). The authorization matrix test reads this table.
func (s *Server) routeTable() []route {
	return []route{
		{"GET", "/healthz", s.healthz, allowAnyone},
		{"GET", "/login", s.loginPage, allowAnyone},
		{"POST", "/login", s.login, allowAnyone},
		{"POST", "/logout", s.logout, allowSignedIn},
		{"GET", "/account", s.accountPage, allowSignedIn},
		{"POST", "/account/password", s.changePassword, allowSignedIn},
		{"POST", "/account/tokens", s.createToken, allowSignedIn},
		{"POST", "/account/tokens/:id/revoke", s.revokeToken, allowSignedIn},

		// The JSON API (README); the progress answers are cached like the pages.
		{"GET", "/api/v1/me", s.apiMe, allowSignedIn},
		{"GET", "/api/v1/counties", s.apiCounties, allowSignedIn},
		{"GET", "/api/v1/indicators", s.apiIndicators, allowSignedIn},
		{"GET", "/api/v1/targets", s.apiTargets, allowSignedIn},
		{"GET", "/api/v1/progress", s.cached(s.apiProgress), allowSignedIn},
		{"GET", "/api/v1/returns/template", s.apiReturnTemplate, allowFilers},
		{"GET", "/api/v1/returns/versions", s.apiReturnVersions, allowSignedIn},
		{"POST", "/api/v1/returns/", s.apiReturnUpload, allowFilers},
		{"POST", "/api/v1/returns/:id/review", s.apiReview, allowOffice},
		{"GET", "/api/v1/ledger/template", s.apiLedgerTemplate, allowFilers},
		{"POST", "/api/v1/ledger", s.apiLedgerUpload, allowFilers},
		{"POST", "/api/v1/ledger/:id/review", s.apiReviewLedger, allowOffice},
		{"GET", "/api/v1/reports/monthly", s.apiReportMonthly, allowSignedIn},
		{"GET", "/api/v1/reports/progress.csv", s.csvProgress, allowSignedIn},
		{"GET", "/api/v1/reports/matrix.csv", s.csvMatrix, allowSignedIn},
		{"GET", "/api/v1/reports/unit.csv", s.csvUnit, allowSignedIn},
		{"GET", "/api/v1/reports/indicator.csv", s.csvIndicator, allowSignedIn},
		{"GET", "/api/v1/reports/returns.csv", s.csvReturns, allowSignedIn},
		{"GET", "/api/v1/reports/closeout.xlsx", s.closeoutWorkbook, allowReaders},

		// Each role's home and the progress pages, cached per viewer scope and data version
		// (page_cache.go).
		{"GET", "/", s.homePage, allowSignedIn},
		{"GET", "/overview", s.cached(s.overviewPage), allowSignedIn},
		{"GET", "/counties/:code", s.cached(s.countyPage), allowSignedIn},
		{"GET", "/workstreams/:code", s.cached(s.workstreamPage), allowSignedIn},
		{"GET", "/indicators/:code", s.cached(s.indicatorPage), allowSignedIn},
		{"POST", "/indicators/:code/tolerance", s.setTolerance, allowOffice},
		{"GET", "/plan", s.planPage, allowSignedIn},
		{"GET", "/briefing", s.cached(s.briefingPage), allowSignedIn},
		{"GET", "/briefing.pdf", s.briefingPDF, allowSignedIn},
		{"GET", "/closeout", s.cached(s.closeoutPage), allowReaders},
		{"GET", "/closeout.pdf", s.closeoutPDF, allowReaders},

		// Monthly returns: upload with a preview, version history, the web form, the office's form.
		{"GET", "/returns", s.uploadPage, allowFilers},
		{"POST", "/returns", s.returnsSubmit, allowFilers},
		{"POST", "/returns/preview", s.returnsPreview, allowFilers},
		{"GET", "/returns/history", s.returnsHistoryPage, allowSignedIn},
		{"GET", "/returns/versions/:id/file", s.returnVersionFile, allowFilers},
		{"GET", "/returns/form", s.returnsFormPage, allowFilers},
		{"POST", "/returns/form", s.returnsFormSubmit, allowFilers},
		{"POST", "/returns/form/check", s.returnsFormCheck, allowFilers},
		{"GET", "/returns/office", s.officeForm, allowOffice},
		{"POST", "/returns/office", s.officeSubmit, allowOffice},

		// Ledgers: pages, upload with a preview and confirm, the village reference list, sources.
		{"GET", "/ledger/:county", s.ledgerPage, allowSignedIn},
		{"GET", "/ledger/:county/points/:code", s.ledgerPointPage, allowSignedIn},
		{"POST", "/ledger/:county/preview", s.ledgerPreview, allowFilers},
		{"POST", "/ledger/:county/upload", s.ledgerConfirm, allowFilers},
		{"GET", "/ledger/:county/villages", s.ledgerVillagesPage, allowOffice},
		{"POST", "/ledger/:county/villages", s.ledgerVillagesImport, allowOffice},
		{"GET", "/ledger/:county/villages/template", s.ledgerVillagesTemplate, allowOffice},
		{"POST", "/ledger/sources", s.ledgerSourceSet, allowOffice},

		// The office's work: review, deadlines, follow-ups, allocations, users, reminders, audit.
		{"GET", "/review", s.reviewPage, allowFilers},
		{"POST", "/review/:id", s.reviewVersion, allowOffice},
		{"POST", "/review/ledger/:id", s.reviewLedgerSnapshot, allowOffice},
		{"GET", "/deadlines", s.deadlinesPage, allowSignedIn},
		{"POST", "/deadlines", s.setDeadline, allowOffice},
		{"POST", "/deadlines/lock", s.setLockDays, allowOffice},
		{"POST", "/deadlines/reopen", s.reopen, allowOffice},
		{"GET", "/followups", s.followUpsPage, allowSignedIn},
		{"POST", "/followups", s.openFollowUp, allowOffice},
		{"POST", "/followups/:id/answer", s.answerFollowUp, allowFilers},
		{"POST", "/followups/:id/close", s.closeFollowUp, allowOffice},
		{"GET", "/allocations", s.allocationsPage, allowSignedIn},
		{"POST", "/allocations", s.setAllocation, allowOffice},
		{"POST", "/allocations/target", s.setTarget, allowOffice},
		{"GET", "/allocations/template", s.allocationsTemplate, allowOffice},
		{"POST", "/allocations/import", s.importAllocations, allowOffice},
		{"GET", "/admin/users", s.usersPage, allowOffice},
		{"POST", "/admin/users", s.createUser, allowOffice},
		{"POST", "/admin/users/:username", s.updateUser, allowOffice},
		{"POST", "/admin/users/:username/tokens/:id/revoke", s.adminRevokeToken, allowOffice},
		{"GET", "/reminders", s.remindersPage, allowOffice},
		{"POST", "/reminders", s.setReminders, allowOffice},
		{"POST", "/reminders/test", s.testReminder, allowOffice},
		{"POST", "/quality/dismiss", s.dismissFlag, allowOffice},
		{"GET", "/audit", s.auditPage, allowOffice},
		{"GET", "/audit/export", s.auditExport, allowOffice},
	}
}

// routes registers the routes table, each route behind the role check its row names.
func (s *Server) routes(app *fiber.App) {
	s.public = map[string]bool{}
	for _, r := range s.routeTable() {
		if r.access&allowAnyone != 0 {
			s.public[r.path] = true
		}
		chain := []fiber.Handler{r.handler}
		if r.access&allowAnyone == 0 {
			chain = []fiber.Handler{authorize(r.access), r.handler}
		}
		if r.method == fiber.MethodGet {
			app.Get(r.path, chain...) // and HEAD
			continue
		}
		app.Add(r.method, r.path, chain...)
	}
}

// authorize is the route middleware admitting only the roles of the route's row. A leader is
// told that the account is read-only when refused a change.
func authorize(a access) fiber.Handler {
	return func(c *fiber.Ctx) error {
		u := currentUser(c)
		if u == nil {
			return models.Errorf(models.EUnauthorized, "请先登录。")
		}
		if a.admits(u.Role) {
			return c.Next()
		}
		if u.Role == models.RoleLeader && c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead {
			return models.Errorf(models.EForbidden, "领导账号为只读账号，不能修改数据。")
		}
		return models.Errorf(models.EForbidden, "您的账号（%s）没有权限访问该功能。", models.Role(u.Role).Label())
	}
}
