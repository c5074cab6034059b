package handlers

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ruralkpi/internal/testkit"
	"ruralkpi/internal/teststore"
	"ruralkpi/models"
)

// newDemoEnv is the demo as `serve --demo` seeds it, on a clock that reads the day (10:00 CST).
func newDemoEnv(t testing.TB, day string) *accessEnv {
	t.Helper()
	today, err := models.ParseToday(day)
	if err != nil {
		t.Fatal(err)
	}
	e := &accessEnv{t: t, plan: testkit.Plan(t), dbPath: filepath.Join(t.TempDir(), "demo.db"),
		clock: &accessClock{now: today.Add(10 * time.Hour)}}
	store := teststore.Open(t, e.dbPath)
	if err := store.SeedPlan(e.plan); err != nil {
		t.Fatal(err)
	}
	if err := store.SeedDemoAsOf(e.plan, today); err != nil {
		t.Fatal(err)
	}
	e.store = store
	e.server = &Server{Plan: e.plan, Store: store, Config: Config{Now: e.clock.Now, Demo: true}}
	if e.app, err = New(e.server); err != nil {
		t.Fatal(err)
	}
	return e
}

// TestDemoClockLetsTheClerkUploadSeptember is issue 14's first defect: on the real clock (after the
// plan) every demo month was locked; on the demo's day 会泽县 has September still to file, and may.
func TestDemoClockLetsTheClerkUploadSeptember(t *testing.T) {
	e := newDemoEnv(t, models.DemoToday)
	clerk := e.tokenClient("county-530326")
	tpl := clerk.do("GET", "/api/v1/returns/template?county=530326&period=2025-09", nil)
	if tpl.status != 200 {
		t.Fatalf("template: %d %s", tpl.status, tpl.body)
	}
	res := clerk.upload("/api/v1/returns", fillFromMonth(t, e, tpl.body, "530326", "2025-08"))
	if res.status != 201 {
		t.Fatalf("upload of September on %s: %d %s", models.DemoToday, res.status, res.body)
	}
	t.Run("the banner gives the demo's date", func(t *testing.T) {
		page := e.tokenClient("office").do("GET", "/plan", nil)
		if !strings.Contains(page.body, "演示数据 · 系统日期 2025-10-04") {
			t.Errorf("no demo banner on /plan:\n%.400s", page.body)
		}
		if strings.Contains(page.body, "<code>service_points</code>") {
			t.Error("/plan shows indicators' internal codes")
		}
	})
	t.Run("August is locked by then", func(t *testing.T) {
		tpl := clerk.do("GET", "/api/v1/returns/template?county=530326&period=2025-08", nil)
		res := clerk.upload("/api/v1/returns", []byte(tpl.body))
		if res.status != 409 {
			t.Errorf("upload of August on %s: %d, want 409 (locked)", models.DemoToday, res.status)
		}
	})
}

// fillFromMonth fills a return template with the unit's figures of an earlier month, a little up.
func fillFromMonth(t testing.TB, e *accessEnv, template, unit, month string) []byte {
	t.Helper()
	v, err := e.store.LatestVersion(unit, month)
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]any{}
	for _, val := range v.Values {
		values[val.Indicator] = val.Value
	}
	return testkit.FillReturn(t, []byte(template), values)
}

// TestCookiesLiveOnTheRealClock: with the server's clock on the demo day, the session cookie must
// not reach the browser already expired (it did: Expires was 2025-10-04 plus the lifetime).
func TestCookiesLiveOnTheRealClock(t *testing.T) {
	e := newDemoEnv(t, models.DemoToday)
	res := e.client().login("county-530326", models.DemoPassword)
	if res.status != 303 {
		t.Fatalf("login: %d %s", res.status, res.body)
	}
	resp := http.Response{Header: res.header}
	for _, ck := range resp.Cookies() {
		if ck.Name == sessionCookie && !ck.Expires.After(time.Now()) {
			t.Errorf("session cookie expires %v, before the browser's now", ck.Expires)
		}
	}
}
