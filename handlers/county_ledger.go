package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
	"ruralkpi/models"
)

// countyPageData is the unit page: the dashboards' view and, where the unit keeps a ledger, the
// figures derived from it beside the reported ones.
type countyPageData struct {
	dashboards.UnitPage
	Ledger *dashboards.CountyLedger
	// LedgerLink is true for users who may open the unit's ledger page (to upload the first one).
	LedgerLink bool
	// Quality holds the data-quality flags of the unit's return of the page's month.
	Quality *qualityData
}

// countyLedger compares the unit's newest ledger snapshot up to the page's month with its return of
// the snapshot's month; nil when the unit has no ledger.
func (s *Server) countyLedger(c *fiber.Ctx, unit, period string) (*dashboards.CountyLedger, error) {
	snap, err := s.Store.LatestLedgerSnapshot(unit, period)
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	cmps, sources, err := s.Store.CompareSnapshot(snap)
	if err != nil {
		return nil, err
	}
	return dashboards.NewCountyLedger(s.Plan, snap, cmps, sources, s.requireLedgerReader(c, unit) == nil), nil
}
