package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
	"ruralkpi/models"
)

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
