package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
	"ruralkpi/models"
)

// formPeriod reads a month of the plan from a form field.
func (s *Server) formPeriod(c *fiber.Ctx, field string) (models.Period, error) {
	v := strings.TrimSpace(c.FormValue(field))
	p, err := models.ParsePeriod(v)
	if err != nil || !s.Plan.ContainsPeriod(v) {
		return models.Period{}, models.Errorf(models.EInvalid, "月份 %q 不在方案期内。", v)
	}
	return p, nil
}

// setDeadline changes a month's due date.
func (s *Server) setDeadline(c *fiber.Ctx) error {
	p, err := s.formPeriod(c, "period")
	if err != nil {
		return err
	}
	due, err := models.ParseDate(c.FormValue("due"))
	if err != nil {
		return err
	}
	if err := s.Store.SetDeadline(p, due, s.actor(c), s.Config.Now()); err != nil {
		return err
	}
	s.flash(c, p.Label()+"月报截止日已设为 "+due.Format("2006-01-02")+"。")
	return s.backToBoard(c, p.String())
}

// setLockDays changes how many days after its deadline a month locks.
func (s *Server) setLockDays(c *fiber.Ctx) error {
	days, err := strconv.Atoi(strings.TrimSpace(c.FormValue("days")))
	if err != nil {
		return models.Errorf(models.EInvalid, "锁定天数应为整数。")
	}
	if err := s.Store.SetLockAfterDays(days, s.actor(c), s.Config.Now()); err != nil {
		return err
	}
	s.flash(c, "已设置：截止日后 "+strconv.Itoa(days)+" 天锁定。")
	return s.backToBoard(c, c.FormValue("period"))
}

// reopen lets one unit submit a locked month again, for a reason.
func (s *Server) reopen(c *fiber.Ctx) error {
	p, err := s.formPeriod(c, "period")
	if err != nil {
		return err
	}
	unit := c.FormValue("unit")
	if u, ok := s.Plan.Unit(unit); !ok || len(u.Children) > 0 {
		return models.Errorf(models.EInvalid, "单位代码 %q 不是本方案的填报单位。", unit)
	}
	r, err := s.Store.Reopen(unit, p, c.FormValue("reason"), s.actor(c), s.Config.Now())
	if err != nil {
		return err
	}
	s.flash(c, "已为 "+unit+" 重新开放"+p.Label()+"月报，有效期至 "+models.FormatLocalTime(r.ExpiresAt)+"。")
	return c.Redirect(dashboards.DeadlinesLink(s.Plan, p.String(), s.Plan.Parent(unit)), fiber.StatusSeeOther)
}
