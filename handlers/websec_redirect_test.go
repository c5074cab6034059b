package handlers

import (
	"net/url"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// TestSafeNextRefusesOffSiteTargets feeds the login redirect every way a browser can be talked into
// leaving the site; each must fall back to "/". Same-site paths pass unchanged.
func TestSafeNextRefusesOffSiteTargets(t *testing.T) {
	offSite := []string{
		"/\t/evil.example/", "/%09/evil.example/", "/\r/evil.example", "/\n/evil.example", "/%0d%0a/evil.example",
		"//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example", "/%5Cevil.example", "/%5c%5cevil.example",
		"%2F%2Fevil.example", "/%2Fevil.example", "/%252F/evil.example", "/%25252F%25252Fevil.example", "/%2F%2Fevil.example",
		"https://evil.example", "http:evil.example", "javascript:alert(1)", "data:text/html,x", "evil.example",
		"HTTPS://evil.example/", " //evil.example", "\t//evil.example", "/\x00/evil.example", "/\x7f/evil.example",
		"/\u2028/evil.example", "/\u00a0/evil.example", "/%E2%80%A8/evil.example", "//%09evil.example", "/ \t/evil.example",
		"/%zz", "", "@evil.example", "//user@evil.example/", "/\xff/evil.example",
	}
	for _, next := range offSite {
		t.Run(url.QueryEscape(next), func(t *testing.T) {
			if got := safeNext(next); got != "/" {
				t.Errorf("safeNext(%q) = %q, want /", next, got)
			}
		})
	}
	onSite := []string{"/", "/returns?county=530302&period=2024-06", "/counties/530325?period=2025-03#map",
		"/ledger/530302/villages", "/indicators/village_coverage?q=%E4%B8%AD%E6%96%87", "/a/b//c"}
	for _, next := range onSite {
		t.Run("keep "+next, func(t *testing.T) {
			if got := safeNext(next); got != next {
				t.Errorf("safeNext(%q) = %q, want it kept", next, got)
			}
		})
	}
}

// TestLoginRedirectStaysOnSite signs in through the form with a hostile next and checks the
// Location header the browser would follow.
func TestLoginRedirectStaysOnSite(t *testing.T) {
	e := newAccessEnv(t)
	for _, next := range []string{"/\t/evil.example/", "/%09/evil.example/", "/\\evil.example", "%2F%2Fevil.example"} {
		c := e.client()
		c.do("GET", "/login?next="+url.QueryEscape(next), nil)
		res := c.do("POST", "/login", url.Values{"username": {"office"}, "password": {accessPassword}, "next": {next}})
		if res.status != fiber.StatusSeeOther || res.location != "/" {
			t.Errorf("next %q: %d Location %q, want 303 /", next, res.status, res.location)
		}
	}
}
