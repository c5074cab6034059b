package handlers

import (
	"database/sql"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/crypto/bcrypt"

	"ruralkpi/internal/testkit"
	"ruralkpi/models"
	"ruralkpi/store"
)

// accessPassword is the password of every user of the access tests.
const accessPassword = "correct horse battery"

// accessClock is a settable clock for the tests' Config.Now.
type accessClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *accessClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *accessClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// accessEnv is an app on a fresh database with one user per role: office, leader, county-530302
// (own unit in the tests) and county-530303 (another unit).
type accessEnv struct {
	t      testing.TB
	app    *fiber.App
	server *Server
	store  *store.Store
	plan   *models.Plan
	dbPath string
	clock  *accessClock
	// trusted are the reverse proxies the server trusts (Config.TrustedProxies), set before restart.
	trusted []string
}

func newAccessEnv(t testing.TB) *accessEnv {
	t.Helper()
	return newAccessEnvAt(t, filepath.Join(t.TempDir(), "access.db"))
}

// newAccessEnvAt is newAccessEnv with the database at path.
func newAccessEnvAt(t testing.TB, path string) *accessEnv {
	t.Helper()
	e := &accessEnv{t: t, plan: testkit.Plan(t), dbPath: path,
		clock: &accessClock{now: time.Date(2024, 7, 3, 10, 0, 0, 0, models.ReportingZone())}}
	e.open()
	// Users are stored with the cheapest bcrypt cost: the tests log in hundreds of times.
	hash, err := bcrypt.GenerateFromPassword([]byte(accessPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	for _, nu := range []models.NewUser{
		{Username: "office", DisplayName: "办公室", Role: models.RoleOffice},
		{Username: "leader", DisplayName: "领导", Role: models.RoleLeader},
		{Username: "county-530302", DisplayName: "麒麟区填报员", Role: models.RoleCounty, UnitCode: "530302"},
		{Username: "county-530303", DisplayName: "沾益区填报员", Role: models.RoleCounty, UnitCode: "530303"},
	} {
		if err := models.ValidateNewUser(e.plan, nu); err != nil {
			t.Fatal(err)
		}
		u := models.User{Username: nu.Username, DisplayName: nu.DisplayName, PasswordHash: string(hash), Role: nu.Role, UnitCode: nu.UnitCode, Demo: true}
		insertUser(t, e.store, &u)
	}
	return e
}

// open opens the store and builds the app; after close it simulates a restart.
func (e *accessEnv) open() {
	e.t.Helper()
	store, err := store.Open(e.dbPath)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := store.SeedPlan(e.plan); err != nil {
		e.t.Fatal(err)
	}
	e.store = store
	e.server = &Server{Plan: e.plan, Store: store, Config: Config{Now: e.clock.Now, TempDir: e.t.TempDir(), TrustedProxies: e.trusted}}
	app, err := New(e.server)
	if err != nil {
		e.t.Fatal(err)
	}
	e.app = app
	e.server.limiter.dummyCost = bcrypt.MinCost // as cheap as the test users' hashes
	e.t.Cleanup(func() { _ = store.Close() })
}

func (e *accessEnv) restart() {
	e.t.Helper()
	if err := e.store.Close(); err != nil {
		e.t.Fatal(err)
	}
	e.open()
}

// accessClient keeps cookies like a browser, or sends an API token.
type accessClient struct {
	env    *accessEnv
	jar    map[string]string
	bearer string
	noCSRF bool
	header map[string]string // sent with every request (a proxy's X-Forwarded-For)
}

func (e *accessEnv) client() *accessClient { return &accessClient{env: e, jar: map[string]string{}} }

// tokenClient is a client authenticated by a fresh API token of the user.
func (e *accessEnv) tokenClient(username string) *accessClient {
	e.t.Helper()
	u, err := e.store.UserByName(username)
	if err != nil {
		e.t.Fatal(err)
	}
	token, _, err := e.store.CreateAPIToken(u, "test", models.Actor{Username: u.Username}, e.clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return &accessClient{env: e, jar: map[string]string{}, bearer: token}
}

// loggedIn is a browser client signed in as the user.
func (e *accessEnv) loggedIn(username string) *accessClient {
	e.t.Helper()
	c := e.client()
	if res := c.login(username, accessPassword); res.status != fiber.StatusSeeOther {
		e.t.Fatalf("login %s: %d %s", username, res.status, res.body)
	}
	if c.jar[csrfCookie] != "" {
		e.t.Fatal("the CSRF token was not renewed at login")
	}
	c.do("GET", "/account", nil) // the page a browser lands on hands out the new CSRF token
	return c
}

type accessResult struct {
	status   int
	body     string
	location string
	header   http.Header
}

func (c *accessClient) login(username, password string) accessResult {
	if c.jar[csrfCookie] == "" {
		c.do("GET", "/login", nil)
	}
	return c.do("POST", "/login", url.Values{"username": {username}, "password": {password}})
}

// do sends a request; a form is posted url-encoded with the CSRF token unless noCSRF is set.
func (c *accessClient) do(method, path string, form url.Values) accessResult {
	c.env.t.Helper()
	var body io.Reader
	if form != nil {
		if !c.noCSRF && form.Get("_csrf") == "" && c.jar[csrfCookie] != "" {
			form.Set("_csrf", c.jar[csrfCookie])
		}
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return c.send(req)
}

func (c *accessClient) send(req *http.Request) accessResult {
	c.env.t.Helper()
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	for name, value := range c.jar {
		req.AddCookie(&http.Cookie{Name: name, Value: value})
	}
	res, err := c.env.app.Test(req, -1)
	if err != nil {
		c.env.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	for _, ck := range res.Cookies() {
		if ck.Value == "" || ck.MaxAge < 0 || (!ck.Expires.IsZero() && ck.Expires.Year() < 2000) {
			delete(c.jar, ck.Name)
		} else {
			c.jar[ck.Name] = ck.Value
		}
	}
	return accessResult{status: res.StatusCode, body: string(b), location: res.Header.Get("Location"), header: res.Header}
}

// testOfficeToken is the API token get() sends: every page but the login page needs a signed-in user.
const testOfficeToken = "rk_test-office-token"

// signInTestOffice stores an office user (the demo's, if loaded) with testOfficeToken as its token.
func signInTestOffice(t testing.TB, st *store.Store) {
	t.Helper()
	u, err := st.UserByName("office")
	if err != nil {
		hash, herr := bcrypt.GenerateFromPassword([]byte(accessPassword), bcrypt.MinCost)
		if herr != nil {
			t.Fatal(herr)
		}
		u = models.User{Username: "test-office", PasswordHash: string(hash), Role: models.RoleOffice, Demo: true}
		insertUser(t, st, &u)
	}
	if _, err := rawSQL(t, st).Exec("INSERT INTO api_tokens (user_id, name, hash, prefix, created_at) VALUES (?, ?, ?, ?, ?)",
		u.ID, "test", models.SecretHash(testOfficeToken), testOfficeToken[:9], time.Now()); err != nil {
		t.Fatal(err)
	}
}

// rawSQL is the database under the store, for fixtures and checks that look beneath its methods.
func rawSQL(t testing.TB, st *store.Store) *sql.DB {
	t.Helper()
	db, err := st.SQL()
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// insertUser stores a user row as it is, with no validation and no audit entry (a fixture), and
// sets its id.
func insertUser(t testing.TB, st *store.Store, u *models.User) {
	t.Helper()
	now := time.Now()
	// $n placeholders and RETURNING suit SQLite (3.35+) and PostgreSQL alike.
	var id int64
	err := rawSQL(t, st).QueryRow(`INSERT INTO users (username, display_name, password_hash, role, unit_code, disabled, demo, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, u.Username, u.DisplayName, u.PasswordHash, u.Role, u.UnitCode, u.Disabled, u.Demo, now, now).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	u.ID, u.CreatedAt, u.UpdatedAt = uint(id), now, now
}
