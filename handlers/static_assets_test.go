package handlers

import (
	"html"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// The layout links these paths; the app must serve them with the CSP of every response, and the
// ECharts bundle as its build-time gzip twin.
func TestStaticAssetsServed(t *testing.T) {
	app, _ := newTestApp(t, false)
	tests := []struct {
		path, acceptEncoding, wantType, wantEncoding string
	}{
		{"/static/css/app.css", "", "text/css; charset=utf-8", ""},
		{"/static/js/charts.js", "", "text/javascript; charset=utf-8", ""},
		{"/static/vendor/echarts.min.js", "gzip, deflate, br", "text/javascript; charset=utf-8", "gzip"},
		{"/static/maps/qujing.json", "gzip", "application/json", "gzip"},
		{"/favicon.ico", "", "image/svg+xml", ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			req := httptest.NewRequest("GET", tt.path, nil)
			if tt.acceptEncoding != "" {
				req.Header.Set("Accept-Encoding", tt.acceptEncoding)
			}
			resp, err := app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("status %d (run `make assets` if vendor/ or maps/ is missing)", resp.StatusCode)
			}
			if got := resp.Header.Get("Content-Type"); got != tt.wantType {
				t.Errorf("Content-Type %q, want %q", got, tt.wantType)
			}
			if got := resp.Header.Get("Content-Encoding"); got != tt.wantEncoding {
				t.Errorf("Content-Encoding %q, want %q", got, tt.wantEncoding)
			}
			if resp.Header.Get("Content-Security-Policy") == "" {
				t.Error("no Content-Security-Policy")
			}
		})
	}
	if code, _ := get(t, app, "/static/vendor/README.md"); code != 404 {
		t.Errorf("README.md: status %d, want 404", code)
	}
}

// Pages link every asset by its content-hashed URL, which browsers may keep for a year: a new build
// changes the URL, so nobody runs yesterday's script against today's page.
func TestPagesLinkVersionedAssets(t *testing.T) {
	app, _ := newTestApp(t, true)
	linked := regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)
	for _, page := range []string{"/overview", "/counties/530302", "/workstreams/goals", "/indicators/hub_parks"} {
		code, body := get(t, app, page)
		if code != 200 {
			t.Fatalf("%s: status %d", page, code)
		}
		urls := linked.FindAllStringSubmatch(string(body), -1)
		if len(urls) < 3 {
			t.Fatalf("%s links %d static assets, want the stylesheets and scripts", page, len(urls))
		}
		for _, m := range urls {
			url := html.UnescapeString(m[1])
			if !strings.Contains(url, "?v=") {
				t.Errorf("%s links %s without a content hash", page, url)
				continue
			}
			req := httptest.NewRequest("GET", url, nil)
			resp, err := app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
				t.Errorf("%s: status %d, Cache-Control %q; want 200 and a year, immutable", url, resp.StatusCode, resp.Header.Get("Cache-Control"))
			}
		}
	}
}
