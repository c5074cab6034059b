package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// client is one person: a browser with cookies, or a script with an API token.
type client struct {
	base  string
	http  *http.Client
	token string
}

func newClient(addr string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{base: "http://" + addr, http: &http.Client{Jar: jar, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// answer is what a request got.
type answer struct {
	status int
	body   []byte
	took   time.Duration
	err    error
}

func (c *client) do(req *http.Request) answer {
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	start := time.Now()
	res, err := c.http.Do(req)
	if err != nil {
		return answer{err: err, took: time.Since(start)}
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	return answer{status: res.StatusCode, body: body, took: time.Since(start), err: err}
}

func (c *client) get(path string) answer {
	req, _ := http.NewRequest(http.MethodGet, c.base+path, nil)
	return c.do(req)
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
	req, _ := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req), nil
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

// newToken signs in as the user and makes a personal API token, as a script's owner would.
func newToken(addr, username, password string) (string, error) {
	c := newClient(addr)
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
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, _ := w.CreateFormFile("file", name)
	_, _ = part.Write(file)
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, c.base+"/api/v1/returns", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.do(req)
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
