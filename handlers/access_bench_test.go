package handlers

import (
	"net/http/httptest"
	"testing"
	"time"

	"ruralkpi/models"
)

// BenchmarkSessionRequest measures a signed-in page request's access overhead (session lookup,
// CSRF token, role check) on the smallest page.
func BenchmarkSessionRequest(b *testing.B) {
	e := newAccessEnv(b)
	c := e.loggedIn("office")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if res := c.do("GET", "/api/v1/me", nil); res.status != 200 {
			b.Fatal(res.status)
		}
	}
}

// BenchmarkTokenRequest measures an API request authenticated by a bearer token.
func BenchmarkTokenRequest(b *testing.B) {
	e := newAccessEnv(b)
	c := e.tokenClient("office")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if res := c.do("GET", "/api/v1/me", nil); res.status != 200 {
			b.Fatal(res.status)
		}
	}
}

// BenchmarkDeadlinesPage renders the completeness board with the whole demo (10 units × 29 months).
func BenchmarkDeadlinesPage(b *testing.B) {
	e := newAccessEnv(b)
	if err := e.store.SeedDemo(e.plan); err != nil {
		b.Fatal(err)
	}
	e.clock.now = time.Date(2026, 2, 1, 9, 0, 0, 0, models.ReportingZone())
	c := e.loggedIn("office")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest("GET", "/deadlines", nil)
		if res := c.send(req); res.status != 200 {
			b.Fatal(res.status, res.body[:200])
		}
	}
}
