package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

// ledgerComparisonRow is one derived indicator beside the reported one.
type ledgerComparisonRow struct {
	models.LedgerComparison
	Name string
	// ByReturn is the office's choice that the return counts for this indicator.
	ByReturn bool
}

type ledgerPageData struct {
	Unit       models.Unit
	Browse     models.LedgerBrowse
	Query      models.LedgerPointQuery
	Fused      string
	Direct     string
	Comparison []ledgerComparisonRow
	Pages      int
	Statuses   [][2]string
	// CanUpload is true for the office and the unit's own clerks; Office also edits villages and sources.
	CanUpload, Office bool
	Periods           []string
	Period            string
}

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
		Sort: c.Query("sort"), Desc: c.Query("desc") == "1", Page: c.QueryInt("page", 1), PerPage: 50,
		Fused: ledgerFlag(c.Query("fused")), Direct: ledgerFlag(c.Query("direct"))}
	snapshot, _ := strconv.ParseUint(c.Query("snapshot"), 10, 64)
	b, err := s.Store.BrowseLedger(unit.Code, uint(snapshot), q)
	if err != nil {
		return err
	}
	data := ledgerPageData{Unit: unit, Browse: b, Query: q, Fused: c.Query("fused"), Direct: c.Query("direct"),
		Pages: int((b.Page.Total + 49) / 50),
		Statuses: [][2]string{{models.LedgerOperating.Code(), models.LedgerOperating.Label()},
			{models.LedgerMerged.Code(), models.LedgerMerged.Label()}, {models.LedgerClosed.Code(), models.LedgerClosed.Label()}}}
	u := currentUser(c)
	data.CanUpload = u != nil && models.MayActForUnit(*u, unit.Code)
	data.Office = u != nil && u.Role == models.RoleOffice
	data.Periods, data.Period = s.reportingPeriods(), s.defaultPeriod()
	data.Comparison = s.ledgerComparisonRows(b.Comparison, b.Sources)
	return s.render(c, "ledger.html", "ledger", unit.Name+"网点台账", data)
}

// ledgerComparisonRows names the indicators of a comparison and marks the office's choices.
func (s *Server) ledgerComparisonRows(cmps []models.LedgerComparison, sources map[string]models.LedgerSource) []ledgerComparisonRow {
	out := make([]ledgerComparisonRow, 0, len(cmps))
	for _, cmp := range cmps {
		name := cmp.Indicator
		if ind, ok := s.Plan.Indicator(cmp.Indicator); ok {
			name = ind.Name
		}
		out = append(out, ledgerComparisonRow{LedgerComparison: cmp, Name: name, ByReturn: sources[cmp.Indicator] == models.LedgerSourceReturn})
	}
	return out
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
