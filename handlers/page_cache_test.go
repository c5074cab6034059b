package handlers

import (
	"net/http/httptest"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"ruralkpi/models"
)

// Progress pages and API answers are cached per viewer scope and data version and answer
// If-None-Match with 304; a viewer never gets another viewer's name, token or menu, and a write
// makes the next answer current.
func TestProgressPagesCached(t *testing.T) {
	e := newAccessEnv(t)
	hash, err := bcrypt.GenerateFromPassword([]byte(accessPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	insertUser(t, e.store, &models.User{Username: "office2", DisplayName: "第二位办公室用户", PasswordHash: string(hash), Role: models.RoleOffice})
	office, office2, leader := e.loggedIn("office"), e.loggedIn("office2"), e.loggedIn("leader")
	conditional := func(c *accessClient, path, etag string) accessResult {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("If-None-Match", etag)
		return c.send(req)
	}

	before := e.server.PageCacheBytes()
	first := office.do("GET", "/overview", nil)
	etag := first.header.Get("ETag")
	if held := e.server.PageCacheBytes(); held <= before {
		t.Errorf("PageCacheBytes %d after caching the overview, was %d: serve's memory limit follows it", held, before)
	}
	if first.status != 200 || etag == "" || !strings.Contains(first.header.Get("Cache-Control"), "private") {
		t.Fatalf("overview: status %d, ETag %q, Cache-Control %q; want 200 with an ETag, private", first.status, etag, first.header.Get("Cache-Control"))
	}
	if res := conditional(office, "/overview", etag); res.status != 304 || res.body != "" {
		t.Errorf("same page again with its ETag: status %d, want 304 and no body", res.status)
	}

	t.Run("each viewer gets their own name and token", func(t *testing.T) {
		for _, c := range []*accessClient{office, office2} {
			res := c.do("GET", "/overview", nil)
			token := c.jar[csrfCookie]
			if token == "" || !strings.Contains(res.body, `value="`+token+`"`) {
				t.Errorf("the page does not carry the viewer's own CSRF token")
			}
			if strings.Contains(res.body, "rkviewer") || strings.Contains(res.body, "rkcsrf") {
				t.Error("a cache marker reached the page")
			}
		}
		if b := office2.do("GET", "/overview", nil).body; !strings.Contains(b, "第二位办公室用户") || strings.Contains(b, office.jar[csrfCookie]) {
			t.Error("office2 got another viewer's name or token")
		}
		if res := conditional(office2, "/overview", etag); res.status != 200 {
			t.Errorf("another viewer's ETag: status %d, want 200 (an ETag is only ever confirmed for its viewer)", res.status)
		}
	})
	t.Run("scopes are never shared", func(t *testing.T) {
		if !strings.Contains(first.body, `href="/admin/users"`) {
			t.Fatal("the office's overview has no user administration link")
		}
		if b := leader.do("GET", "/overview", nil).body; strings.Contains(b, `href="/admin/users"`) {
			t.Error("the leader got the office's cached page")
		}
	})
	t.Run("the briefing follows follow-ups", func(t *testing.T) {
		const page = "/briefing?period=2024-06"
		before := office.do("GET", page, nil)
		if before.status != 200 || conditional(office, page, before.header.Get("ETag")).status != 304 {
			t.Fatalf("briefing: status %d, or no 304 for its own ETag", before.status)
		}
		if _, err := e.store.OpenFollowUp(e.plan, models.NewFollowUp{UnitCode: "530302", Indicator: models.IndServicePoints,
			Title: "督办缓存测试事项", Assignee: "某某", DueDate: "2024-12-31"}, models.Actor{Username: "office"}, e.clock.Now()); err != nil {
			t.Fatal(err)
		}
		if after := conditional(office, page, before.header.Get("ETag")); after.status != 200 || !strings.Contains(after.body, "督办缓存测试事项") {
			t.Errorf("after a follow-up: status %d; want 200 with the follow-up", after.status)
		}
	})
	t.Run("a write makes the next answer current", func(t *testing.T) {
		const api = "/api/v1/progress?period=2024-06&county=530302"
		before := office.do("GET", api, nil)
		if before.status != 200 {
			t.Fatalf("status %d", before.status)
		}
		if res := conditional(office, api, before.header.Get("ETag")); res.status != 304 {
			t.Fatalf("API answer again with its ETag: %d, want 304", res.status)
		}
		if _, err := e.store.SaveVersion(models.NewVersion{UnitCode: "530302", Period: "2024-06", Source: models.SourceUpload,
			Values: []models.ReturnValue{{Indicator: models.IndServicePoints, Value: 321}}}); err != nil {
			t.Fatal(err)
		}
		after := conditional(office, api, before.header.Get("ETag"))
		if after.status != 200 || !strings.Contains(after.body, `"actual":321`) {
			t.Errorf("after a write: status %d, body %.200s; want 200 with the new figure", after.status, after.body)
		}
	})
}
