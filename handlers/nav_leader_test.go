package handlers

import (
	"strings"
	"testing"
)

// TestNavOffersOnlyWhatTheRoleMayOpen: the leader's menu has no 月报填报 (the page is refused to
// leaders); clerks and the office keep it; the sign-in page still renders.
func TestNavOffersOnlyWhatTheRoleMayOpen(t *testing.T) {
	e := newAccessEnv(t)
	for _, tc := range []struct {
		user    string
		returns bool
	}{{"leader", false}, {"office", true}, {"county-530302", true}} {
		t.Run(tc.user, func(t *testing.T) {
			res := e.loggedIn(tc.user).do("GET", "/", nil)
			if got := strings.Contains(res.body, `href="/returns"`); res.status != 200 || got != tc.returns {
				t.Errorf("%s: status %d, link to /returns %v, want %v", tc.user, res.status, got, tc.returns)
			}
		})
	}
	if res := e.client().do("GET", "/login", nil); res.status != 200 || strings.Contains(res.body, `href="/returns"`) {
		t.Errorf("login page: %d", res.status)
	}
}

// TestOverviewUnitBoxesSayWhatTheShareIs: a box reads "落后 · 正常指标占比 31.2%", not "落后 · 正常 31.2%",
// which looked like two contradicting statuses.
func TestOverviewUnitBoxesSayWhatTheShareIs(t *testing.T) {
	app, _ := newTestApp(t, true)
	status, body := get(t, app, "/?period=2025-12")
	if status != 200 || !strings.Contains(string(body), "· 正常指标占比 ") {
		t.Errorf("overview: %d, unit boxes do not name the share", status)
	}
}
