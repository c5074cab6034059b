package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
	"ruralkpi/models"
)

// ledgerPage is the ledger browser of a unit: its snapshots, a searchable, filterable, sortable page
// of points, and the derived figures beside the reported ones.
func (s *Server) ledgerPage(c *fiber.Ctx) error {
	unit, ok := s.Plan.Unit(c.Params("county"))
	if !ok {
		return models.Errorf(models.ENotFound, "单位不存在。")
	}
	if err := s.requireLedgerReader(c, unit.Code); err != nil {
		return err
	}
	q := models.LedgerPointQuery{Search: c.Query("q"), Township: c.Query("township"), Status: c.Query("status"),
		Sort: c.Query("sort"), Desc: c.Query("desc") == "1", Page: c.QueryInt("page", 1), PerPage: dashboards.LedgerPerPage,
		Fused: ledgerFlag(c.Query("fused")), Direct: ledgerFlag(c.Query("direct"))}
	snapshot, _ := strconv.ParseUint(c.Query("snapshot"), 10, 64)
	b, err := s.Store.BrowseLedger(unit.Code, uint(snapshot), q)
	if err != nil {
		return err
	}
	data := dashboards.NewLedgerPage(s.Plan, unit, b, q, dashboards.LedgerFilters{Fused: c.Query("fused"), Direct: c.Query("direct")},
		currentUser(c), s.reportingPeriods(), s.defaultPeriod())
	return s.render(c, "ledger.html", "ledger", unit.Name+"网点台账", data)
}

// ledgerFlag reads a 是/否 filter: "1", "0" or anything else for no filter.
func ledgerFlag(v string) *bool {
	switch v {
	case "1":
		t := true
		return &t
	case "0":
		f := false
		return &f
	}
	return nil
}

// requireLedgerReader lets the office and leaders read any unit's ledger and a county user only
// its own unit's.
func (s *Server) requireLedgerReader(c *fiber.Ctx, unitCode string) error {
	if u := currentUser(c); u != nil && u.Role == models.RoleLeader {
		return nil
	}
	return s.requireUnit(c, unitCode)
}
