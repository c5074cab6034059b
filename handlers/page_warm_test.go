package handlers

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"ruralkpi/models"
)

// A started server computes the pages every leader and the office open first into the page cache,
// and the page a signed-in leader or office user then gets from it is the page computed for them:
// their own name and token in it, nothing of the scope-only viewer it was computed as.
func TestWarmPagesAreThePagesUsersGet(t *testing.T) {
	e := newDemoEnv(t, models.DemoToday)
	paths := e.server.warmPaths()
	if n := e.server.WarmPages(context.Background()); n != 2*len(paths) {
		t.Fatalf("warmed %d pages, want %d (%d addresses, two scopes)", n, 2*len(paths), len(paths))
	}
	snap, err := e.store.Progress(e.plan)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"/", "/overview", "/briefing", "/api/v1/progress", "/workstreams/" + e.plan.Workstreams[0].Code,
		"/indicators/" + e.plan.Indicators[0].Code, "/counties/530326"}
	for _, role := range []string{models.RoleLeader, models.RoleOffice} {
		for _, path := range want {
			for _, query := range []string{"", url.Values{"period": {e.server.warmPeriod()}}.Encode()} {
				if e.server.pages.get(e.server.pageKey(path, query, &models.User{Role: role}), snap.Version) == nil {
					t.Errorf("%s?%s for the %s is not in the page cache", path, query, role)
				}
			}
		}
	}

	for _, user := range []string{"leader", "office"} {
		c := e.client()
		if res := c.login(user, models.DemoPassword); res.status != 303 {
			t.Fatalf("login %s: %d", user, res.status)
		}
		for _, path := range []string{"/overview", "/counties/530326?period=" + e.server.warmPeriod(), "/indicators/" + e.plan.Indicators[0].Code} {
			warm := c.do("GET", path, nil)
			e.server.pages = newPageCache(defaultPageCacheBytes) // computed afresh for this user
			fresh := c.do("GET", path, nil)
			if warm.status != 200 || warm.body != fresh.body {
				t.Errorf("%s as %s: the warmed page (%d, %d bytes) is not the page computed for the user (%d bytes)",
					path, user, warm.status, len(warm.body), len(fresh.body))
			}
			if u, _ := e.store.UserByName(user); !strings.Contains(warm.body, u.DisplayName) {
				t.Errorf("%s as %s: the warmed page does not name the user", path, user)
			}
		}
	}
}

// The pages are warmed again when the day changes (a cached page is kept for its day only), and
// not before.
func TestPagesWarmedAgainEachDay(t *testing.T) {
	e := newDemoEnv(t, models.DemoToday)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	warmed := make(chan int, 4)
	go e.server.KeepPagesWarm(ctx, 5*time.Millisecond, func(n int, _ time.Duration) { warmed <- n })
	wait := func(what string) {
		t.Helper()
		select {
		case n := <-warmed:
			if n == 0 {
				t.Fatalf("%s: no page warmed", what)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("%s: the pages were not warmed", what)
		}
	}
	wait("at the start")
	e.clock.Advance(time.Hour)
	select {
	case <-warmed:
		t.Fatal("warmed again within the same day")
	case <-time.After(100 * time.Millisecond):
	}
	e.clock.Advance(24 * time.Hour)
	wait("the next day")
	snap, err := e.store.Progress(e.plan)
	if err != nil {
		t.Fatal(err)
	}
	if e.server.pages.get(e.server.pageKey("/overview", "", &models.User{Role: models.RoleLeader}), snap.Version) == nil {
		t.Error("the next day's overview is not in the page cache")
	}
}
