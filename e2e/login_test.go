package e2e

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ruralkpi/models"
)

// signedIn is on every page once a user is signed in: the link to their account.
const signedIn = `header .user a[href="/account"]`

// loginSteps open the login page at loginURL and submit the form as the demo user username.
func loginSteps(loginURL, username string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(loginURL),
		chromedp.SendKeys(`input[name="username"]`, username),
		chromedp.SendKeys(`input[name="password"]`, models.DemoPassword),
		chromedp.Click(`form.form button[type="submit"]`),
	)
}

// signIn logs the browser in as a demo user through the login form; every tab opened afterwards
// shares the session cookie.
func signIn(t *testing.T, browser context.Context, base, username string) {
	t.Helper()
	tab, cancel := chromedp.NewContext(browser)
	defer cancel()
	tab, cancelTimeout := context.WithTimeout(tab, 30*time.Second)
	defer cancelTimeout()
	if err := chromedp.Do(tab, loginSteps(base+"/login", username), chromedp.WaitVisible(signedIn)); err != nil {
		t.Fatalf("sign in as %s: %v", username, err)
	}
	loc, err := chromedp.Run(tab, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if u, err := url.Parse(loc); err != nil || strings.HasPrefix(u.Path, "/login") {
		t.Fatalf("still on the login page after signing in: %s", loc)
	}
}

// hostileNext are post-login targets that try to send the browser elsewhere, the way browsers are
// known to be fooled: a tab dropped from "/\t/evil.example/" leaves "//evil.example", a backslash
// is read as a slash.
var hostileNext = []string{"/\t/evil.example/", "/%09/evil.example/", "/\\evil.example", "//evil.example", "/\\/evil.example",
	"/\r\n/evil.example", "/%2F%2Fevil.example"}

// testLoginRedirectStaysOnSite follows a hostile login link in real Chromium, both ways it can be
// taken: signing in through the form (the 303 after the post), and opening it while already signed
// in (the 303 of the login page itself, which no form-action policy guards). The browser must end
// on this site's home page. Requests off the machine are blocked and recorded, so nothing leaves
// even when the check fails.
func testLoginRedirectStaysOnSite(t *testing.T, browser context.Context) {
	base := startApp(t)
	for _, next := range hostileNext {
		t.Run(url.QueryEscape(next), func(t *testing.T) {
			login := base + "/login?next=" + url.QueryEscape(next)
			t.Run("form", func(t *testing.T) {
				tab, rec := isolatedTab(t, browser)
				if err := chromedp.Do(tab, loginSteps(login, "office")); err != nil {
					t.Fatalf("sign in: %v", err)
				}
				checkHome(t, tab, rec, base)
			})
			t.Run("signed in", func(t *testing.T) {
				tab, rec := isolatedTab(t, browser)
				if err := chromedp.Do(tab, loginSteps(base+"/login", "office"), chromedp.WaitVisible(signedIn)); err != nil {
					t.Fatalf("sign in: %v", err)
				}
				// A navigation that ends off the site fails here (blocked); checkHome says where it went.
				_ = chromedp.Do(tab, chromedp.Navigate(login))
				checkHome(t, tab, rec, base)
			})
		})
	}
}

// isolatedTab opens a tab in a browser context of its own (no cookies from other tests) with
// requests off 127.0.0.1 blocked and recorded.
func isolatedTab(t *testing.T, browser context.Context) (context.Context, *recorder) {
	t.Helper()
	rec := &recorder{}
	tab, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext(), chromedp.WithListener(rec.listen))
	t.Cleanup(cancel)
	tab, cancelTimeout := context.WithTimeout(tab, 45*time.Second)
	t.Cleanup(cancelTimeout)
	if err := chromedp.Do(tab); err != nil {
		t.Fatal(err)
	}
	if err := blockOutside(tab, rec); err != nil {
		t.Fatal(err)
	}
	return tab, rec
}

// checkHome waits for the browser to leave the login page and checks it is on this site's home
// page, having tried no other host.
func checkHome(t *testing.T, tab context.Context, rec *recorder, base string) {
	t.Helper()
	var loc string
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		var err error
		if loc, err = chromedp.Run(tab, chromedp.Location()); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(loc, base+"/login") {
			break
		}
	}
	if u, err := url.Parse(loc); err != nil || u.Scheme != "http" || u.Host != strings.TrimPrefix(base, "http://") || u.Path != "/" {
		t.Errorf("the browser is at %q, want %s/", loc, base)
	}
	for _, p := range rec.list() {
		if strings.Contains(p, "another host") || strings.Contains(p, "form-action") {
			t.Errorf("the browser was sent off the site: %s", p)
		}
	}
}
