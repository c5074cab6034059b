package handlers

import (
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"ruralkpi/internal/testkit"
	"ruralkpi/models"
	"ruralkpi/store"
)

// The national benchmarks start from the database, as a server does: `ruralkpi seed --synthetic
// national` written to $RURALKPI_NATIONAL_DB (seeded there on first use, about a minute; default
// in the temp dir; a postgres:// URL there must have been seeded with `ruralkpi seed`), then the read model is built and pages are asked for through HTTP
// (app.Test: a real HTTP/1.1 exchange in memory). Figures are in docs/performance.md.

func nationalDB(b *testing.B) string {
	b.Helper()
	path := os.Getenv("RURALKPI_NATIONAL_DB")
	if path == "" {
		path = filepath.Join(os.TempDir(), "ruralkpi-bench-national.db")
	}
	if store.IsPostgresURL(path) {
		return path // seeded beforehand: ruralkpi seed --synthetic national --db URL
	}
	if _, err := os.Stat(path); err == nil {
		return path
	}
	p, allocs, villages, err := models.SyntheticCountry(models.NationalProvinces, models.NationalCities, models.NationalCounties)
	if err != nil {
		b.Fatal(err)
	}
	tmp := path + ".seeding"
	_ = os.Remove(tmp)
	s, err := store.Open(tmp)
	if err != nil {
		b.Fatal(err)
	}
	if err := s.SeedSynthetic(p, allocs, villages, func(step string) { b.Log(step) }); err != nil {
		b.Fatal(err)
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		_ = os.Remove(tmp + suffix)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	return path
}

// openNational opens the national database with its stored plan and a signed-in office token.
func openNational(b *testing.B) (*store.Store, *models.Plan) {
	b.Helper()
	s, err := store.Open(nationalDB(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	p, ok, err := s.StoredPlan()
	if err != nil || !ok {
		b.Fatalf("no stored plan: %v", err)
	}
	return s, p
}

// BenchmarkNationalReadModelBuild is the read model's build at start at national scale, and the
// heap it keeps (MiB-live: live heap after a collection, the read model and the open database).
func BenchmarkNationalReadModelBuild(b *testing.B) {
	s, p := openNational(b)
	var live uint64
	var cpu time.Duration
	for b.Loop() {
		fresh := s.Restarted()
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		c0 := testkit.CPUTime()
		if err := fresh.StartReadModel(p); err != nil {
			b.Fatal(err)
		}
		cpu += testkit.CPUTime() - c0
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		live = after.HeapAlloc - before.HeapAlloc
		snap, _ := fresh.Progress(p)
		runtime.KeepAlive(snap)
	}
	b.ReportMetric(float64(live)/(1<<20), "MiB-live")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
}

// nationalPages are the pages measured: the overview (the nation over its provinces, as a leader
// sees it), the office's home, a province, a city and a county, a workstream, an indicator, the
// progress API and the briefing.
var nationalPages = []string{"leader:/", "/", "/counties/110000", "/counties/110100", "/counties/110101", "/workstreams/all",
	"/indicators/stock_0", "/api/v1/progress", "/api/v1/progress?county=110000", "/briefing"}

// testLeaderToken is the national benchmark's token of the leader.
const testLeaderToken = "rk_test-leader-token"

// BenchmarkNationalPages asks for every page at national scale through HTTP: "cold" computes and
// renders it from the read model (the page cache emptied first); "after-write" does so on the first
// request after a county's return was stored (the read model's sums above that county, and that
// county's progress, are made again); "after-reference" on the first request after a reference
// change (a tolerance: nothing the read model keeps per unit survives it); "warm" answers from the
// cache.
func BenchmarkNationalPages(b *testing.B) {
	s, p := openNational(b)
	// The bench tokens are written by hand (the database is kept between runs); PostgreSQL numbers
	// its placeholders.
	q := func(query string) string {
		if !store.IsPostgresURL(nationalDB(b)) {
			return query
		}
		for n := 1; strings.Contains(query, "?"); n++ {
			query = strings.Replace(query, "?", fmt.Sprintf("$%d", n), 1)
		}
		return query
	}
	for _, t := range []struct{ user, token string }{{"office", testOfficeToken}, {"leader", testLeaderToken}} {
		var tokens int64
		if err := rawSQL(b, s).QueryRow(q("SELECT COUNT(*) FROM api_tokens WHERE hash = ?"), models.SecretHash(t.token)).Scan(&tokens); err != nil {
			b.Fatal(err)
		}
		if tokens > 0 {
			continue
		}
		u, err := s.UserByName(t.user)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := rawSQL(b, s).Exec(q("INSERT INTO api_tokens (user_id, name, hash, prefix, created_at) VALUES (?, ?, ?, ?, ?)"),
			u.ID, "bench", models.SecretHash(t.token), t.token[:9], time.Now()); err != nil {
			b.Fatal(err)
		}
	}
	srv := &Server{Plan: p, Store: s}
	app, err := New(srv)
	if err != nil {
		b.Fatal(err)
	}
	get := func(b *testing.B, url string) {
		token := testOfficeToken
		if u, ok := strings.CutPrefix(url, "leader:"); ok {
			url, token = u, testLeaderToken
		}
		req := httptest.NewRequest("GET", url, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := app.Test(req, -1)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("%s: status %d", url, resp.StatusCode)
		}
		b.SetBytes(n)
	}
	writes := 0
	for _, url := range nationalPages {
		for _, mode := range []string{"cold", "after-write", "after-reference", "warm"} {
			b.Run(fmt.Sprintf("%s/%s", mode, url), func(b *testing.B) {
				get(b, url)
				var cpu time.Duration
				for b.Loop() {
					switch mode {
					case "cold":
						srv.pages = newPageCache(defaultPageCacheBytes)
					case "after-write":
						b.StopTimer()
						writes++
						if _, err := s.SaveVersion(models.NewVersion{UnitCode: "110101", Period: "2025-06", Source: models.SourceUpload,
							File: fmt.Appendf(nil, "bench page %d %d", time.Now().UnixNano(), writes), Values: []models.ReturnValue{{Indicator: "stock_0", Value: float64(writes)}}}); err != nil {
							b.Fatal(err)
						}
						b.StartTimer()
					case "after-reference":
						// A reference change (here the default tolerance set again) drops every
						// unit's progress the read model keeps: the page computes all of it.
						b.StopTimer()
						if _, err := s.SetTolerance("stock_0", 0, models.Actor{Username: "bench"}, time.Now()); err != nil {
							b.Fatal(err)
						}
						b.StartTimer()
					}
					c0 := testkit.CPUTime()
					get(b, url)
					cpu += testkit.CPUTime() - c0
				}
				b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
			})
		}
	}
}

// BenchmarkCityOverview is the overview at city scale (the demo): from the page cache, and on the
// first request after a write (which empties the cache), with the server CPU per request.
func BenchmarkCityOverview(b *testing.B) {
	app, srv := newTestApp(b, true)
	get := func(b *testing.B) {
		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set("Authorization", "Bearer "+testOfficeToken)
		resp, err := app.Test(req, -1)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	b.Run("cached", func(b *testing.B) {
		get(b)
		var cpu time.Duration
		for b.Loop() {
			c0 := testkit.CPUTime()
			get(b)
			cpu += testkit.CPUTime() - c0
		}
		b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
	})
	b.Run("after-a-write", func(b *testing.B) {
		var cpu time.Duration
		n := 0
		for b.Loop() {
			b.StopTimer()
			n++
			if _, err := srv.Store.SaveVersion(models.NewVersion{UnitCode: "530302", Period: "2025-06", Source: models.SourceUpload,
				File: fmt.Appendf(nil, "bench %d", n), Values: []models.ReturnValue{{Indicator: models.IndServicePoints, Value: float64(n)}}}); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			c0 := testkit.CPUTime()
			get(b)
			cpu += testkit.CPUTime() - c0
		}
		b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
	})
}

// BenchmarkNationalWrite is one county's return stored at national scale, with the read model's
// update (reloading that county's month and sharing every other series) inside the write.
func BenchmarkNationalWrite(b *testing.B) {
	s, p := openNational(b)
	if err := s.StartReadModel(p); err != nil {
		b.Fatal(err)
	}
	before, _ := s.Progress(p)
	var cpu time.Duration
	n := 0
	for b.Loop() {
		n++
		c0 := testkit.CPUTime()
		if _, err := s.SaveVersion(models.NewVersion{UnitCode: "110101", Period: "2025-06", Source: models.SourceUpload,
			File: fmt.Appendf(nil, "bench %d %d", time.Now().UnixNano(), n), Values: []models.ReturnValue{{Indicator: "stock_0", Value: float64(n)}}}); err != nil {
			b.Fatal(err)
		}
		cpu += testkit.CPUTime() - c0
	}
	after, _ := s.Progress(p)
	if after.Version != before.Version+uint64(b.N) {
		b.Fatalf("data version %d → %d after %d writes", before.Version, after.Version, b.N)
	}
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
}
