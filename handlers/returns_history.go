package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
	"ruralkpi/importers/returns"
	"ruralkpi/models"
)

// returnHistory reads the versions of a return; a county user sees only its own unit's.
func (s *Server) returnHistory(who actor, county, period string) (dashboards.HistoryPage, error) {
	if who.Unit != "" && county != who.Unit {
		return dashboards.HistoryPage{}, models.Errorf(models.EForbidden, "只能查看本单位的月报。")
	}
	if _, ok := s.Plan.Unit(county); !ok {
		return dashboards.HistoryPage{}, models.Errorf(models.EInvalid, "单位代码“%s”不存在。", county)
	}
	if _, err := models.ParsePeriod(period); err != nil {
		return dashboards.HistoryPage{}, models.Errorf(models.EInvalid, "月份“%s”不是 YYYY-MM 的格式。", period)
	}
	versions, err := s.Store.ReturnHistory(county, period)
	if err != nil {
		return dashboards.HistoryPage{}, err
	}
	names, err := s.Store.DisplayNames()
	if err != nil {
		return dashboards.HistoryPage{}, err
	}
	return dashboards.NewHistoryPage(s.Plan, county, period, versions, names, returnsDiff(s.Plan), true), nil
}

// returnsHistoryPage shows who uploaded what and when for a unit and month, and what each version changed.
func (s *Server) returnsHistoryPage(c *fiber.Ctx) error {
	h, err := s.requestedHistory(c)
	if err != nil {
		return err
	}
	return s.render(c, "returns_history.html", "returns", h.CountyName+" "+h.Period+" 月报版本", h)
}

// requestedHistory is the history of the ?county= and ?period= of a request, as its reader may see it.
func (s *Server) requestedHistory(c *fiber.Ctx) (dashboards.HistoryPage, error) {
	who, err := s.historyReader(c)
	if err != nil {
		return dashboards.HistoryPage{}, err
	}
	h, err := s.returnHistory(who, c.Query("county"), c.Query("period"))
	// Leaders read every unit's history but may not download the files.
	h.FileLinks = h.FileLinks && (currentUser(c) == nil || currentUser(c).Role != models.RoleLeader)
	return h, err
}

// returnsDiff is the returns importer's comparison of two versions, as the history page takes it.
func returnsDiff(p *models.Plan) dashboards.VersionDiff {
	return func(older, newer models.ReturnVersion) []models.ReturnChange {
		return returns.Diff(p, older.Values, older.Milestones, newer.Values, newer.Milestones)
	}
}

// historyReader is who reads a version history: leaders read every unit's, like the office; a
// county user only its own.
func (s *Server) historyReader(c *fiber.Ctx) (actor, error) {
	if u := currentUser(c); u != nil && u.Role == models.RoleLeader {
		return actor{Name: u.Username}, nil
	}
	return s.actingUser(c)
}
