package static

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gofiber/fiber/v2"
)

func gz(t testing.TB, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(w, s); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const testScript = "console.log('the vendor script');\n"

func testFS(t testing.TB) fstest.MapFS {
	return fstest.MapFS{
		"css/app.css":              {Data: []byte("body{color:#222}")},
		"js/charts.js":             {Data: []byte("'use strict';")},
		"vendor/echarts.min.js":    {Data: []byte(testScript)},
		"vendor/echarts.min.js.gz": {Data: gz(t, testScript)},
		"vendor/README.md":         {Data: []byte("# not served")},
		"maps/qujing.json":         {Data: []byte(`{"type":"FeatureCollection"}`)},
		"img/favicon.svg":          {Data: []byte("<svg/>")},
	}
}

func testApp(t testing.TB, fsys fstest.MapFS) (*fiber.App, *Assets) {
	t.Helper()
	a, err := New(fsys, "/static")
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New(fiber.Config{Immutable: true})
	a.Register(app)
	return app, a
}

func TestHandler(t *testing.T) {
	app, a := testApp(t, testFS(t))
	jsURL, err := a.URL("vendor/echarts.min.js")
	if err != nil {
		t.Fatal(err)
	}
	version := strings.TrimPrefix(jsURL, "/static/vendor/echarts.min.js?v=")
	tests := []struct {
		name           string
		method, target string
		header         map[string]string
		wantStatus     int
		wantType       string
		wantEncoding   string
		wantCache      string
		wantETag       string
		wantVary       string
		wantBody       string
	}{
		{name: "identity without Accept-Encoding", method: "GET", target: "/static/vendor/echarts.min.js",
			wantStatus: 200, wantType: "text/javascript; charset=utf-8", wantCache: "no-cache",
			wantETag: `"` + version + `"`, wantVary: "Accept-Encoding", wantBody: testScript},
		{name: "gzip twin when accepted", method: "GET", target: "/static/vendor/echarts.min.js",
			header:     map[string]string{"Accept-Encoding": "gzip, deflate, br"},
			wantStatus: 200, wantType: "text/javascript; charset=utf-8", wantEncoding: "gzip", wantCache: "no-cache",
			wantETag: `"` + version + `-gz"`, wantVary: "Accept-Encoding", wantBody: testScript},
		{name: "gzip refused with q=0", method: "GET", target: "/static/vendor/echarts.min.js",
			header:     map[string]string{"Accept-Encoding": "br, gzip;q=0"},
			wantStatus: 200, wantCache: "no-cache", wantETag: `"` + version + `"`, wantBody: testScript},
		{name: "versioned URL cached for a year", method: "GET", target: jsURL,
			wantStatus: 200, wantCache: "public, max-age=31536000, immutable", wantBody: testScript},
		{name: "outdated version not cached long", method: "GET", target: "/static/vendor/echarts.min.js?v=0000",
			wantStatus: 200, wantCache: "no-cache", wantBody: testScript},
		{name: "revalidation hits 304", method: "GET", target: "/static/vendor/echarts.min.js",
			header:     map[string]string{"If-None-Match": `W/"x", "` + version + `"`},
			wantStatus: 304, wantETag: `"` + version + `"`, wantCache: "no-cache"},
		{name: "gzip ETag does not validate identity", method: "GET", target: "/static/vendor/echarts.min.js",
			header:     map[string]string{"If-None-Match": `"` + version + `-gz"`},
			wantStatus: 200, wantBody: testScript},
		{name: "css", method: "GET", target: "/static/css/app.css",
			wantStatus: 200, wantType: "text/css; charset=utf-8", wantBody: "body{color:#222}"},
		{name: "no gzip twin, no Vary", method: "GET", target: "/static/maps/qujing.json",
			header:     map[string]string{"Accept-Encoding": "gzip"},
			wantStatus: 200, wantType: "application/json", wantBody: `{"type":"FeatureCollection"}`},
		{name: "HEAD has headers", method: "HEAD", target: "/static/css/app.css",
			wantStatus: 200, wantType: "text/css; charset=utf-8"},
		{name: "favicon at the root", method: "GET", target: "/favicon.ico",
			wantStatus: 200, wantType: "image/svg+xml", wantCache: "no-cache", wantBody: "<svg/>"},
		{name: "README not served", method: "GET", target: "/static/vendor/README.md", wantStatus: 404},
		{name: "twin not served by its own name", method: "GET", target: "/static/vendor/echarts.min.js.gz", wantStatus: 404},
		{name: "unknown", method: "GET", target: "/static/js/nope.js", wantStatus: 404},
		{name: "traversal", method: "GET", target: "/static/../static.go", wantStatus: 404},
		{name: "POST not routed", method: "POST", target: "/static/css/app.css", wantStatus: 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.target, nil)
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			resp, err := app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			check := func(header, want string) {
				t.Helper()
				if want != "" && resp.Header.Get(header) != want {
					t.Errorf("%s = %q, want %q", header, resp.Header.Get(header), want)
				}
			}
			check("Content-Type", tt.wantType)
			check("Cache-Control", tt.wantCache)
			check("ETag", tt.wantETag)
			check("Vary", tt.wantVary)
			if got := resp.Header.Get("Content-Encoding"); got != tt.wantEncoding {
				t.Errorf("Content-Encoding = %q, want %q", got, tt.wantEncoding)
			}
			if tt.wantStatus == 200 && resp.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("X-Content-Type-Options missing")
			}
			var body io.Reader = resp.Body
			if tt.wantEncoding == "gzip" {
				zr, err := gzip.NewReader(resp.Body)
				if err != nil {
					t.Fatalf("body is not gzip: %v", err)
				}
				body = zr
			}
			got, err := io.ReadAll(body)
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantBody != "" && string(got) != tt.wantBody {
				t.Errorf("body %q, want %q", got, tt.wantBody)
			}
			if tt.method == "HEAD" && len(got) != 0 {
				t.Errorf("HEAD returned a body of %d bytes", len(got))
			}
		})
	}
}

func TestNewRefusesStaleGzipTwin(t *testing.T) {
	fsys := testFS(t)
	fsys["vendor/echarts.min.js.gz"] = &fstest.MapFile{Data: gz(t, "an older build")}
	if _, err := New(fsys, "/static"); err == nil || !strings.Contains(err.Error(), "echarts.min.js.gz") {
		t.Fatalf("err = %v, want the stale twin named", err)
	}
	fsys["vendor/echarts.min.js.gz"] = &fstest.MapFile{Data: []byte("not gzip")}
	if _, err := New(fsys, "/static"); err == nil || !strings.Contains(err.Error(), "not gzip") {
		t.Fatalf("err = %v, want not gzip", err)
	}
}

func TestURL(t *testing.T) {
	_, a := testApp(t, testFS(t))
	u, err := a.URL("css/app.css")
	if err != nil || !strings.HasPrefix(u, "/static/css/app.css?v=") || len(u) != len("/static/css/app.css?v=")+16 {
		t.Errorf("URL(css/app.css) = %q, %v", u, err)
	}
	if _, err := a.URL("css/missing.css"); err == nil {
		t.Error("URL of a missing asset gave no error")
	}
	if a.Has("vendor/README.md") || !a.Has("maps/qujing.json") {
		t.Error("Has: README.md must not be served, maps/qujing.json must be")
	}
}

func TestAcceptsGzip(t *testing.T) {
	tests := []struct {
		header string
		want   bool
	}{
		{"", false},
		{"gzip", true},
		{"GZIP", true},
		{"gzip, deflate, br", true},
		{"br;q=1.0, gzip;q=0.8", true},
		{"gzip;q=0", false},
		{"gzip;q=0.000", false},
		{"gzip;q=0.001", true},
		{"x-gzip", true},
		{"deflate, br", false},
		{"*", true},
		{"*;q=0", false},
		{"gzip;q=0, *", false},
		{"identity", false},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			if got := acceptsGzip(tt.header); got != tt.want {
				t.Errorf("acceptsGzip(%q) = %v, want %v", tt.header, got, tt.want)
			}
		})
	}
}

func TestETagMatches(t *testing.T) {
	tests := []struct {
		header, etag string
		want         bool
	}{
		{"", `"a"`, false},
		{`"a"`, `"a"`, true},
		{`W/"a"`, `"a"`, true},
		{`"b", "a"`, `"a"`, true},
		{`"a-gz"`, `"a"`, false},
		{"*", `"a"`, true},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			if got := etagMatches(tt.header, tt.etag); got != tt.want {
				t.Errorf("etagMatches(%q, %q) = %v, want %v", tt.header, tt.etag, got, tt.want)
			}
		})
	}
}
