package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
)

// countyPage shows one unit: every indicator, its trends, its milestones and its returns.
func (s *Server) countyPage(c *fiber.Ctx) error {
	code := c.Params("code")
	in, err := s.dashboardInput(c.Query("period"))
	if err != nil {
		return err
	}
	versions, err := s.Store.VersionsOfUnit(code)
	if err != nil {
		return err
	}
	names, err := s.Store.DisplayNames()
	if err != nil {
		return err
	}
	for i := range versions { // the page names uploaders as people read them, not by user name
		versions[i].UploadedBy = dashboards.ShownName(names, versions[i].UploadedBy)
	}
	view, err := dashboards.NewUnitPage(in, code, versions)
	if err != nil {
		return err
	}
	if view.Ledger, err = s.countyLedger(c, code, view.Period); err != nil {
		return err
	}
	if view.Quality, err = s.qualityOfLatest(c, view.Code, view.Period); err != nil {
		return err
	}
	view.LedgerLink = s.requireLedgerReader(c, view.Code) == nil
	return s.render(c, "county.html", "county", view.Name, view)
}
