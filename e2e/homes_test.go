package e2e

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// noSideways is a page assertion: the page does not scroll sideways (tables scroll in their boxes).
const noSideways = `(() => document.documentElement.scrollWidth > window.innerWidth + 1 ?
  ["page is " + document.documentElement.scrollWidth + "px wide in a " + window.innerWidth + "px window"] : [])()`

// testHomes signs in as each role on the demo and opens its home at desk and phone widths (issue 14).
func testHomes(t *testing.T, browser context.Context, dir string) {
	base := startApp(t)
	for _, user := range []string{"county-530326", "office", "leader"} {
		signOutAll(t, browser)
		signIn(t, browser, base, user)
		for _, vp := range []viewport{{1366, 768}, {390, 844}} {
			t.Run(fmt.Sprintf("%s/%dx%d", user, vp.width, vp.height), func(t *testing.T) {
				problems, err := checkPage(browser, pageCheck{name: "home-" + user, url: base + "/", vp: vp, assert: noSideways}, dir)
				if err != nil {
					t.Fatal(err)
				}
				for _, msg := range problems {
					t.Error(msg)
				}
			})
		}
	}
}

// signOutAll forgets every cookie of the browser, so that the next sign-in starts afresh.
func signOutAll(t *testing.T, browser context.Context) {
	t.Helper()
	tab, cancel := chromedp.NewContext(browser)
	defer cancel()
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	if _, err := chromedp.Call(tab, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		t.Fatalf("clear cookies: %v", err)
	}
}
