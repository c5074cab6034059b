package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
	"ruralkpi/importers/returns"
	"ruralkpi/models"
)

// reviewPage shows the office the versions and ledger snapshots waiting for review and recent
// decisions; a county user sees its own unit's with the office's decisions and reasons.
func (s *Server) reviewPage(c *fiber.Ctx) error {
	u := currentUser(c)
	in := dashboards.ReviewInput{Office: u.Role == models.RoleOffice, LaterFlags: returns.LaterMonthsFlags}
	filter := models.VersionFilter{Limit: 100}
	if !in.Office {
		filter.UnitCode = u.UnitCode
	}
	var err error
	if in.Recent, err = s.Store.Versions(filter); err != nil {
		return err
	}
	if in.Submissions, err = s.Store.Submissions(); err != nil {
		return err
	}
	if in.Office {
		// The queue must hold every pending version, not only those among the newest hundred.
		if in.Waiting, err = s.Store.Versions(models.VersionFilter{Status: models.StatusSubmitted}); err != nil {
			return err
		}
	}
	if in.Ledgers, err = s.Store.LedgerReviews(filter.UnitCode, 100); err != nil {
		return err
	}
	if in.Names, err = s.Store.DisplayNames(); err != nil {
		return err
	}
	page := dashboards.NewReviewPage(s.Plan, in)
	for i, row := range page.Pending {
		if page.Pending[i].Quality, err = s.qualityOfLatest(c, row.UnitCode, row.Period); err != nil {
			return err
		}
	}
	return s.render(c, "review.html", "review", "月报审核", page)
}
