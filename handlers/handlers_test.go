package handlers

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/internal/testkit"
	"ruralkpi/internal/teststore"
)

// newTestApp builds the app over a fresh SQLite database in a temp dir, with the demo loaded when asked.
func newTestApp(t testing.TB, demo bool) (*fiber.App, *Server) {
	t.Helper()
	plan := testkit.Plan(t)
	store, _ := teststore.Seeded(t, plan)
	if demo {
		if err := store.SeedDemo(plan); err != nil {
			t.Fatal(err)
		}
	}
	signInTestOffice(t, store)
	s := &Server{Plan: plan, Store: store, Config: Config{TempDir: t.TempDir()}}
	app, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	return app, s
}

// get requests url as the office (by API token) and returns the status and body.
func get(t testing.TB, app *fiber.App, url string) (int, []byte) {
	t.Helper()
	return do(t, app, httptest.NewRequest("GET", url, nil))
}

func TestTargetsEndpointReturnsEveryPlanTarget(t *testing.T) {
	app, s := newTestApp(t, false)
	status, body := get(t, app, "/api/v1/targets")
	if status != 200 {
		t.Fatalf("status %d: %s", status, body)
	}
	var got struct {
		Targets []targetJSON `json:"targets"`
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Targets) != len(s.Plan.Targets) {
		t.Fatalf("%d targets, plan has %d", len(got.Targets), len(s.Plan.Targets))
	}
	for _, want := range s.Plan.Targets {
		found := false
		for _, g := range got.Targets {
			if g.Indicator == want.Indicator && g.Year == want.Year && g.County == "" && g.Value == want.Value {
				found = true
			}
		}
		if !found {
			t.Errorf("target %+v missing from the API", want)
		}
	}
	status, body = get(t, app, "/api/v1/targets?year=2024")
	if err := json.Unmarshal(body, &got); err != nil || status != 200 {
		t.Fatal(status, err)
	}
	for _, g := range got.Targets {
		if g.Year != 2024 {
			t.Errorf("year filter let through %+v", g)
		}
	}
}

func TestAPIErrorsAndLists(t *testing.T) {
	app, _ := newTestApp(t, true)
	tests := []struct {
		name     string
		url      string
		status   int
		contains string
	}{
		{"health", "/healthz", 200, `"status":"ok"`},
		{"counties", "/api/v1/counties", 200, `"name":"会泽县"`},
		{"counties carry villages", "/api/v1/counties", 200, `"admin_villages":280`},
		{"indicators", "/api/v1/indicators", 200, `"code":"village_coverage"`},
		{"allocations in targets", "/api/v1/targets?year=2025", 200, `"county":"530326"`},
		{"bad year", "/api/v1/targets?year=abc", 422, `"code":"invalid"`},
		{"year outside plan", "/api/v1/targets?year=2022", 422, `不在方案年度`},
		{"unknown API route", "/api/v1/nothing", 404, `"code":"not_found"`},
		{"plan page", "/plan", 200, "区域性快递物流电商枢纽园区"},
		{"plan page milestones", "/plan", 200, "麒麟区、沾益区、马龙区、曲靖经开区"},
		{"unknown page", "/nothing", 404, "页面不存在"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := get(t, app, tc.url)
			if status != tc.status || !strings.Contains(string(body), tc.contains) {
				t.Errorf("GET %s: %d %s; want %d containing %q", tc.url, status, truncate(body), tc.status, tc.contains)
			}
		})
	}
}

func TestSecurityHeaders(t *testing.T) {
	app, _ := newTestApp(t, false)
	resp, err := app.Test(httptest.NewRequest("GET", "/plan", nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("CSP %q", csp)
	}
}

func truncate(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}
