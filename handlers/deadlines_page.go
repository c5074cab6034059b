package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
	"ruralkpi/models"
)

// deadlinesPage shows the completeness and timeliness board for a month and the grid of every
// unit over every month so far.
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
	board, err := s.Store.Board(s.Plan, months, period, now)
	if err != nil {
		return err
	}
	data := dashboards.NewDeadlinesPage(s.Plan, board, months, period, currentUser(c).Role == models.RoleOffice)
	return s.render(c, "deadlines.html", "deadlines", "报送进度", data)
}
