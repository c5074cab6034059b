package e2e

import "testing"

// TestBrowser starts one Chromium and runs every browser check in it; starting a browser per
// test costs seconds on a small machine. Run one group with -run TestBrowser/NAME.
func TestBrowser(t *testing.T) {
	browser := startBrowser(t) // first: skips before any build when there is no Chromium
	dir := screenshotDir(t)
	t.Run("harness", func(t *testing.T) {
		t.Run("fixture", func(t *testing.T) { testFixturePage(t, browser, dir) })
		t.Run("catches", func(t *testing.T) { testHarnessCatches(t, browser) })
	})
	t.Run("goecharts", func(t *testing.T) { testGoEchartsThroughTemplate(t, browser, dir) })
	t.Run("print", func(t *testing.T) { testPrintA4Landscape(t, browser, dir) })
	t.Run("app", func(t *testing.T) { testAppPages(t, browser, dir) })
	t.Run("login-redirect", func(t *testing.T) { testLoginRedirectStaysOnSite(t, browser) })
	t.Run("phone", func(t *testing.T) { testPhone(t, browser, dir) })
	t.Run("homes", func(t *testing.T) { testHomes(t, browser, dir) })
	t.Run("desk", func(t *testing.T) { testDeskFit(t, browser, dir) })
}
