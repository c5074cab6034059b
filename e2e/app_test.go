package e2e

import (
	"bytes"
	"context"
	"path/filepath"
	"sync"
	"testing"
)

// appPage is a page of the application the browser test opens. Add a row for each new page.
type appPage struct {
	name string // screenshot file stem
	path string
	// minCharts is how many charts the page must draw at least (0: it has none yet).
	minCharts int
}

func appPages() []appPage {
	return []appPage{
		{name: "overview", path: "/overview", minCharts: 1},
		{name: "home-office", path: "/"},
		{name: "closeout", path: "/closeout"},
		{name: "plan", path: "/plan"},
		{name: "county", path: "/counties/530325?period=2025-03", minCharts: 10},
		{name: "workstream", path: "/workstreams/goals", minCharts: 8},
		{name: "indicator", path: "/indicators/village_coverage", minCharts: 2},
		{name: "briefing", path: "/briefing?period=2024-07"},
		{name: "deadlines", path: "/deadlines"},
		{name: "review", path: "/review"},
		{name: "followups", path: "/followups"},
		{name: "allocations", path: "/allocations"},
		{name: "users", path: "/admin/users"},
		{name: "audit", path: "/audit"},
		{name: "reminders", path: "/reminders"},
		{name: "account", path: "/account"},
		{name: "returns", path: "/returns?county=530302&period=2024-06"},
		{name: "returns-history", path: "/returns/history?county=530302&period=2024-06"},
		{name: "returns-office", path: "/returns/office?period=2024-06"},
		{name: "ledger", path: "/ledger/530326"}, // 会泽县 keeps an approved ledger in the demo
		{name: "ledger-villages", path: "/ledger/530302/villages"},
	}
}

// testAppPages builds the binary, serves a fresh demo database on 127.0.0.1 and opens every page
// at every viewport.
func testAppPages(t *testing.T, browser context.Context, dir string) {
	base := startApp(t)
	signIn(t, browser, base, "office")
	for _, p := range appPages() {
		checkAtViewports(t, browser, dir, p.name+"/", viewports(), pageCheck{name: p.name, url: base + p.path, minCharts: p.minCharts})
	}
}

// syncBuffer collects a child process's output while the test may read it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startApp builds ruralkpi and runs `serve --demo` on a free port of 127.0.0.1 with a new database;
// it returns the base URL once /healthz answers.
func startApp(t *testing.T) string {
	t.Helper()
	return startServer(t, buildApp(t), "--demo", "--db", filepath.Join(t.TempDir(), "demo.db")).base
}
