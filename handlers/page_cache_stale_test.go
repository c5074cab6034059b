package handlers

import (
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"ruralkpi/models"
)

// fakeCacheClock is the page cache's clock in tests.
type fakeCacheClock struct {
	mu  sync.Mutex
	now time.Time
}

func (f *fakeCacheClock) Now() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.now }
func (f *fakeCacheClock) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

// TestStalePageRule: a page of an older data version is served as stale only within the bound after
// its version stopped being current, only under its own key (the viewer's scope), and never to a
// viewer who wrote since it.
func TestStalePageRule(t *testing.T) {
	clock := &fakeCacheClock{now: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)}
	pc := newPageCache(1 << 20)
	pc.now = clock.Now
	pc.observe(1)
	pc.put("page\x00leader/", 1, pc.split("text/html", []byte("版本一")))
	clock.Advance(10 * time.Second)
	pc.observe(2) // a write: version 1 stops being current now
	pc.wroteAt(7, 2)
	tests := []struct {
		name    string
		key     string
		version uint64
		user    uint
		after   time.Duration
		maxAge  time.Duration
		want    bool
	}{
		{"within the bound", "page\x00leader/", 2, 0, 300 * time.Millisecond, time.Second, true},
		{"another viewer of the scope", "page\x00leader/", 2, 8, 300 * time.Millisecond, time.Second, true},
		{"past the bound", "page\x00leader/", 2, 0, 1500 * time.Millisecond, time.Second, false},
		{"stale pages off", "page\x00leader/", 2, 0, 0, 0, false},
		{"another scope", "page\x00office/", 2, 0, 300 * time.Millisecond, time.Second, false},
		{"the viewer wrote since", "page\x00leader/", 2, 7, 300 * time.Millisecond, time.Second, false},
		{"the current version is no stale page", "page\x00leader/", 1, 0, 300 * time.Millisecond, time.Second, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			saved := clock.Now()
			clock.Advance(tt.after)
			defer func() { clock.mu.Lock(); clock.now = saved; clock.mu.Unlock() }()
			if got := pc.stale(tt.key, tt.version, tt.user, tt.maxAge) != nil; got != tt.want {
				t.Errorf("stale = %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("a newer page replaces the older one in place", func(t *testing.T) {
		before := pc.bytes()
		pc.put("page\x00leader/", 2, pc.split("text/html", []byte("版本二，更长")))
		if e := pc.get("page\x00leader/", 2); e == nil || pc.get("page\x00leader/", 1) != nil {
			t.Fatal("version 2 not kept, or version 1 still answered as current")
		}
		if pc.bytes() != before+len("版本二，更长")-len("版本一") {
			t.Errorf("bytes %d, want %d", pc.bytes(), before+len("版本二，更长")-len("版本一"))
		}
		pc.put("page\x00leader/", 1, pc.split("text/html", []byte("旧")))
		if pc.get("page\x00leader/", 2) == nil {
			t.Error("an older page replaced a newer one")
		}
	})
}

// TestStalePageWhileRecomputed: after a write, the next reader of a page gets the page of the data
// before at once (within Config.StalePages) while the current one is computed in the background,
// and the readers after that get the current one; a viewer who wrote gets the page with their write
// on their next view. Before, every reader after a write waited for the page to be computed again.
func TestStalePageWhileRecomputed(t *testing.T) {
	e := newDemoEnv(t, models.DemoToday)
	clock := &fakeCacheClock{now: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)}
	e.server.pages.now = clock.Now
	e.server.Config.StalePages = time.Second
	hash, err := bcrypt.GenerateFromPassword([]byte(accessPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	insertUser(t, e.store, &models.User{Username: "office2", DisplayName: "第二位办公室用户", PasswordHash: string(hash), Role: models.RoleOffice})
	office, other := e.tokenClient("office"), e.tokenClient("office2")
	office.do("GET", "/", nil)
	before := other.do("GET", "/", nil)
	if before.status != 200 {
		t.Fatalf("home: %d", before.status)
	}
	if err := e.store.SetLockAfterDays(3, models.Actor{Username: "office"}, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if res := other.do("GET", "/", nil); res.status != 200 || res.body != before.body {
		t.Fatalf("the first view after another's write: status %d, the page before: %v; want the page before at once",
			res.status, res.body == before.body)
	}
	current := ""
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if res := other.do("GET", "/", nil); res.body != before.body {
			current = res.body
			break
		}
	}
	if current == "" {
		t.Fatal("the current page never replaced the one before")
	}
	if !strings.Contains(current, "3") {
		t.Fatal("the current page does not show the lock setting")
	}

	// The office approves the waiting return through the API; its next view shows it, though a
	// page from before the approval is within the bound for the scope.
	subs, err := e.store.Submissions()
	if err != nil {
		t.Fatal(err)
	}
	id := subs["530325"]["2025-09"].LatestID
	office.do("GET", "/", nil)
	req := httptest.NewRequest("POST", "/api/v1/returns/"+strconv.FormatUint(uint64(id), 10)+"/review", strings.NewReader(`{"decision":"approve"}`))
	req.Header.Set("Content-Type", "application/json")
	if res := office.send(req); res.status != 200 {
		t.Fatalf("approve: %d %s", res.status, res.body)
	}
	own := office.do("GET", "/", nil)
	e.server.pages = newPageCache(defaultPageCacheBytes)
	fresh := office.do("GET", "/", nil)
	if own.body != fresh.body {
		t.Error("the office's next view after its own approval is a page from before it")
	}
}
