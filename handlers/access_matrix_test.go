package handlers

import (
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"

	"ruralkpi/models"
	"ruralkpi/store"
)

// Roles of the authorization matrix, one letter each in a row's allow string.
const (
	asAnonymous   = 'A'
	asOffice      = 'O'
	asLeader      = 'L'
	asCounty      = 'C' // county user of unit 530302, the unit the fixtures belong to
	asOtherCounty = 'X' // county user of unit 530303
)

// accessRoute is one row of the authorization matrix: a registered route, a concrete request for it
// and the roles allowed. Allowed means the request is not refused (401, 403 or a redirect to the
// login page) and does not fail (500); refused means 401, 403 or, for an anonymous page request, a
// redirect to the login page. Bodies are chosen so that an allowed request changes nothing
// important (usually it fails validation with 422).
type accessRoute struct {
	method, route string
	path          string     // concrete path; "" means the route itself
	form          url.Values // posted url-encoded; nil for GET
	json          string     // posted as JSON instead of a form
	allow         string     // letters of the roles allowed
}

// accessMatrix lists every route of the application. A route added on another branch gets a row
// here; TestAuthorizationMatrixCoversEveryRoute fails until it has one.
func accessMatrix(f accessFixtures) []accessRoute {
	bogus := url.Values{"action": {"bogus"}}
	return []accessRoute{
		{method: "GET", route: "/healthz", allow: "AOLCX"},
		{method: "GET", route: "/static/*", path: "/static/css/app.css", allow: "AOLCX"},
		{method: "GET", route: "/favicon.ico", allow: "AOLCX"},
		{method: "GET", route: "/api/v1/counties", allow: "OLCX"},
		{method: "GET", route: "/api/v1/indicators", allow: "OLCX"},
		{method: "GET", route: "/api/v1/targets", allow: "OLCX"},
		{method: "GET", route: "/api/v1/me", allow: "OLCX"},
		{method: "POST", route: "/api/v1/returns/:id/review", path: "/api/v1/returns/" + f.versionID + "/review", json: `{"decision":"bogus"}`, allow: "O"},
		{method: "POST", route: "/api/v1/ledger/:id/review", path: "/api/v1/ledger/" + f.snapshotID + "/review", json: `{"decision":"bogus"}`, allow: "O"},
		{method: "GET", route: "/", allow: "OLCX"},
		{method: "GET", route: "/overview", allow: "OLCX"},
		{method: "GET", route: "/closeout", allow: "OL"},
		{method: "GET", route: "/closeout.pdf", allow: "OL"},
		{method: "GET", route: "/api/v1/reports/closeout.xlsx", allow: "OL"},
		{method: "GET", route: "/plan", allow: "OLCX"},
		{method: "GET", route: "/api/v1/progress", path: "/api/v1/progress?period=2024-06", allow: "OLCX"},
		{method: "GET", route: "/counties/:code", path: "/counties/530302", allow: "OLCX"},
		{method: "GET", route: "/workstreams/:code", path: "/workstreams/goals", allow: "OLCX"},
		{method: "GET", route: "/indicators/:code", path: "/indicators/service_points", allow: "OLCX"},
		{method: "POST", route: "/indicators/:code/tolerance", path: "/indicators/service_points/tolerance", form: url.Values{"tolerance": {"bogus"}}, allow: "O"},
		// Ledgers: a county clerk uploads and downloads only its own unit's; leaders may read.
		{method: "POST", route: "/api/v1/ledger", form: url.Values{"county": {"530302"}, "period": {"2024-06"}}, allow: "OC"},
		{method: "GET", route: "/api/v1/ledger/template", path: "/api/v1/ledger/template?county=530302", allow: "OC"},
		{method: "GET", route: "/ledger/:county", path: "/ledger/530302", allow: "OLC"},
		{method: "GET", route: "/ledger/:county/points/:code", path: "/ledger/530302/points/P001", allow: "OLC"},
		{method: "POST", route: "/ledger/:county/preview", path: "/ledger/530302/preview", form: url.Values{"period": {"2024-06"}}, allow: "OC"},
		{method: "POST", route: "/ledger/:county/upload", path: "/ledger/530302/upload", form: url.Values{"period": {"2024-06"}, "token": {"bogus"}}, allow: "OC"},
		{method: "GET", route: "/ledger/:county/villages", path: "/ledger/530302/villages", allow: "O"},
		{method: "POST", route: "/ledger/:county/villages", path: "/ledger/530302/villages", form: url.Values{}, allow: "O"},
		{method: "GET", route: "/ledger/:county/villages/template", path: "/ledger/530302/villages/template", allow: "O"},
		{method: "POST", route: "/ledger/sources", form: url.Values{"indicator": {"bogus"}}, allow: "O"},

		// Reports show what the dashboards show, so whoever may read the dashboards may download them.
		{method: "GET", route: "/api/v1/reports/monthly", path: "/api/v1/reports/monthly?period=2024-06", allow: "OLCX"},
		{method: "GET", route: "/api/v1/reports/progress.csv", path: "/api/v1/reports/progress.csv?period=2024-06", allow: "OLCX"},
		{method: "GET", route: "/api/v1/reports/matrix.csv", path: "/api/v1/reports/matrix.csv?period=2024-06", allow: "OLCX"},
		{method: "GET", route: "/api/v1/reports/unit.csv", path: "/api/v1/reports/unit.csv?period=2024-06&unit=530302", allow: "OLCX"},
		{method: "GET", route: "/api/v1/reports/indicator.csv", path: "/api/v1/reports/indicator.csv?period=2024-06&indicator=service_points", allow: "OLCX"},
		{method: "GET", route: "/api/v1/reports/returns.csv", path: "/api/v1/reports/returns.csv?period=2024-06", allow: "OLCX"},
		{method: "GET", route: "/briefing", path: "/briefing?period=2024-06", allow: "OLCX"},
		// A malformed month answers before Chromium starts, so the matrix stays fast.
		{method: "GET", route: "/briefing.pdf", path: "/briefing.pdf?period=bogus", allow: "OLCX"},

		{method: "GET", route: "/login", allow: "AOLCX"},
		{method: "POST", route: "/login", form: url.Values{"username": {"office"}, "password": {accessPassword}}, allow: "AOLCX"},
		{method: "POST", route: "/logout", form: url.Values{}, allow: "OLCX"},
		{method: "GET", route: "/account", allow: "OLCX"},
		{method: "POST", route: "/account/password", form: url.Values{}, allow: "OLCX"},
		{method: "POST", route: "/account/tokens", form: url.Values{"name": {"matrix"}}, allow: "OLCX"},
		{method: "POST", route: "/account/tokens/:id/revoke", path: "/account/tokens/999999/revoke", form: url.Values{}, allow: "OLCX"},

		{method: "GET", route: "/admin/users", allow: "O"},
		{method: "POST", route: "/admin/users", form: url.Values{"username": {""}}, allow: "O"},
		{method: "POST", route: "/admin/users/:username", path: "/admin/users/county-530302", form: bogus, allow: "O"},
		{method: "POST", route: "/admin/users/:username/tokens/:id/revoke", path: "/admin/users/county-530302/tokens/999999/revoke", form: url.Values{}, allow: "O"},

		{method: "GET", route: "/review", allow: "OCX"},
		{method: "POST", route: "/review/:id", path: "/review/" + f.versionID, form: url.Values{"decision": {"bogus"}}, allow: "O"},
		{method: "POST", route: "/review/ledger/:id", path: "/review/ledger/" + f.snapshotID, form: url.Values{"decision": {"bogus"}}, allow: "O"},

		{method: "GET", route: "/deadlines", allow: "OLCX"},
		{method: "POST", route: "/deadlines", form: url.Values{"period": {"bogus"}}, allow: "O"},
		{method: "POST", route: "/deadlines/lock", form: url.Values{"days": {"bogus"}}, allow: "O"},
		{method: "POST", route: "/deadlines/reopen", form: url.Values{"period": {"bogus"}}, allow: "O"},

		{method: "GET", route: "/followups", allow: "OLCX"},
		{method: "POST", route: "/followups", form: url.Values{"unit": {""}}, allow: "O"},
		{method: "POST", route: "/followups/:id/answer", path: "/followups/" + f.followUpID + "/answer", form: url.Values{"answer": {""}}, allow: "OC"},
		{method: "POST", route: "/followups/:id/close", path: "/followups/999999/close", form: url.Values{}, allow: "O"},

		{method: "GET", route: "/allocations", allow: "OLCX"},
		{method: "POST", route: "/allocations", form: url.Values{"year": {"bogus"}}, allow: "O"},
		{method: "POST", route: "/allocations/target", form: url.Values{"year": {"bogus"}}, allow: "O"},
		{method: "GET", route: "/allocations/template", allow: "O"},
		{method: "POST", route: "/allocations/import", form: url.Values{}, allow: "O"},

		{method: "GET", route: "/api/v1/returns/template", path: "/api/v1/returns/template?county=530302&period=2024-06", allow: "OC"},
		{method: "GET", route: "/api/v1/returns/versions", path: "/api/v1/returns/versions?county=530302&period=2024-06", allow: "OLC"},
		{method: "POST", route: "/api/v1/returns/", path: "/api/v1/returns", form: url.Values{}, allow: "OCX"},
		{method: "GET", route: "/returns", allow: "OCX"},
		{method: "POST", route: "/returns", form: url.Values{}, allow: "OCX"},
		{method: "POST", route: "/returns/preview", form: url.Values{}, allow: "OCX"},
		{method: "GET", route: "/returns/history", path: "/returns/history?county=530302&period=2024-06", allow: "OLC"},
		{method: "GET", route: "/returns/versions/:id/file", path: "/returns/versions/" + f.versionID + "/file", allow: "OC"},
		{method: "GET", route: "/returns/office", allow: "O"},
		{method: "POST", route: "/returns/office", form: url.Values{"period": {"bogus"}}, allow: "O"},
		// The web form: a clerk fills its own unit's return, the office any unit's.
		{method: "GET", route: "/returns/form", path: "/returns/form?county=530302&period=2024-06", allow: "OC"},
		{method: "POST", route: "/returns/form", form: url.Values{"period": {"bogus"}}, allow: "OCX"},
		{method: "POST", route: "/returns/form/check", form: url.Values{"period": {"bogus"}}, allow: "OCX"},

		{method: "GET", route: "/reminders", allow: "O"},
		{method: "POST", route: "/reminders", form: url.Values{"before_days": {"bogus"}}, allow: "O"},
		{method: "POST", route: "/reminders/test", form: url.Values{"channel": {"bogus"}}, allow: "O"},
		{method: "POST", route: "/quality/dismiss", form: url.Values{"key": {"bogus"}}, allow: "O"},

		{method: "GET", route: "/audit", allow: "O"},
		{method: "GET", route: "/audit/export", allow: "O"},
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
	for _, row := range accessMatrix(fx) {
		for _, role := range "AOLCX" {
			want := strings.ContainsRune(row.allow, role)
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

// TestAuthorizationMatrixCoversEveryRoute fails when a registered route has no row in the matrix.
func TestAuthorizationMatrixCoversEveryRoute(t *testing.T) {
	e := newAccessEnv(t)
	rows := map[string]bool{}
	for _, r := range accessMatrix(accessFixtures{versionID: "1", followUpID: "1"}) {
		rows[r.method+" "+r.route] = true
	}
	var missing []string
	for _, r := range e.app.GetRoutes(true) {
		if r.Method == "HEAD" {
			continue // Fiber adds a HEAD route for every GET
		}
		if key := r.Method + " " + r.Path; !rows[key] {
			missing = append(missing, key)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("routes without a row in accessMatrix (decide who may use them and add a row):\n%s", strings.Join(missing, "\n"))
	}
}
