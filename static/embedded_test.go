package static

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"sort"
	"testing"

	"ruralkpi/internal/testkit"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// The binary is useless without ECharts and the map: a build that skipped `make assets` must fail
// here rather than show leaders empty boxes.
func TestEmbeddedAssetsPresent(t *testing.T) {
	a, err := New(Files(), "/static")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"css/app.css", "js/charts.js", FaviconName, "vendor/echarts.min.js", "maps/qujing.json"} {
		if !a.Has(name) {
			t.Errorf("%s is not embedded: run `make assets` before building", name)
		}
	}
	for _, name := range []string{"vendor/echarts.min.js", "maps/qujing.json"} {
		if as := a.byName[name]; as != nil && as.gzip == nil {
			t.Errorf("%s has no .gz twin: run `make assets`", name)
		}
	}
}

// Series data is matched to outlines by name, so every outline must carry a unit's exact name.
func TestEmbeddedMapMatchesPlanUnits(t *testing.T) {
	raw, err := files.ReadFile("maps/qujing.json")
	if err != nil {
		t.Fatalf("maps/qujing.json: %v (run `make assets`)", err)
	}
	var fc struct {
		Features []struct {
			ID         string `json:"id"`
			Properties struct {
				Name string `json:"name"`
				Code string `json:"code"`
			} `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(raw, &fc); err != nil {
		t.Fatal(err)
	}
	plan := testkit.Plan(t)
	var got []string
	for _, f := range fc.Features {
		u, ok := plan.Unit(f.ID)
		if !ok || u.Name != f.Properties.Name || f.Properties.Code != f.ID {
			t.Errorf("feature %s %q (code %q) is not a unit of the plan by that code and name", f.ID, f.Properties.Name, f.Properties.Code)
		}
		got = append(got, f.Properties.Name)
	}
	var want []string
	for _, u := range plan.ReportingUnits() {
		if u.Code != "530371" { // 曲靖经济技术开发区 has no outline of its own.
			want = append(want, u.Name)
		}
	}
	sort.Strings(got)
	sort.Strings(want)
	if len(got) != len(want) {
		t.Fatalf("map has %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("map has %v, want %v", got, want)
		}
	}
}

// BenchmarkEchartsScript measures serving the 1 MB ECharts bundle (334 KB gzip) from memory, in
// the handler without sockets: the server's own cost per request.
func BenchmarkEchartsScript(b *testing.B) {
	a, err := New(Files(), "/static")
	if err != nil {
		b.Fatal(err)
	}
	if !a.Has("vendor/echarts.min.js") {
		b.Skip("vendor/echarts.min.js not embedded: run `make assets`")
	}
	app := fiber.New(fiber.Config{Immutable: true})
	a.Register(app)
	h := app.Handler()
	for _, enc := range []string{"identity", "gzip"} {
		b.Run(enc, func(b *testing.B) {
			var ctx fasthttp.RequestCtx
			ctx.Request.SetRequestURI("/static/vendor/echarts.min.js")
			ctx.Request.Header.Set("Accept-Encoding", enc)
			h(&ctx)
			if ctx.Response.StatusCode() != 200 {
				b.Fatalf("status %d", ctx.Response.StatusCode())
			}
			b.SetBytes(int64(len(ctx.Response.Body())))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				ctx.Response.Reset()
				h(&ctx)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
		})
	}
}

// BenchmarkEchartsScriptLoopback is the same over a real TCP connection on 127.0.0.1 with a
// keep-alive net/http client reading the whole body: what one browser-like client gets.
func BenchmarkEchartsScriptLoopback(b *testing.B) {
	a, err := New(Files(), "/static")
	if err != nil {
		b.Fatal(err)
	}
	if !a.Has("vendor/echarts.min.js") {
		b.Skip("vendor/echarts.min.js not embedded: run `make assets`")
	}
	app := fiber.New(fiber.Config{Immutable: true, DisableStartupMessage: true})
	a.Register(app)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	defer func() { _ = app.Shutdown() }()
	url := "http://" + ln.Addr().String() + "/static/vendor/echarts.min.js"
	// DisableCompression: the client must not add or undo gzip itself; we read bytes as sent.
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	for _, enc := range []string{"identity", "gzip"} {
		b.Run(enc, func(b *testing.B) {
			var n int64
			for b.Loop() {
				req, err := http.NewRequest("GET", url, nil)
				if err != nil {
					b.Fatal(err)
				}
				req.Header.Set("Accept-Encoding", enc)
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				n, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != 200 {
					b.Fatalf("status %d, %v", resp.StatusCode, err)
				}
			}
			b.SetBytes(n)
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
		})
	}
}
