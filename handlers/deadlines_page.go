package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
	"ruralkpi/models"
)

// deadlinesPage shows the completeness and timeliness board for a month and the grid over every
// month so far, of the plan's root or of the unit the address names (?unit=CODE).
func (s *Server) deadlinesPage(c *fiber.Ctx) error {
	now := s.Config.Now()
	months := models.ReportingMonths(models.MustPeriod(s.Plan.StartPeriod), models.MustPeriod(s.Plan.EndPeriod), now)
	if len(months) == 0 {
		return models.Errorf(models.ENotFound, "方案尚未开始，没有需要报送的月份。")
	}
	period := months[len(months)-1]
	if q := c.Query("period"); q != "" {
		p, err := models.ParsePeriod(q)
		if err != nil || !s.Plan.ContainsPeriod(q) {
			return models.Errorf(models.EInvalid, "月份 %q 不在方案期内。", q)
		}
		period = p
	}
	scope, err := s.boardScope(c.Query("unit"))
	if err != nil {
		return err
	}
	board, err := s.Store.Board(s.Plan, months, period, now)
	if err != nil {
		return err
	}
	data := dashboards.NewDeadlinesPage(s.Plan, board, months, period, scope, currentUser(c).Role == models.RoleOffice)
	return s.render(c, "deadlines.html", "deadlines", "报送进度", data)
}

// boardScope is the unit whose deadlines board is asked for: the plan's root when code is empty.
func (s *Server) boardScope(code string) (models.Unit, error) {
	if code == "" {
		return s.Plan.Root, nil
	}
	u, ok := s.Plan.Unit(code)
	if !ok {
		return models.Unit{}, models.Errorf(models.ENotFound, "没有代码为 %q 的单位。", code)
	}
	return u, nil
}

// backToBoard sends the office back to the board it acted on: the month, and the unit the form
// names when it is one of the plan's.
func (s *Server) backToBoard(c *fiber.Ctx, period string) error {
	scope, err := s.boardScope(c.FormValue("unit"))
	if err != nil {
		scope = s.Plan.Root
	}
	return c.Redirect(dashboards.DeadlinesLink(s.Plan, period, scope.Code), fiber.StatusSeeOther)
}
