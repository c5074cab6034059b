package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

type followUpRow struct {
	models.FollowUp
	UnitName, IndicatorName, StatusLabel string
	Overdue, CanAnswer                   bool
}

type followUpsPageData struct {
	Office                        bool
	Open, Closed                  []followUpRow
	OpenCount, Overdue            int
	Units                         []models.Unit
	Indicators                    []models.Indicator
	PrefillUnit, PrefillIndicator string
	PrefillTitle, PrefillDue      string
}

// followUpsPage lists follow-ups (督办): open and overdue first. A county user sees its own unit's
// and can answer them; the office opens and closes them. Dashboards link here with
// ?unit=CODE&indicator=CODE to open a follow-up on a red indicator.
func (s *Server) followUpsPage(c *fiber.Ctx) error {
	u := currentUser(c)
	unit := ""
	if u.Role == models.RoleCounty {
		unit = u.UnitCode
	}
	list, err := s.Store.FollowUps(unit)
	if err != nil {
		return err
	}
	names, err := s.displayNames()
	if err != nil {
		return err
	}
	now := s.Config.Now()
	data := followUpsPageData{Office: u.Role == models.RoleOffice, Units: s.Plan.ReportingUnits(), Indicators: s.Plan.Indicators,
		PrefillUnit: c.Query("unit"), PrefillIndicator: c.Query("indicator"),
		PrefillTitle: c.Query("title"), PrefillDue: c.Query("due")}
	if data.PrefillDue == "" && data.PrefillUnit != "" {
		data.PrefillDue = followUpDue(now) // a 督办 opened from a red cell of the matrix comes with its due day
	}
	for _, f := range list {
		row := followUpRow{FollowUp: f, UnitName: f.UnitCode, IndicatorName: f.Indicator, StatusLabel: models.FollowUpStatus(f.Status).Label(),
			Overdue: models.FollowUpOverdue(f, now), CanAnswer: f.Status != models.FollowUpClosed && models.MayActForUnit(*u, f.UnitCode)}
		if un, ok := s.Plan.Unit(f.UnitCode); ok {
			row.UnitName = un.Name
		}
		if ind, ok := s.Plan.Indicator(f.Indicator); ok {
			row.IndicatorName = ind.Name
		}
		if f.Status == models.FollowUpClosed {
			row.ClosedBy = shownName(names, f.ClosedBy) // the page names who closed it as people read it
			data.Closed = append(data.Closed, row)
			continue
		}
		data.Open = append(data.Open, row)
		data.OpenCount++
		if row.Overdue {
			data.Overdue++
		}
	}
	return s.render(c, "followups.html", "followups", "督办事项", data)
}
