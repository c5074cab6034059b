package e2e

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// testPrintA4Landscape: the stylesheet's @page makes the briefing print on A4 landscape
// (842 × 595 pt), with its charts drawn.
func testPrintA4Landscape(t *testing.T, browser context.Context, dir string) {
	base := startFixtureServer(t)
	tab, cancel := chromedp.NewContext(browser)
	defer cancel()
	tab, cancelTimeout := context.WithTimeout(tab, 60*time.Second)
	defer cancelTimeout()
	// The window as wide as an A4 landscape sheet (297 mm at 96 px/in), as when a leader prints;
	// charts.js resizes the charts on beforeprint, which printing from the protocol does not fire.
	if err := chromedp.Do(tab, chromedp.EmulateViewport(1123, 794), chromedp.Navigate(base+"/fixture/good.html")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(tab, chromedp.Poll[bool](chartsSettled, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("charts did not draw: %v", err)
	}
	pdf, err := chromedp.Run(tab, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize(), chromedp.PDFPrintBackground()))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "fixture-good-print.pdf")
	if err := os.WriteFile(file, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	// The page size of the first page, in points.
	mediaBox := regexp.MustCompile(`/MediaBox\s*\[\s*0\s+0\s+([0-9.]+)\s+([0-9.]+)\s*\]`)
	m := mediaBox.FindSubmatch(pdf)
	if m == nil {
		t.Fatalf("no /MediaBox in the PDF (%d bytes, %s)", len(pdf), file)
	}
	w, _ := strconv.ParseFloat(string(m[1]), 64)
	h, _ := strconv.ParseFloat(string(m[2]), 64)
	if w < 835 || w > 850 || h < 590 || h > 600 {
		t.Errorf("page is %.1f × %.1f pt, want A4 landscape 842 × 595 (%s)", w, h, file)
	}
}
