package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"time"

	"ruralkpi/internal/testkit"
)

// client is one person: a browser with cookies, or a script with an API token. It talks to its own
// server; when the tool killed that server (-kill-after), a request cut by the kill or refused
// while the server is down goes to the next server, as a load balancer would send it.
type client struct {
	servers []string // base URLs, its own server first
	http    *http.Client
	token   string
	outage  *outage // the tool's kills and restarts; nil when it kills none
}

// newClient is a client of the given servers (base URLs, its own first).
// Each has its own connections, kept alive between requests as a browser keeps them: sharing one
// pool (two idle connections a server) among two hundred people made most requests open a new
// connection, a cost no browser puts on the server.
func newClient(servers []string, o *outage) *client {
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 60 * time.Second, Transport: http.DefaultTransport.(*http.Transport).Clone(),
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if o != nil {
		o.keep(hc)
	}
	return &client{servers: servers, outage: o, http: hc}
}

// answer is what a request got.
type answer struct {
	status int
	body   []byte
	took   time.Duration // from the first attempt to the last answer
	err    error
	cut    int       // attempts cut by the kill of the server they were on (in flight when it died)
	down   int       // attempts refused because the server was down (killed, not yet restarted)
	server string    // the base URL of the server that gave this answer
	sent   time.Time // when the attempt that gave it was sent
	path   string    // the path asked for, without the server
}

// send makes a request (body may be nil) and reads the answer; an attempt that the tool's kill
// explains is made again on the next server.
func (c *client) send(method, path, contentType string, body []byte) answer {
	start := time.Now()
	var a answer
	for _, base := range c.servers {
		var r io.Reader
		if body != nil {
			r = bytes.NewReader(body)
		}
		req, err := http.NewRequest(method, base+path, r)
		if err != nil {
			return answer{err: err}
		}
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		tried := time.Now()
		cut, down := a.cut, a.down
		a = c.once(req)
		a.cut, a.down, a.server, a.sent = cut, down, base, tried
		if a.err == nil || c.outage == nil {
			break
		}
		switch c.outage.cause(base, tried, time.Now()) {
		case causeCut:
			a.cut++
		case causeDown:
			a.down++
		default:
			a.took = time.Since(start)
			return a // a failure the kill does not explain
		}
	}
	a.took = time.Since(start)
	a.path = path
	return a
}

func (c *client) once(req *http.Request) answer {
	res, err := c.http.Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	return answer{status: res.StatusCode, body: body, err: err}
}

func (c *client) get(path string) answer {
	return c.send(http.MethodGet, path, "", nil)
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// postForm posts a form the way the browser does: with the CSRF token of the page it came from.
func (c *client) postForm(page, path string, form url.Values) (answer, error) {
	a := c.get(page)
	m := csrfField.FindSubmatch(a.body)
	if a.err != nil || m == nil {
		return a, fmt.Errorf("no form on %s: %d %v", page, a.status, a.err)
	}
	form.Set("_csrf", string(m[1]))
	return c.send(http.MethodPost, path, "application/x-www-form-urlencoded", []byte(form.Encode())), nil
}

func (c *client) login(username, password string) error {
	a, err := c.postForm("/login", "/login", url.Values{"username": {username}, "password": {password}})
	if err != nil {
		return err
	}
	if a.status != http.StatusSeeOther {
		return fmt.Errorf("login %s: %d %.200s", username, a.status, a.body)
	}
	return nil
}

var tokenText = regexp.MustCompile(`rk_[A-Za-z0-9_-]{20,}`)

// newToken signs in as the user on a server (base URL) and makes a personal API token, as a
// script's owner would.
func newToken(base, username, password string) (string, error) {
	c := newClient([]string{base}, nil)
	if err := c.login(username, password); err != nil {
		return "", err
	}
	a, err := c.postForm("/account", "/account/tokens", url.Values{"name": {"loadtest"}})
	if err != nil {
		return "", err
	}
	m := tokenText.Find(a.body)
	if a.status != http.StatusOK || m == nil {
		return "", fmt.Errorf("token for %s: %d", username, a.status)
	}
	return string(m), nil
}

// upload posts a return file to the API.
func (c *client) upload(name string, file []byte) answer {
	body, ctype := testkit.Form(nil, name, file)
	return c.send(http.MethodPost, "/api/v1/returns", ctype, body.Bytes())
}

// acceptedVersion is what a 201 says was stored.
type acceptedVersion struct {
	ID       uint   `json:"id"`
	Number   int    `json:"number"`
	County   string `json:"county"`
	Period   string `json:"period"`
	FileHash string `json:"file_hash"`
}

func parseAccepted(body []byte) (acceptedVersion, error) {
	var out struct {
		Version acceptedVersion `json:"version"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return acceptedVersion{}, err
	}
	return out.Version, nil
}
