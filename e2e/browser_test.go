package e2e

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"ruralkpi/internal/testkit"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// viewport is a screen size pages must work at: a projector or desktop, and a common laptop.
type viewport struct{ width, height int64 }

func viewports() []viewport { return []viewport{{1920, 1080}, {1366, 768}} }

// chromiumPath finds a Chromium; with E2E_REQUIRE=1 (CI) its absence fails instead of skipping.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{os.Getenv("E2E_CHROMIUM"), "chromium", "/usr/bin/chromium", "chromium-browser", "google-chrome"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "\n" + strings.Repeat("!", 78) + "\n" +
		"!!! E2E TESTS SKIPPED: no Chromium found (tried $E2E_CHROMIUM, chromium, /usr/bin/chromium).\n" +
		"!!! Pages, console errors, outside requests and charts were NOT checked in a browser.\n" +
		"!!! Install it: apt-get install -y chromium fonts-noto-cjk   (.ci/run does)\n" +
		strings.Repeat("!", 78)
	fmt.Fprintln(os.Stderr, msg)
	testkit.Missing(t, "Chromium", "apt-get install -y chromium fonts-noto-cjk")
	return ""
}

// startBrowser starts one headless Chromium for the test; tabs are opened per page.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.UserDataDir(t.TempDir()),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// screenshotDir is $E2E_OUT or a new temporary directory, kept after the test for a person to look at.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("E2E_OUT")
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "ruralkpi-e2e-"); err != nil {
			t.Fatal(err)
		}
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", dir)
	fmt.Fprintf(os.Stderr, "e2e: screenshots in %s\n", dir)
	return dir
}

// recorder collects everything wrong that a tab reports. Its listen method runs on the tab's event
// loop, so it only appends.
type recorder struct {
	mu       sync.Mutex
	problems []string
}

func (r *recorder) add(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.problems = append(r.problems, fmt.Sprintf(format, args...))
}

func (r *recorder) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.problems...)
}

// allowedURL says whether the page may load the URL: only this machine's 127.0.0.1, or data and
// blob URLs that never touch the network.
func allowedURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "data", "blob", "about":
		return true
	case "http", "https", "ws", "wss":
		return u.Hostname() == "127.0.0.1"
	}
	return false
}

func (r *recorder) listen(ev any) {
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var parts []string
			for _, a := range ev.Args {
				if a.Description != "" {
					parts = append(parts, a.Description)
				} else {
					parts = append(parts, strings.Trim(string(a.Value), `"`))
				}
			}
			r.add("console.%s: %s", ev.Type, strings.Join(parts, " "))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			text += " " + d.Exception.Description
		}
		r.add("uncaught exception at %s:%d: %s", d.URL, d.LineNumber+1, text)
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError {
			r.add("browser log (%s): %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
		}
	case *network.EventRequestWillBeSent:
		if !allowedURL(ev.Request.URL) {
			r.add("request to another host than 127.0.0.1: %s", ev.Request.URL)
		}
	case *network.EventResponseReceived:
		if ev.Response.Status >= 400 {
			r.add("HTTP %d for %s", ev.Response.Status, ev.Response.URL)
		}
	}
}

// blockOutside pauses every request of the tab and lets through only allowed ones, so a page that
// links outside fails the test without a single packet leaving the machine.
func blockOutside(ctx context.Context, rec *recorder) error {
	paused := chromedp.Events(ctx, fetch.RequestPaused)
	if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*"}}}); err != nil {
		return fmt.Errorf("enable request interception: %w", err)
	}
	go func() {
		for ev, err := range paused {
			if err != nil {
				return
			}
			if allowedURL(ev.Request.URL) {
				_, err = chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
			} else {
				rec.add("blocked request to another host than 127.0.0.1: %s", ev.Request.URL)
				_, err = chromedp.Call(ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
			}
			if err != nil && ctx.Err() == nil {
				rec.add("request interception: %v", err)
			}
		}
	}()
	return nil
}

// chartInfo is what the page says about one [data-echarts] element.
type chartInfo struct {
	ID      string  `json:"id"`
	State   string  `json:"state"`
	Canvas  bool    `json:"canvas"`
	Width   int     `json:"width"`
	Height  int     `json:"height"`
	Painted float64 `json:"painted"`
}

// inspectCharts reads every chart's canvas: the share of pixels that differ from the top-left
// pixel (the background). An empty chart, or one that failed, has none.
const inspectCharts = `Array.from(document.querySelectorAll('[data-echarts]')).map(function (el, i) {
  var c = el.querySelector('canvas');
  var info = {id: el.id || ('#' + i), state: el.getAttribute('data-echarts-state') || '', canvas: !!c, width: 0, height: 0, painted: 0};
  if (!c || c.width === 0 || c.height === 0) { return info; }
  info.width = c.width; info.height = c.height;
  var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  var differ = 0;
  for (var p = 0; p < d.length; p += 4) {
    if (d[p] !== d[0] || d[p+1] !== d[1] || d[p+2] !== d[2] || d[p+3] !== d[3]) { differ++; }
  }
  info.painted = differ / (d.length / 4);
  return info;
})`

// chartsSettled is true once charts.js has finished with every chart, drawn or failed.
const chartsSettled = `Array.from(document.querySelectorAll('[data-echarts]')).every(function (el) {
  var s = el.getAttribute('data-echarts-state');
  return s === 'rendered' || s === 'error';
})`

// minPainted is the share of a chart's pixels that must differ from its background: an axis alone
// passes it, an empty or failed chart does not.
const minPainted = 0.002

// pageCheck is one page to open at one viewport.
type pageCheck struct {
	name string // screenshot file stem
	url  string
	vp   viewport
	// minCharts is how many drawn charts the page must have at least.
	minCharts int
	// mobile emulates a phone (touch, the page's viewport meta) rather than a narrow desk window.
	mobile bool
	// assert is an optional JavaScript expression run once the charts are drawn; it returns an
	// array of problems (strings), empty when the page is right.
	assert string
}

// checkAtViewports checks a page at each viewport, one subtest a viewport named prefix and the
// size ("county/1920x1080"); each problem found is an error of its subtest.
func checkAtViewports(t *testing.T, browser context.Context, dir, prefix string, vps []viewport, pc pageCheck) {
	t.Helper()
	for _, vp := range vps {
		t.Run(prefix+vpName(vp), func(t *testing.T) {
			at := pc
			at.vp = vp
			problems, err := checkPage(browser, at, dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, msg := range problems {
				t.Error(msg)
			}
		})
	}
}

// checkPage opens the page in a new tab and returns every problem found, with the screenshot saved
// to dir. An error means the harness itself could not do its job.
func checkPage(browser context.Context, pc pageCheck, dir string) ([]string, error) {
	rec := &recorder{}
	tab, cancel := chromedp.NewContext(browser, chromedp.WithListener(rec.listen))
	defer cancel()
	tab, cancelTimeout := context.WithTimeout(tab, 60*time.Second)
	defer cancelTimeout()
	if err := chromedp.Do(tab); err != nil {
		return nil, fmt.Errorf("open tab: %w", err)
	}
	if err := blockOutside(tab, rec); err != nil {
		return nil, err
	}
	var emulate []chromedp.EmulateViewportOption
	if pc.mobile {
		emulate = append(emulate, chromedp.EmulateMobile)
	}
	if err := chromedp.Do(tab, chromedp.EmulateViewport(pc.vp.width, pc.vp.height, emulate...), chromedp.Navigate(pc.url)); err != nil {
		return nil, fmt.Errorf("open %s: %w", pc.url, err)
	}
	loc, err := chromedp.Run(tab, chromedp.Location())
	if err != nil {
		return nil, fmt.Errorf("read location: %w", err)
	}
	want, _ := url.Parse(pc.url)
	if got, err := url.Parse(loc); err != nil || got.Path != want.Path {
		rec.add("ended on %s, not %s (redirected?)", loc, pc.url)
	}
	if _, err := chromedp.Run(tab, chromedp.Poll[bool](chartsSettled, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		rec.add("charts did not finish drawing within 20 s: %v", err)
	}
	charts, err := chromedp.Run(tab, chromedp.Evaluate[[]chartInfo](inspectCharts))
	if err != nil {
		return nil, fmt.Errorf("inspect charts: %w", err)
	}
	drawn := 0
	for _, c := range charts {
		switch {
		case c.State != "rendered":
			rec.add("chart %s: state %q, want rendered", c.ID, c.State)
		case !c.Canvas:
			rec.add("chart %s: no canvas", c.ID)
		case c.Painted < minPainted:
			rec.add("chart %s: canvas %d×%d is blank (%.4f%% painted)", c.ID, c.Width, c.Height, 100*c.Painted)
		default:
			drawn++
		}
	}
	if drawn < pc.minCharts {
		rec.add("%d charts drawn, want at least %d", drawn, pc.minCharts)
	}
	if pc.assert != "" {
		found, err := chromedp.Run(tab, chromedp.Evaluate[[]string](pc.assert))
		if err != nil {
			return nil, fmt.Errorf("page assertion: %w", err)
		}
		for _, p := range found {
			rec.add("assertion: %s", p)
		}
	}
	png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
	if err != nil {
		return nil, fmt.Errorf("screenshot: %w", err)
	}
	file := filepath.Join(dir, fmt.Sprintf("%s-%dx%d.png", pc.name, pc.vp.width, pc.vp.height))
	if err := os.WriteFile(file, png, 0o644); err != nil {
		return nil, err
	}
	return rec.list(), nil
}
