package handlers

import (
	"context"
	"net"
	"net/url"
	"time"

	"github.com/valyala/fasthttp"

	"ruralkpi/models"
)

// maxWarmUnits bounds the unit pages WarmPages computes: every unit's page for a city or a province,
// none for the country (its city-level pages are warmed all the same).
const maxWarmUnits = 200

// WarmPages computes into the page cache, one page at a time, the progress pages every leader and
// the office open first (home, overview, briefing, each workstream and indicator, each unit's page
// up to maxWarmUnits, the progress API), as the leader's and the office's scope see them, with and
// without the month shown by default in the address. It is run when a server starts: after a deploy
// or a restart in the reporting days, the first readers otherwise all computed their pages at once
// (two hundred readers on two cold servers made the load tool's whole read p99, in its first ten
// seconds). It returns how many pages it computed, or when ctx ends.
func (s *Server) WarmPages(ctx context.Context) int {
	if s.handler == nil {
		return 0
	}
	n := 0
	for _, path := range s.warmPaths() {
		for _, role := range []string{models.RoleLeader, models.RoleOffice} {
			if ctx.Err() != nil {
				return n
			}
			if s.warm(path, &models.User{Role: role}) {
				n++
			}
		}
	}
	return n
}

// KeepPagesWarm warms the pages now (WarmPages) and again each time the day changes (a cached
// page is kept for one day: the first leader of the morning would otherwise compute the city's
// pages), looking every check; done is told how many pages each warming computed and how long it
// took. It returns when ctx ends.
func (s *Server) KeepPagesWarm(ctx context.Context, check time.Duration, done func(pages int, took time.Duration)) {
	t := time.NewTicker(check)
	defer t.Stop()
	for {
		day := s.pageDay()
		began := time.Now()
		n := s.WarmPages(ctx)
		if ctx.Err() != nil {
			return
		}
		done(n, time.Since(began))
		for s.pageDay() == day {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}
}

// pageDay is the day a cached page is kept for (pageKey).
func (s *Server) pageDay() string {
	return s.Config.Now().In(models.ReportingZone()).Format("2006-01-02")
}

// warmPaths are the addresses WarmPages computes, the most read first.
func (s *Server) warmPaths() []string {
	period := url.Values{"period": {s.warmPeriod()}}.Encode()
	var bare []string
	bare = append(bare, "/", "/overview", "/briefing", "/api/v1/progress")
	for _, w := range s.Plan.Workstreams {
		bare = append(bare, "/workstreams/"+w.Code)
	}
	for _, ind := range s.Plan.Indicators {
		bare = append(bare, "/indicators/"+ind.Code)
	}
	if units := s.Plan.ReportingUnits(); len(units) <= maxWarmUnits {
		for _, u := range units {
			bare = append(bare, "/counties/"+u.Code)
		}
	}
	out := make([]string, 0, 2*len(bare))
	for _, p := range bare {
		out = append(out, p, p+"?"+period) // links carry the month; the menu does not
	}
	return out
}

// warmPeriod is the month the progress pages show when the address names none.
func (s *Server) warmPeriod() string {
	in, err := s.dashboardInput("")
	if err != nil {
		return s.defaultPeriod()
	}
	return in.Period.String()
}

// warm computes one page as a viewer of the scope would (a GET through the app, the viewer set
// where the session would have put it); true when it was answered 200.
func (s *Server) warm(path string, viewer *models.User) bool {
	req := &fasthttp.Request{}
	req.Header.SetMethod(fasthttp.MethodGet)
	req.SetRequestURI(path)
	return s.serveInside(req, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)}, localUser, viewer).StatusCode() == fasthttp.StatusOK
}
