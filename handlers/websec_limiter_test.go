package handlers

import (
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"testing"
	"time"
)

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// addressClient is a browser-like client whose connections leave from the given loopback address.
func addressClient(t *testing.T, from string) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 5 * time.Second}
	return &http.Client{Jar: jar, Transport: &http.Transport{DialContext: d.DialContext},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// formLogin signs in through the login form as a browser does and returns the status.
func formLogin(t *testing.T, c *http.Client, base, username, password string) int {
	t.Helper()
	res, err := c.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfField.FindSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token on the login page: %.300s", page)
	}
	res, err = c.PostForm(base+"/login", url.Values{"username": {username}, "password": {password}, "_csrf": {string(m[1])}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// TestStrangerCannotLockOutOffice has an attacker on 127.0.0.2 hammer the office account with wrong
// passwords over real connections while the office signs in from 127.0.0.1.
func TestStrangerCannotLockOutOffice(t *testing.T) {
	e := newAccessEnv(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = e.app.Listener(ln) }()
	t.Cleanup(func() { _ = e.app.Shutdown() })
	base := "http://" + ln.Addr().String()
	attacker := addressClient(t, "127.0.0.2")
	limited := false
	for i := 0; i < 3*loginPairLimit; i++ {
		switch st := formLogin(t, attacker, base, "office", "wrong password"); st {
		case http.StatusUnauthorized:
		case http.StatusTooManyRequests:
			limited = true
		default:
			t.Fatalf("attacker attempt %d: %d", i+1, st)
		}
	}
	if !limited {
		t.Errorf("the attacker was never throttled after %d failures", 3*loginPairLimit)
	}
	if st := formLogin(t, addressClient(t, "127.0.0.1"), base, "office", accessPassword); st != http.StatusSeeOther {
		t.Errorf("the office from its own address: %d, want 303 (signed in)", st)
	}
	if st := formLogin(t, attacker, base, "office", accessPassword); st != http.StatusTooManyRequests {
		t.Errorf("the attacker's address with the right password: %d, want 429", st)
	}
}
