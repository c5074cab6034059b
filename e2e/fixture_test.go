package e2e

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/static"
)

// contentSecurityPolicy is the app's policy (handlers.securityHeaders): the fixture pages are served
// under it so charts.js is proven to work without inline script.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// startFixtureServer serves the embedded assets and the pages of testdata/ on 127.0.0.1, to prove
// the harness (and charts.js, the map and the stylesheet) without the application; extra adds routes.
func startFixtureServer(t *testing.T, extra ...func(*fiber.App)) string {
	t.Helper()
	assets, err := static.New(static.Files(), "/static")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"vendor/echarts.min.js", "maps/qujing.json"} {
		if !assets.Has(name) {
			t.Fatalf("%s is not embedded: run `make assets` first", name)
		}
	}
	app := fiber.New(fiber.Config{Immutable: true, DisableStartupMessage: true})
	assets.Register(app)
	app.Get("/fixture/:name", func(c *fiber.Ctx) error {
		name := filepath.Base(c.Params("name"))
		body, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			return fiber.ErrNotFound
		}
		if name != "bad-outside.html" { // that page must reach the request blocker, not stop at the CSP
			c.Set("Content-Security-Policy", contentSecurityPolicy)
		}
		if strings.HasSuffix(name, ".js") {
			c.Set(fiber.HeaderContentType, "text/javascript; charset=utf-8")
		} else {
			c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		}
		return c.Send(body)
	})
	for _, add := range extra {
		add(app)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.Shutdown() })
	return "http://" + ln.Addr().String()
}

// testFixturePage: the harness passes a good page, with its bar, line and county-map charts drawn,
// at both screen sizes.
func testFixturePage(t *testing.T, browser context.Context, dir string) {
	base := startFixtureServer(t)
	checkAtViewports(t, browser, dir, "", viewports(), pageCheck{name: "fixture-good", url: base + "/fixture/good.html", minCharts: 3})
}

// testHarnessCatches: each broken page must be reported with the problem it has, so the harness
// cannot pass a page it should fail.
func testHarnessCatches(t *testing.T, browser context.Context) {
	base := startFixtureServer(t)
	dir := t.TempDir() // screenshots of broken pages are not worth keeping
	tests := []struct {
		page string
		want string
	}{
		{"bad-inline-script.html", "Content Security Policy"},
		{"bad-outside.html", "request to another host than 127.0.0.1: http://127.0.0.2:9/pixel.png"},
		{"bad-blank-chart.html", "chart blank: "},
		{"bad-json.html", "is not JSON"},
		{"bad-exception.html", "fixture: thrown on purpose"},
		{"bad-missing-file.html", "HTTP 404 for " + base + "/static/css/missing.css"},
		{"bad-missing-map.html", "map atlantis: HTTP 404"},
		{"good.html", "3 charts drawn, want at least 4"},
	}
	for _, tt := range tests {
		t.Run(tt.page, func(t *testing.T) {
			minCharts := 0
			if tt.page == "good.html" {
				minCharts = 4
			}
			problems, err := checkPage(browser, pageCheck{name: "bad", url: base + "/fixture/" + tt.page, vp: viewports()[1], minCharts: minCharts}, dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range problems {
				if strings.Contains(p, tt.want) {
					return
				}
			}
			t.Errorf("no problem mentions %q; got %q", tt.want, problems)
		})
	}
}

func vpName(vp viewport) string {
	return fmt.Sprintf("%dx%d", vp.width, vp.height)
}
