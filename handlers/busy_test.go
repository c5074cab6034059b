package handlers

import (
	"database/sql"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/internal/testkit"
	"ruralkpi/models"
	"ruralkpi/store"
)

// holdWriteLock takes SQLite's write lock on the database from another connection (as another
// process, e.g. the CLI, would) until the returned function is called.
func holdWriteLock(t *testing.T, path string) func() {
	t.Helper()
	db, err := sql.Open("sqlite3", store.SQLiteDSN(path))
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	tx, err := db.Begin() // _txlock=immediate: takes the write lock now
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec("INSERT INTO settings (key, value) VALUES ('held', '1')"); err != nil {
		t.Fatal(err)
	}
	done := false
	release := func() {
		if !done {
			done = true
			_ = tx.Rollback()
			_ = db.Close()
		}
	}
	t.Cleanup(release)
	return release
}

// TestReadsNeverWaitForAWriter: while another connection holds the write lock, pages and API reads
// by session, by token and anonymously answer at once; on 363cc77 they waited 5 s and failed with
// a 500 ("database is locked") because the session's extension, the token's last use and the CSRF
// token were written on the request path.
func TestReadsNeverWaitForAWriter(t *testing.T) {
	e := newAccessEnv(t)
	browser := e.loggedIn("county-530302")
	api := e.tokenClient("leader")
	e.clock.Advance(2 * time.Hour) // the session is due for an extension, the token for a last use
	release := holdWriteLock(t, e.dbPath)
	defer release()
	for _, r := range []struct {
		name string
		c    *accessClient
		path string
	}{
		{"page by session", browser, "/"},
		{"another page by session", browser, "/returns"},
		{"API by token", api, "/api/v1/progress?period=2024-06"},
		{"login page", e.client(), "/login"},
	} {
		t.Run(r.name, func(t *testing.T) {
			start := time.Now()
			res := r.c.do("GET", r.path, nil)
			if took := time.Since(start); res.status != 200 || took > 2*time.Second {
				t.Errorf("status %d after %v: %.300s", res.status, took, res.body)
			}
		})
	}
}

// TestBusyDatabaseIs503: a change that cannot get the write lock is answered 503 with Retry-After
// and a Chinese message saying nothing was stored, never a 500 with 系统内部错误; and nothing is stored.
func TestBusyDatabaseIs503(t *testing.T) {
	e := newAccessEnv(t)
	fx := newAccessFixtures(t, e)
	office := e.loggedIn("office")
	api := e.tokenClient("office")
	api.do("GET", "/api/v1/me", nil)
	release := holdWriteLock(t, e.dbPath)
	defer release()

	res := office.do("POST", "/deadlines", url.Values{"period": {"2024-06"}, "due": {"2024-07-09"}})
	if res.status != fiber.StatusServiceUnavailable || res.header.Get("Retry-After") == "" ||
		!strings.Contains(res.body, "系统繁忙") || strings.Contains(res.body, "系统内部错误") {
		t.Errorf("form: %d Retry-After=%q %.400s", res.status, res.header.Get("Retry-After"), res.body)
	}
	req := httptest.NewRequest("POST", "/api/v1/returns/"+fx.versionID+"/review", strings.NewReader(`{"decision":"approve"}`))
	req.Header.Set("Content-Type", "application/json")
	res = api.send(req)
	if res.status != fiber.StatusServiceUnavailable || res.header.Get("Retry-After") == "" || !strings.Contains(res.body, `"code":"busy"`) {
		t.Errorf("API: %d %.300s", res.status, res.body)
	}
	release()
	if v, _ := e.store.VersionByID(1); v.Status != models.StatusSubmitted {
		t.Errorf("the busy review was stored: %s", v.Status)
	}
	if d, _ := e.store.Deadline(models.MustPeriod("2024-06")); d.Format("2006-01-02") == "2024-07-09" {
		t.Error("the busy change was stored")
	}
	if entries, _ := e.store.AuditEntries(models.AuditFilter{Action: models.AuditDeadline}); len(entries) != 0 {
		t.Errorf("audit entries of refused changes: %+v", entries)
	}
}

// TestDiskFull puts the database on a tiny tmpfs (root only) and fills it: reads keep working,
// every change is a 507 with 存储空间不足 (login too, not a CSRF error), /healthz reports it, and
// once space is freed everything works again.
func TestDiskFull(t *testing.T) {
	dir := testkit.SmallDisk(t, 8<<20) // models.TestDatabaseErrorCodes covers the mapping where it skips
	e := newAccessEnvAt(t, filepath.Join(dir, "full.db"))
	browser := e.loggedIn("office")
	api := e.tokenClient("leader")
	api.do("GET", "/api/v1/me", nil)
	if res := e.client().do("GET", "/healthz", nil); res.status != 200 {
		t.Fatalf("healthz before: %d %s", res.status, res.body)
	}

	filler := filepath.Join(dir, "filler")
	f, err := os.Create(filler)
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			break
		}
	}
	for {
		if _, err := f.Write(chunk[:512]); err != nil {
			break
		}
	}
	_ = f.Close()

	e.clock.Advance(2 * time.Hour)
	for _, path := range []string{"/", "/deadlines", "/api/v1/progress?period=2024-06"} {
		c := browser
		if strings.HasPrefix(path, "/api/") {
			c = api
		}
		if res := c.do("GET", path, nil); res.status != 200 {
			t.Errorf("read %s on a full disk: %d %.300s", path, res.status, res.body)
		}
	}
	res := browser.do("POST", "/deadlines", url.Values{"period": {"2024-06"}, "due": {"2024-07-09"}})
	if res.status != fiber.StatusInsufficientStorage || !strings.Contains(res.body, "存储空间不足，请联系管理员") {
		t.Errorf("change on a full disk: %d %.400s", res.status, res.body)
	}
	anon := e.client()
	res = anon.login("county-530302", accessPassword)
	if res.status != fiber.StatusInsufficientStorage || strings.Contains(res.body, "CSRF") {
		t.Errorf("login on a full disk: %d %.400s", res.status, res.body)
	}
	res = e.client().do("GET", "/healthz", nil)
	if res.status != fiber.StatusServiceUnavailable || !strings.Contains(res.body, "read_only") {
		t.Errorf("healthz on a full disk: %d %s", res.status, res.body)
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if res := e.client().do("GET", "/healthz", nil); res.status != 200 {
		t.Errorf("healthz after freeing space: %d %s", res.status, res.body)
	}
	if res := browser.do("POST", "/deadlines", url.Values{"period": {"2024-06"}, "due": {"2024-07-09"}}); res.status != fiber.StatusSeeOther {
		t.Errorf("change after freeing space: %d %.300s", res.status, res.body)
	}
}
