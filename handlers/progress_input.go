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
	now := s.Config.Now()
	in, err := dashboards.NewInput(snap.Calc, period, models.Period{Year: now.Year(), Month: int(now.Month())})
	in.Scopes = snap.ScopeProgress
	return in, err
}
