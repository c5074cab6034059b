package handlers

import (
	"ruralkpi/dashboards"
	"ruralkpi/models"
)

// officeTenth reads what the office's home shows and builds it (dashboards.NewOfficeTenthPage).
func (s *Server) officeTenth() (dashboards.OfficeTenthPage, error) {
	now := s.Config.Now()
	period, months := dashboards.CollectingMonth(s.Plan, now)
	// The page shows this month's column and last month's: the grid needs no other month.
	var grid []models.Period
	if len(months) > 0 && !period.AddMonths(-1).Before(months[0]) {
		grid = []models.Period{period.AddMonths(-1)}
	}
	in := dashboards.OfficeTenthInput{Period: period, Now: now}
	var err error
	if in.Board, err = s.Store.Board(s.Plan, grid, period, now); err != nil {
		return dashboards.OfficeTenthPage{}, err
	}
	if in.Submissions, err = s.Store.Submissions(); err != nil {
		return dashboards.OfficeTenthPage{}, err
	}
	ledgers, err := s.Store.LedgerReviews("", 20)
	if err != nil {
		return dashboards.OfficeTenthPage{}, err
	}
	in.PendingLedgers = ledgers.Pending
	if in.Data, err = s.dashboardInput(""); err != nil {
		return dashboards.OfficeTenthPage{}, err
	}
	if in.FollowUps, err = s.Store.FollowUps(""); err != nil {
		return dashboards.OfficeTenthPage{}, err
	}
	if in.Targets, err = s.Store.Targets(in.Data.Period.Year); err != nil {
		return dashboards.OfficeTenthPage{}, err
	}
	return dashboards.NewOfficeTenthPage(s.Plan, in), nil
}
