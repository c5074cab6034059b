package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
	"ruralkpi/models"
)

// homePage is `/` after sign-in: a county clerk's month, the office's "10th", and the overview for
// leaders (and anyone else).
func (s *Server) homePage(c *fiber.Ctx) error {
	u := currentUser(c)
	switch {
	case u != nil && u.Role == models.RoleCounty && c.Query("period") == "":
		data, err := s.myMonth(u.UnitCode)
		if err != nil {
			return err
		}
		return s.render(c, "home_county.html", "home", "我的本月", data)
	case u != nil && u.Role == models.RoleOffice && c.Query("period") == "":
		return s.cached(s.officeHome)(c)
	}
	// The leader's home (and any month asked for) is the overview, from the page cache.
	return s.cached(s.overviewPage)(c)
}

// officeHome is the office's "10th", from the page cache: every write that changes what it shows
// (returns and reviews, ledgers, deadlines and the lock setting, follow-ups, targets and
// allocations) records a data change, and what the clock changes it changes at midnight in the
// reporting zone, which the cache key's day follows.
func (s *Server) officeHome(c *fiber.Ctx) error {
	data, err := s.officeTenth()
	if err != nil {
		return err
	}
	return s.render(c, "home_office.html", "home", "本月工作台", data)
}

// myMonth reads what the county clerk's home shows and builds it (dashboards.NewMyMonthPage).
func (s *Server) myMonth(unit string) (dashboards.MyMonthPage, error) {
	now := s.Config.Now()
	period, months := dashboards.CollectingMonth(s.Plan, now)
	in := dashboards.MyMonthInput{Unit: unit, Period: period, Now: now}
	var err error
	if in.Board, err = s.Store.Board(s.Plan, months, period, now); err != nil {
		return dashboards.MyMonthPage{}, err
	}
	if in.Board.Locked[unit] {
		check, err := s.Store.SubmitCheck(s.Plan, unit, period, now)
		if err != nil {
			return dashboards.MyMonthPage{}, err
		}
		_, in.LockedMessage = models.CanSubmit(check)
	}
	if in.Data, err = s.dashboardInput(""); err != nil {
		return dashboards.MyMonthPage{}, err
	}
	if in.FollowUps, err = s.Store.FollowUps(unit); err != nil {
		return dashboards.MyMonthPage{}, err
	}
	in.LastMonth, err = s.Store.LatestVersion(unit, period.AddMonths(-1).String())
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return dashboards.MyMonthPage{}, err
	}
	return dashboards.NewMyMonthPage(s.Plan, in), nil
}
