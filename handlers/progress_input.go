package handlers

import (
	"ruralkpi/dashboards"
	"ruralkpi/models"
)

// dashboardInput loads the newest version of every return and picks the month to show: the one asked
// for (?period=YYYY-MM), else the latest month with data, else the current month.
func (s *Server) dashboardInput(periodParam string) (dashboards.Input, error) {
	period, err := dashboards.ParsePeriodParam(periodParam)
	if err != nil {
		return dashboards.Input{}, err
	}
	ds, err := s.Store.ProgressDataset(s.Plan.EndPeriod)
	if err != nil {
		return dashboards.Input{}, err
	}
	calc := models.NewProgressCalculator(s.Plan, ds, models.ProgressOptions{})
	now := s.Config.Now()
	return dashboards.NewInput(calc, period, models.Period{Year: now.Year(), Month: int(now.Month())})
}
