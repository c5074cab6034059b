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
