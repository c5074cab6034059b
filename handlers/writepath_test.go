package handlers

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"

	"ruralkpi/importers"
	"ruralkpi/importers/ledger"
	"ruralkpi/internal/testkit"
	"ruralkpi/models"
)

// mutation is one mutating route exercised with a request that succeeds: run sends it (building
// whatever it needs first, e.g. a preview), entries is how many audit entries it must leave
// (one per change; 0 for a dry run, which changes nothing) and action what they are.
type mutation struct {
	route   string // METHOD and the route as registered
	run     func(t *testing.T) accessResult
	entries int
	action  string
}

// writePathEnv holds the clients and fixtures of the mutation table.
type writePathEnv struct {
	e                      *accessEnv
	fx                     accessFixtures
	office, county, leader *accessClient
	officeAPI              *accessClient
}

func newWritePathEnv(t *testing.T) *writePathEnv {
	t.Helper()
	e := newAccessEnv(t)
	w := &writePathEnv{e: e, fx: newAccessFixtures(t, e)}
	w.office, w.county, w.leader = e.loggedIn("office"), e.loggedIn("county-530302"), e.loggedIn("leader")
	w.officeAPI = e.tokenClient("office")
	w.officeAPI.do("GET", "/api/v1/me", nil) // a first use, so that no later request is the token's first
	w.e.tokenClient("leader")                // a token of the leader's for the office to revoke
	return w
}

// mutations lists every mutating route of the application with a request that changes something.
// TestMutationTableCoversEveryRoute fails when a POST route has no row here.
func (w *writePathEnv) mutations(t *testing.T) []mutation {
	ind := models.Allocatable(w.e.plan)[0].Code
	post := func(c *accessClient, path string, form url.Values) func(t *testing.T) accessResult {
		return func(t *testing.T) accessResult { return c.do("POST", path, cloneForm(form)) }
	}
	newest := func() string { return w.newestVersion(t) }
	return []mutation{
		{"POST /ledger/:county/villages", func(t *testing.T) accessResult {
			return w.office.uploadForm("/ledger/530302/villages", nil, "名录.xlsx", w.villagesFile(t))
		}, 1, models.AuditLedgerVillages},
		{"POST /ledger/:county/preview", func(t *testing.T) accessResult {
			return w.county.uploadForm("/ledger/530302/preview", map[string]string{"period": "2024-06"}, "台账.xlsx", w.ledgerFile(t, "P001"))
		}, 0, ""},
		{"POST /ledger/:county/upload", func(t *testing.T) accessResult {
			res := w.county.uploadForm("/ledger/530302/preview", map[string]string{"period": "2024-06"}, "台账.xlsx", w.ledgerFile(t, "P001"))
			m := ledgerTokenField.FindStringSubmatch(res.body)
			if m == nil {
				t.Fatalf("ledger preview: %d %.500s", res.status, res.body)
			}
			return w.county.do("POST", "/ledger/530302/upload", url.Values{"period": {"2024-06"}, "token": {m[1]}, "file_name": {"台账.xlsx"}})
		}, 1, models.AuditLedgerUpload},
		{"POST /api/v1/ledger", func(t *testing.T) accessResult {
			return w.officeAPI.multipart("/api/v1/ledger", map[string]string{"county": "530302", "period": "2024-07"}, "台账.xlsx", w.ledgerFile(t, "P002"))
		}, 1, models.AuditLedgerUpload},
		{"POST /review/ledger/:id", func(t *testing.T) accessResult {
			return w.office.do("POST", "/review/ledger/"+w.newestSnapshot(t, "2024-06"), url.Values{"decision": {"return"}, "note": {"点位数有误"}})
		}, 1, models.AuditLedgerReturn},
		{"POST /api/v1/ledger/:id/review", func(t *testing.T) accessResult {
			req := httptest.NewRequest("POST", "/api/v1/ledger/"+w.newestSnapshot(t, "2024-07")+"/review", strings.NewReader(`{"decision":"approve"}`))
			req.Header.Set("Content-Type", "application/json")
			return w.officeAPI.send(req)
		}, 1, models.AuditLedgerApprove},
		{"POST /ledger/sources", post(w.office, "/ledger/sources", url.Values{"indicator": {"service_points"}, "source": {"return"}, "county": {"530302"}}), 1, models.AuditLedgerSource},
		{"POST /indicators/:code/tolerance", post(w.office, "/indicators/service_points/tolerance", url.Values{"tolerance": {"90"}}), 1, models.AuditSetting},
		{"POST /review/:id", post(w.office, "/review/"+w.fx.versionID, url.Values{"decision": {"return"}, "note": {"数据有误"}}), 1, models.AuditReturn},
		{"POST /returns/preview", func(t *testing.T) accessResult {
			return w.county.uploadForm("/returns/preview", nil, "月报.xlsx", w.returnFile(t, 118))
		}, 0, ""},
		{"POST /api/v1/returns/", func(t *testing.T) accessResult {
			return w.officeAPI.multipart("/api/v1/returns", nil, "月报.xlsx", w.returnFile(t, 119))
		}, 1, models.AuditUpload},
		{"POST /returns", func(t *testing.T) accessResult {
			return w.county.uploadForm("/returns", nil, "月报.xlsx", w.returnFile(t, 120))
		}, 1, models.AuditUpload},
		{"POST /returns/form/check", func(t *testing.T) accessResult {
			return w.county.do("POST", "/returns/form/check", w.webForm(t, "2024-06", ""))
		}, 0, ""},
		{"POST /returns/form", func(t *testing.T) accessResult {
			return w.county.do("POST", "/returns/form", w.webForm(t, "2024-06", "submit"))
		}, 1, models.AuditUpload},
		{"POST /api/v1/returns/:id/review", func(t *testing.T) accessResult {
			req := httptest.NewRequest("POST", "/api/v1/returns/"+newest()+"/review", strings.NewReader(`{"decision":"approve"}`))
			req.Header.Set("Content-Type", "application/json")
			return w.officeAPI.send(req)
		}, 1, models.AuditApprove},
		{"POST /returns/office", post(w.office, "/returns/office", url.Values{"period": {"2024-06"}, "v_firms_10m": {"3"}}), 1, models.AuditUpload},
		{"POST /deadlines", post(w.office, "/deadlines", url.Values{"period": {"2024-06"}, "due": {"2024-07-08"}}), 1, models.AuditDeadline},
		{"POST /deadlines/lock", post(w.office, "/deadlines/lock", url.Values{"days": {"5"}}), 1, models.AuditSetting},
		{"POST /deadlines/reopen", post(w.office, "/deadlines/reopen", url.Values{"period": {"2024-05"}, "unit": {"530302"}, "reason": {"补报"}}), 1, models.AuditReopen},
		{"POST /followups", post(w.office, "/followups", url.Values{"unit": {"530302"}, "indicator": {ind}, "title": {"加快"}, "assignee": {"李四"}, "due": {"2024-08-01"}}), 1, models.AuditFollowUpOpen},
		{"POST /followups/:id/answer", post(w.county, "/followups/"+w.fx.followUpID+"/answer", url.Values{"answer": {"已整改"}}), 1, models.AuditFollowUpAnswer},
		{"POST /followups/:id/close", post(w.office, "/followups/"+w.fx.followUpID+"/close", url.Values{"note": {"核实"}}), 1, models.AuditFollowUpClose},
		{"POST /allocations", post(w.office, "/allocations", url.Values{"indicator": {ind}, "year": {"2024"}, "v_530302": {"7"}}), 1, models.AuditAllocation},
		{"POST /allocations/target", post(w.office, "/allocations/target", url.Values{"indicator": {ind}, "year": {"2024"}, "value": {"1000"}}), 1, models.AuditTarget},
		{"POST /allocations/import", func(t *testing.T) accessResult {
			return w.office.upload("/allocations/import", w.allocationsFile(t))
		}, 1, models.AuditAllocation},
		{"POST /admin/users", post(w.office, "/admin/users", url.Values{"username": {"new-leader"}, "password": {accessPassword}, "role": {"leader"}}), 1, models.AuditUserCreate},
		{"POST /admin/users/:username", post(w.office, "/admin/users/new-leader", url.Values{"action": {"disable"}}), 1, models.AuditUserUpdate},
		{"POST /account/tokens", post(w.leader, "/account/tokens", url.Values{"name": {"t"}}), 1, models.AuditTokenCreate},
		{"POST /account/tokens/:id/revoke", func(t *testing.T) accessResult {
			return w.leader.do("POST", "/account/tokens/"+w.newestToken(t)+"/revoke", url.Values{})
		}, 1, models.AuditTokenRevoke},
		{"POST /admin/users/:username/tokens/:id/revoke", func(t *testing.T) accessResult {
			return w.office.do("POST", "/admin/users/leader/tokens/"+w.newestTokenOf(t, "leader")+"/revoke", url.Values{})
		}, 1, models.AuditTokenRevoke},
		{"POST /reminders", post(w.office, "/reminders", url.Values{"on_deadline": {"1"}, "channels": {"office json http://127.0.0.1:9/hook"}}), 1, models.AuditReminders},
		// A test message changes no data: it is sent (here it fails: nothing listens) and flashed.
		{"POST /reminders/test", post(w.office, "/reminders/test", url.Values{"channel": {"0"}}), 0, ""},
		{"POST /quality/dismiss", post(w.office, "/quality/dismiss", url.Values{"key": {"same_digits:530302:2024-06:00"}, "reason": {"整数口径"}}), 1, models.AuditQualityDismiss},
		{"POST /account/password", post(w.county, "/account/password", url.Values{"current": {accessPassword}, "new": {accessPassword}, "confirm": {accessPassword}}), 1, models.AuditPasswordChange},
		{"POST /login", func(t *testing.T) accessResult {
			c := w.e.client()
			return c.login("leader", accessPassword)
		}, 1, models.AuditLoginOK},
		{"POST /logout", post(w.county, "/logout", url.Values{}), 1, models.AuditLogout},
	}
}

func cloneForm(form url.Values) url.Values {
	out := url.Values{}
	for k, v := range form {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// TestMutationTableCoversEveryRoute fails when a registered mutating route has no row in the
// mutation table (and so is not proven to audit each change once).
func TestMutationTableCoversEveryRoute(t *testing.T) {
	w := newWritePathEnv(t)
	rows := map[string]bool{}
	for _, m := range w.mutations(t) {
		rows[m.route] = true
	}
	var missing []string
	for _, r := range w.e.app.GetRoutes(true) {
		switch r.Method {
		case "GET", "HEAD", "OPTIONS":
			continue
		}
		if key := r.Method + " " + r.Path; !rows[key] {
			missing = append(missing, key)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("mutating routes without a row in mutations():\n%s", strings.Join(missing, "\n"))
	}
}

// TestEveryMutationWritesItsAuditInTheSameTransaction sends every mutating request twice: first
// while the audit table refuses inserts (a trigger), when it must fail and leave every other table
// exactly as it was; then normally, when it must succeed and leave exactly its audit entries.
func TestEveryMutationWritesItsAuditInTheSameTransaction(t *testing.T) {
	w := newWritePathEnv(t)
	for _, m := range w.mutations(t) {
		t.Run(m.route, func(t *testing.T) {
			w.refuseAudit(t, true)
			before := w.fingerprint(t)
			res := m.run(t)
			w.refuseAudit(t, false)
			after := w.fingerprint(t)
			if m.entries > 0 {
				if res.status < 400 {
					t.Errorf("with the audit refused the change was answered %d", res.status)
				}
				if res.status == fiber.StatusInternalServerError && strings.Contains(res.body, "database is locked") {
					t.Errorf("leaked a database error: %.300s", res.body)
				}
			}
			if diff := diffFingerprints(before, after); diff != "" {
				t.Errorf("with the audit refused, data changed anyway (%d %.200s):\n%s", res.status, res.body, diff)
			}

			start := w.auditCount(t)
			res = m.run(t)
			if res.status >= 400 {
				t.Fatalf("status %d: %.500s", res.status, res.body)
			}
			entries := w.auditSince(t, start)
			if len(entries) != m.entries {
				t.Fatalf("%d audit entries, want %d: %+v", len(entries), m.entries, entries)
			}
			for _, en := range entries {
				if en.Action != m.action || en.Actor == "" || en.IP == "" {
					t.Errorf("audit entry %+v, want action %s with actor and address", en, m.action)
				}
			}
		})
	}
}

// refuseAudit makes every insert into the audit table fail, or lifts that.
func (w *writePathEnv) refuseAudit(t *testing.T, on bool) {
	t.Helper()
	stmt := "DROP TRIGGER IF EXISTS audit_refused"
	if on {
		stmt = "CREATE TRIGGER audit_refused BEFORE INSERT ON audit_entries BEGIN SELECT RAISE(ABORT, 'audit refused'); END"
	}
	if _, err := rawSQL(t, w.e.store).Exec(stmt); err != nil {
		t.Fatal(err)
	}
}

// fingerprint hashes every row of every table but the audit trail, the reminders' delivery log (a
// log like the audit trail: a test message records its attempt) and the CSRF key-value store,
// table by table, leaving out the activity columns the background flush may update at any time
// (a session's last request and expiry, a token's last use).
func (w *writePathEnv) fingerprint(t *testing.T) map[string]string {
	t.Helper()
	db := rawSQL(t, w.e.store)
	var tables []string
	names, err := db.Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('audit_entries', 'key_values', 'sqlite_sequence', 'reminder_deliveries') ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	for names.Next() {
		var name string
		if err := names.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	if err := names.Close(); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, table := range tables {
		rows, err := db.Query(`SELECT * FROM "` + table + `" ORDER BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		h, n := sha256.New(), 0
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, col := range cols {
				switch col {
				case "last_seen_at", "last_used_at":
					vals[i] = nil
				case "expires_at":
					if table == "sessions" {
						vals[i] = nil
					}
				}
			}
			fmt.Fprintf(h, "%v\n", vals)
			n++
		}
		rows.Close()
		out[table] = fmt.Sprintf("%d rows %s", n, hex.EncodeToString(h.Sum(nil))[:12])
	}
	return out
}

func diffFingerprints(a, b map[string]string) string {
	var out []string
	for k, v := range a {
		if b[k] != v {
			out = append(out, fmt.Sprintf("%s: %s -> %s", k, v, b[k]))
		}
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

func (w *writePathEnv) auditCount(t *testing.T) int64 {
	t.Helper()
	var n int64
	if err := rawSQL(t, w.e.store).QueryRow("SELECT COALESCE(MAX(id), 0) FROM audit_entries").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (w *writePathEnv) auditSince(t *testing.T, id int64) []models.AuditEntry {
	t.Helper()
	all, err := w.e.store.AuditEntries(models.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []models.AuditEntry
	for i := len(all) - 1; i >= 0; i-- { // newest first: turned to oldest first
		if int64(all[i].ID) > id {
			out = append(out, all[i])
		}
	}
	return out
}

func (w *writePathEnv) newestVersion(t *testing.T) string {
	t.Helper()
	var id uint
	if err := rawSQL(t, w.e.store).QueryRow("SELECT COALESCE(MAX(id), 0) FROM return_versions WHERE unit_code = ?", "530302").Scan(&id); err != nil {
		t.Fatal(err)
	}
	return itoaUint(id)
}

// webForm is the browser return form of 530302's month as the page fills it in (the newest
// version's figures), posted back with the action.
func (w *writePathEnv) webForm(t *testing.T, period, action string) url.Values {
	t.Helper()
	res := w.county.do("GET", "/returns/form?period="+period, nil)
	if res.status != fiber.StatusOK {
		t.Fatalf("form page: %d %.300s", res.status, res.body)
	}
	form := url.Values{"period": {period}}
	if action != "" {
		form.Set("action", action)
	}
	for _, m := range formInput.FindAllStringSubmatch(res.body, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	for _, m := range formSelect.FindAllStringSubmatch(res.body, -1) {
		if sel := formSelected.FindStringSubmatch(m[2]); sel != nil {
			form.Set(m[1], html.UnescapeString(sel[1]))
		}
	}
	return form
}

var (
	formInput    = regexp.MustCompile(`<input[^>]* name="((?:v|n|d|mn)_[^"]+)"[^>]* value="([^"]*)"`)
	formSelect   = regexp.MustCompile(`(?s)<select[^>]* name="(s_[^"]+)"[^>]*>(.*?)</select>`)
	formSelected = regexp.MustCompile(`<option value="([^"]*)" selected>`)
)

// newestSnapshot is the id of 530302's newest ledger snapshot of the month.
func (w *writePathEnv) newestSnapshot(t *testing.T, period string) string {
	t.Helper()
	var id uint
	if err := rawSQL(t, w.e.store).QueryRow("SELECT COALESCE(MAX(id), 0) FROM ledger_snapshots WHERE unit_code = ? AND period = ?", "530302", period).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return itoaUint(id)
}

// newestTokenOf is the id of the user's newest live token.
func (w *writePathEnv) newestTokenOf(t *testing.T, username string) string {
	t.Helper()
	u, err := w.e.store.UserByName(username)
	if err != nil {
		t.Fatal(err)
	}
	var id uint
	if err := rawSQL(t, w.e.store).QueryRow("SELECT COALESCE(MAX(id), 0) FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL", u.ID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return itoaUint(id)
}

func (w *writePathEnv) newestToken(t *testing.T) string {
	t.Helper()
	var id uint
	if err := rawSQL(t, w.e.store).QueryRow("SELECT COALESCE(MAX(id), 0) FROM api_tokens WHERE revoked_at IS NULL").Scan(&id); err != nil {
		t.Fatal(err)
	}
	return itoaUint(id)
}

// multipart posts a file with fields, like uploadForm, for an API client.
func (c *accessClient) multipart(path string, fields map[string]string, name string, file []byte) accessResult {
	return c.uploadForm(path, fields, name, file)
}

// returnFile is 麒麟区's June 2024 return with the given number of service points.
func (w *writePathEnv) returnFile(t *testing.T, servicePoints int) []byte {
	t.Helper()
	res := w.officeAPI.do("GET", "/api/v1/returns/template?county=530302&period=2024-06", nil)
	if res.status != 200 {
		t.Fatalf("template: %d %.300s", res.status, res.body)
	}
	return testkit.FillReturn(t, []byte(res.body), map[string]any{models.IndServicePoints: servicePoints})
}

// ledgerFile is a one-point ledger of 麒麟区 (the village list holds 潇湘村).
func (w *writePathEnv) ledgerFile(t *testing.T, code string) []byte {
	return ledgerTestFile(t, [][]any{{code, "潇湘村快递服务站", "越州镇", "潇湘村", "2023-08-15", "运营中", nil, "是", "否", 12000, 3000, "中国邮政"}})
}

// villagesFile is 麒麟区's village list holding 潇湘村, typed into the downloaded template.
func (w *writePathEnv) villagesFile(t *testing.T) []byte {
	t.Helper()
	res := w.office.do("GET", "/ledger/530302/villages/template", nil)
	if res.status != 200 {
		t.Fatalf("villages template: %d", res.status)
	}
	f, err := excelize.OpenReader(strings.NewReader(res.body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_ = f.SetSheetRow(ledger.VillageSheet, "A2", &[]any{"越州镇", "潇湘村", "530302100200"})
	var out bytes.Buffer
	if err := f.Write(&out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// allocationsFile is the allocations template with the first row's whole target given to its unit.
func (w *writePathEnv) allocationsFile(t *testing.T) []byte {
	t.Helper()
	res := w.office.do("GET", "/allocations/template", nil)
	if res.status != 200 {
		t.Fatalf("allocations template: %d", res.status)
	}
	f, err := excelize.OpenReader(strings.NewReader(res.body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ind := models.Allocatable(w.e.plan)[0]
	target, _ := w.e.plan.Target(ind.Code, w.e.plan.Years[0])
	_ = f.SetCellValue(importers.AllocationSheet, "F3", target)
	var out bytes.Buffer
	if err := f.Write(&out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}
