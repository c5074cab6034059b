package handlers

import (
	"ruralkpi/dashboards"
	"ruralkpi/models"
)

// dashboardInput takes the progress data from the read model and picks the month to show: the one
// asked for (?period=YYYY-MM), else the latest month with data, else the current month.
func (s *Server) dashboardInput(periodParam string) (dashboards.Input, error) {
	period, err := dashboards.ParsePeriodParam(periodParam)
	if err != nil {
		return dashboards.Input{}, err
	}
	snap, err := s.Store.Progress(s.Plan)
	if err != nil {
		return dashboards.Input{}, err
	}
	calc := snap.Calc
	now := s.Config.Now()
	return dashboards.NewInput(calc, period, models.Period{Year: now.Year(), Month: int(now.Month())})
}
