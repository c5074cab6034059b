package handlers

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
	"ruralkpi/store"
)

// Roles of the authorization matrix, one letter each.
const (
	asAnonymous   = 'A'
	asOffice      = 'O'
	asLeader      = 'L'
	asCounty      = 'C' // county user of unit 530302, the unit the fixtures belong to
	asOtherCounty = 'X' // county user of unit 530303
)

// accessRoute is one row of the authorization matrix: a registered route and a concrete request
// for it. Who is allowed comes from the routes table (routeTable): the roles of the route's row,
// less the county user of another unit when the handler confines county users to their own unit
// (ownUnit). Allowed means the request is not refused (401, 403 or a redirect to the login page) and
// does not fail (500); refused means 401, 403 or, for an anonymous page request, a redirect to the
// login page. Bodies are chosen so that an allowed request changes nothing important (usually it
// fails validation with 422).
type accessRoute struct {
	method, route string
	path          string     // concrete path; "" means the route itself
	form          url.Values // posted url-encoded; nil for GET
	json          string     // posted as JSON instead of a form
	ownUnit       bool       // a county user may use it only for its own unit (530302 here)
}

// assetRoutes are the routes outside the routes table: the embedded static files, open to anyone.
var assetRoutes = map[string]bool{"GET /static/*": true, "GET /favicon.ico": true}

// allowed lists the letters of the roles the table and the row's unit scoping admit.
func (row accessRoute) allowed(table map[string]access) string {
	key := row.method + " " + row.route
	a, ok := table[key]
	if !ok && assetRoutes[key] {
		a = allowAnyone
	}
	if a&allowAnyone != 0 {
		return "AOLCX"
	}
	out := ""
	for _, r := range []struct {
		letter rune
		role   string
	}{{asOffice, models.RoleOffice}, {asLeader, models.RoleLeader}, {asCounty, models.RoleCounty}} {
		if a.admits(r.role) {
			out += string(r.letter)
		}
	}
	if a.admits(models.RoleCounty) && !row.ownUnit {
		out += string(asOtherCounty)
	}
	return out
}

// tableAccess maps "METHOD path" to the access of each row of the routes table.
func tableAccess(s *Server) map[string]access {
	out := map[string]access{}
	for _, r := range s.routeTable() {
		out[r.method+" "+r.path] = r.access
	}
	return out
}

// accessMatrix has a request for every route of the application. A route added on another branch
// gets a row here; TestAuthorizationMatrixCoversEveryRoute fails until it has one.
func accessMatrix(f accessFixtures) []accessRoute {
	bogus := url.Values{"action": {"bogus"}}
	return []accessRoute{
		{method: "GET", route: "/healthz"},
		{method: "GET", route: "/static/*", path: "/static/css/app.css"},
		{method: "GET", route: "/favicon.ico"},
		{method: "GET", route: "/api/v1/counties"},
		{method: "GET", route: "/api/v1/indicators"},
		{method: "GET", route: "/api/v1/targets"},
		{method: "GET", route: "/api/v1/me"},
		{method: "POST", route: "/api/v1/returns/:id/review", path: "/api/v1/returns/" + f.versionID + "/review", json: `{"decision":"bogus"}`},
		{method: "POST", route: "/api/v1/ledger/:id/review", path: "/api/v1/ledger/" + f.snapshotID + "/review", json: `{"decision":"bogus"}`},
		{method: "GET", route: "/"},
		{method: "GET", route: "/overview"},
		{method: "GET", route: "/closeout"},
		{method: "GET", route: "/closeout.pdf"},
		{method: "GET", route: "/api/v1/reports/closeout.xlsx"},
		{method: "GET", route: "/plan"},
		{method: "GET", route: "/api/v1/progress", path: "/api/v1/progress?period=2024-06"},
		{method: "GET", route: "/counties/:code", path: "/counties/530302"},
		{method: "GET", route: "/workstreams/:code", path: "/workstreams/goals"},
		{method: "GET", route: "/indicators/:code", path: "/indicators/service_points"},
		{method: "POST", route: "/indicators/:code/tolerance", path: "/indicators/service_points/tolerance", form: url.Values{"tolerance": {"bogus"}}},
		// Ledgers: a county clerk uploads and downloads only its own unit's; leaders may read.
		{method: "POST", route: "/api/v1/ledger", form: url.Values{"county": {"530302"}, "period": {"2024-06"}}, ownUnit: true},
		{method: "GET", route: "/api/v1/ledger/template", path: "/api/v1/ledger/template?county=530302", ownUnit: true},
		{method: "GET", route: "/ledger/:county", path: "/ledger/530302", ownUnit: true},
		{method: "GET", route: "/ledger/:county/points/:code", path: "/ledger/530302/points/P001", ownUnit: true},
		{method: "POST", route: "/ledger/:county/preview", path: "/ledger/530302/preview", form: url.Values{"period": {"2024-06"}}, ownUnit: true},
		{method: "POST", route: "/ledger/:county/upload", path: "/ledger/530302/upload", form: url.Values{"period": {"2024-06"}, "token": {"bogus"}}, ownUnit: true},
		{method: "GET", route: "/ledger/:county/villages", path: "/ledger/530302/villages"},
		{method: "POST", route: "/ledger/:county/villages", path: "/ledger/530302/villages", form: url.Values{}},
		{method: "GET", route: "/ledger/:county/villages/template", path: "/ledger/530302/villages/template"},
		{method: "POST", route: "/ledger/sources", form: url.Values{"indicator": {"bogus"}}},

		// Reports show what the dashboards show, so whoever may read the dashboards may download them.
		{method: "GET", route: "/api/v1/reports/monthly", path: "/api/v1/reports/monthly?period=2024-06"},
		{method: "GET", route: "/api/v1/reports/progress.csv", path: "/api/v1/reports/progress.csv?period=2024-06"},
		{method: "GET", route: "/api/v1/reports/matrix.csv", path: "/api/v1/reports/matrix.csv?period=2024-06"},
		{method: "GET", route: "/api/v1/reports/unit.csv", path: "/api/v1/reports/unit.csv?period=2024-06&unit=530302"},
		{method: "GET", route: "/api/v1/reports/indicator.csv", path: "/api/v1/reports/indicator.csv?period=2024-06&indicator=service_points"},
		{method: "GET", route: "/api/v1/reports/returns.csv", path: "/api/v1/reports/returns.csv?period=2024-06"},
		{method: "GET", route: "/briefing", path: "/briefing?period=2024-06"},
		// A malformed month answers before Chromium starts, so the matrix stays fast.
		{method: "GET", route: "/briefing.pdf", path: "/briefing.pdf?period=bogus"},

		{method: "GET", route: "/login"},
		{method: "POST", route: "/login", form: url.Values{"username": {"office"}, "password": {accessPassword}}},
		{method: "POST", route: "/logout", form: url.Values{}},
		{method: "GET", route: "/account"},
		{method: "POST", route: "/account/password", form: url.Values{}},
		{method: "POST", route: "/account/tokens", form: url.Values{"name": {"matrix"}}},
		{method: "POST", route: "/account/tokens/:id/revoke", path: "/account/tokens/999999/revoke", form: url.Values{}},

		{method: "GET", route: "/admin/users"},
		{method: "POST", route: "/admin/users", form: url.Values{"username": {""}}},
		{method: "POST", route: "/admin/users/:username", path: "/admin/users/county-530302", form: bogus},
		{method: "POST", route: "/admin/users/:username/tokens/:id/revoke", path: "/admin/users/county-530302/tokens/999999/revoke", form: url.Values{}},

		{method: "GET", route: "/review"},
		{method: "POST", route: "/review/:id", path: "/review/" + f.versionID, form: url.Values{"decision": {"bogus"}}},
		{method: "POST", route: "/review/ledger/:id", path: "/review/ledger/" + f.snapshotID, form: url.Values{"decision": {"bogus"}}},

		{method: "GET", route: "/deadlines"},
		{method: "POST", route: "/deadlines", form: url.Values{"period": {"bogus"}}},
		{method: "POST", route: "/deadlines/lock", form: url.Values{"days": {"bogus"}}},
		{method: "POST", route: "/deadlines/reopen", form: url.Values{"period": {"bogus"}}},

		{method: "GET", route: "/followups"},
		{method: "POST", route: "/followups", form: url.Values{"unit": {""}}},
		{method: "POST", route: "/followups/:id/answer", path: "/followups/" + f.followUpID + "/answer", form: url.Values{"answer": {""}}, ownUnit: true},
		{method: "POST", route: "/followups/:id/close", path: "/followups/999999/close", form: url.Values{}},

		{method: "GET", route: "/allocations"},
		{method: "POST", route: "/allocations", form: url.Values{"year": {"bogus"}}},
		{method: "POST", route: "/allocations/target", form: url.Values{"year": {"bogus"}}},
		{method: "GET", route: "/allocations/template"},
		{method: "POST", route: "/allocations/import", form: url.Values{}},

		{method: "GET", route: "/api/v1/returns/template", path: "/api/v1/returns/template?county=530302&period=2024-06", ownUnit: true},
		{method: "GET", route: "/api/v1/returns/versions", path: "/api/v1/returns/versions?county=530302&period=2024-06", ownUnit: true},
		{method: "POST", route: "/api/v1/returns/", path: "/api/v1/returns", form: url.Values{}},
		{method: "GET", route: "/returns"},
		{method: "POST", route: "/returns", form: url.Values{}},
		{method: "POST", route: "/returns/preview", form: url.Values{}},
		{method: "GET", route: "/returns/history", path: "/returns/history?county=530302&period=2024-06", ownUnit: true},
		{method: "GET", route: "/returns/versions/:id/file", path: "/returns/versions/" + f.versionID + "/file", ownUnit: true},
		{method: "GET", route: "/returns/office"},
		{method: "POST", route: "/returns/office", form: url.Values{"period": {"bogus"}}},
		// The web form: a clerk fills its own unit's return, the office any unit's.
		{method: "GET", route: "/returns/form", path: "/returns/form?county=530302&period=2024-06", ownUnit: true},
		{method: "POST", route: "/returns/form", form: url.Values{"period": {"bogus"}}},
		{method: "POST", route: "/returns/form/check", form: url.Values{"period": {"bogus"}}},

		{method: "GET", route: "/reminders"},
		{method: "POST", route: "/reminders", form: url.Values{"before_days": {"bogus"}}},
		{method: "POST", route: "/reminders/test", form: url.Values{"channel": {"bogus"}}},
		{method: "POST", route: "/quality/dismiss", form: url.Values{"key": {"bogus"}}},

		{method: "GET", route: "/audit"},
		{method: "GET", route: "/audit/export"},
	}
}

// accessFixtures are records the matrix's requests point at, all of unit 530302.
type accessFixtures struct {
	versionID, followUpID, snapshotID string
}

func newAccessFixtures(t *testing.T, e *accessEnv) accessFixtures {
	t.Helper()
	v, err := e.store.SaveVersion(models.NewVersion{UnitCode: "530302", Period: "2024-06", Source: models.SourceUpload, File: []byte("x"), UploadedBy: "county-530302"})
	if err != nil {
		t.Fatal(err)
	}
	f, err := e.store.OpenFollowUp(e.plan, models.NewFollowUp{UnitCode: "530302", Indicator: e.plan.Indicators[0].Code, Title: "加快进度", Assignee: "张三", DueDate: "2024-12-31"},
		models.Actor{Username: "office"}, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	snap, err := e.store.SaveLedgerSnapshot(store.NewLedgerSnapshot{UnitCode: "530302", Period: "2024-06", UploadedBy: "county-530302"})
	if err != nil {
		t.Fatal(err)
	}
	return accessFixtures{versionID: itoaUint(v.ID), followUpID: itoaUint(f.ID), snapshotID: itoaUint(snap.ID)}
}

func TestAuthorizationMatrix(t *testing.T) {
	e := newAccessEnv(t)
	fx := newAccessFixtures(t, e)
	clients := map[rune]*accessClient{
		asOffice:      e.tokenClient("office"),
		asLeader:      e.tokenClient("leader"),
		asCounty:      e.tokenClient("county-530302"),
		asOtherCounty: e.tokenClient("county-530303"),
	}
	table := tableAccess(e.server)
	for _, row := range accessMatrix(fx) {
		allow := row.allowed(table)
		for _, role := range "AOLCX" {
			want := strings.ContainsRune(allow, role)
			t.Run(row.method+" "+row.route+" as "+string(role), func(t *testing.T) {
				c := clients[role]
				if role == asAnonymous {
					// A fresh browser each time (the login row would sign it in), holding the
					// CSRF cookie as a browser does before it posts.
					c = e.client()
					c.do("GET", "/login", nil)
				}
				res := c.matrixRequest(row)
				refused := res.status == 401 || res.status == 403 || (row.method == "GET" && res.status == 303 && strings.HasPrefix(res.location, "/login"))
				if res.status >= 500 {
					t.Fatalf("status %d: %.300s", res.status, res.body)
				}
				if want && refused {
					t.Errorf("allowed role refused: %d %.300s", res.status, res.body)
				}
				if !want && !refused {
					t.Errorf("refused role let through: %d %.300s", res.status, res.body)
				}
			})
		}
	}
}

func (c *accessClient) matrixRequest(row accessRoute) accessResult {
	path := row.path
	if path == "" {
		path = row.route
	}
	if row.json != "" {
		req := httptest.NewRequest(row.method, path, strings.NewReader(row.json))
		req.Header.Set("Content-Type", "application/json")
		return c.send(req)
	}
	form := row.form
	if form != nil {
		form = url.Values{}
		for k, v := range row.form {
			form[k] = append([]string(nil), v...)
		}
	}
	return c.do(row.method, path, form)
}

// TestAuthorizationMatrixCoversEveryRoute fails when a registered route has no row in the matrix,
// a row of the routes table is not registered, or a matrix row names no route of the table.
func TestAuthorizationMatrixCoversEveryRoute(t *testing.T) {
	e := newAccessEnv(t)
	rows := map[string]bool{}
	for _, r := range accessMatrix(accessFixtures{versionID: "1", followUpID: "1"}) {
		rows[r.method+" "+r.route] = true
	}
	table := tableAccess(e.server)
	registered := map[string]bool{}
	var missing []string
	for _, r := range e.app.GetRoutes(true) {
		if r.Method == "HEAD" {
			continue // Fiber adds a HEAD route for every GET
		}
		key := r.Method + " " + r.Path
		registered[key] = true
		if !rows[key] {
			missing = append(missing, "no matrix row: "+key)
		}
		if _, ok := table[key]; !ok && !assetRoutes[key] {
			missing = append(missing, "registered outside the routes table: "+key)
		}
	}
	for key := range rows {
		if !registered[key] {
			missing = append(missing, "matrix row of no registered route: "+key)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("the routes, the routes table and accessMatrix disagree (decide who may use a route and add a row):\n%s", strings.Join(missing, "\n"))
	}
}

// TestRoutesTableFailsClosed checks each row of the routes table admits someone, opens to anyone
// only the sign-in and the health check, and lets leaders change nothing but their own account.
func TestRoutesTableFailsClosed(t *testing.T) {
	e := newAccessEnv(t)
	for _, r := range e.server.routeTable() {
		key := r.method + " " + r.path
		switch {
		case r.access == 0 || r.access&^(allowSignedIn|allowAnyone) != 0:
			t.Errorf("%s: access %b admits nobody or an unknown role", key, r.access)
		case r.access&allowAnyone != 0 && r.path != "/login" && r.path != "/healthz":
			t.Errorf("%s is open to anyone", key)
		case r.access&allowLeader != 0 && r.method != "GET" && r.path != "/logout" && !strings.HasPrefix(r.path, "/account/"):
			t.Errorf("%s lets a read-only leader change data", key)
		case r.handler == nil:
			t.Errorf("%s has no handler", key)
		}
	}
}

// TestAuthorizeRefusesWithTheRoleNamed checks the one role check's answers: 401 without a user, the
// read-only message for a leader's change, the role named otherwise.
func TestAuthorizeRefusesWithTheRoleNamed(t *testing.T) {
	cases := []struct {
		name, method string
		user         *models.User
		access       access
		status       int
		message      string
	}{
		{"anonymous", "GET", nil, allowSignedIn, 401, "请先登录"},
		{"leader changes", "POST", &models.User{Role: models.RoleLeader}, allowOffice, 403, "领导账号为只读账号"},
		{"leader reads", "GET", &models.User{Role: models.RoleLeader}, allowFilers, 403, "领导（只读）"},
		{"county on an office page", "GET", &models.User{Role: models.RoleCounty, UnitCode: "530302"}, allowOffice, 403, "县级填报"},
		{"unknown role", "GET", &models.User{Role: "guest"}, allowSignedIn, 403, "没有权限"},
		{"office admitted", "POST", &models.User{Role: models.RoleOffice}, allowOffice, 200, ""},
		{"leader admitted", "GET", &models.User{Role: models.RoleLeader}, allowReaders, 200, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := &Server{Log: slog.New(slog.DiscardHandler)}
			app := fiber.New(fiber.Config{ErrorHandler: s.errorHandler})
			app.Add(tc.method, "/x", func(c *fiber.Ctx) error {
				if tc.user != nil {
					c.Locals(localUser, tc.user)
				}
				return c.Next()
			}, authorize(tc.access), func(c *fiber.Ctx) error { return c.SendString("ok") })
			req := httptest.NewRequest(tc.method, "/x", nil)
			req.Header.Set("Accept", "application/json")
			res, err := app.Test(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != tc.status || !strings.Contains(string(body), tc.message) {
				t.Errorf("got %d %s, want %d with %q", res.StatusCode, body, tc.status, tc.message)
			}
		})
	}
}
