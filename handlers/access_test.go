package handlers

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/crypto/bcrypt"

	"ruralkpi/models"
	"ruralkpi/store"
)

func TestCSRFRefusesFormsWithoutToken(t *testing.T) {
	e := newAccessEnv(t)
	c := e.loggedIn("office")
	tests := []struct {
		name   string
		token  string
		noCSRF bool
		want   int
	}{
		{"no token", "", true, fiber.StatusForbidden},
		{"wrong token", "not-the-token", false, fiber.StatusForbidden},
		{"right token", "", false, fiber.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.noCSRF = tt.noCSRF
			form := url.Values{"name": {"x"}}
			if tt.token != "" {
				form.Set("_csrf", tt.token)
			}
			res := c.do("POST", "/account/tokens", form)
			if res.status != tt.want {
				t.Errorf("status %d, want %d", res.status, tt.want)
			}
			if tt.want == fiber.StatusForbidden && !strings.Contains(res.body, "CSRF") {
				t.Errorf("refusal should say why: %.300s", res.body)
			}
		})
	}
	t.Run("login form needs the token too", func(t *testing.T) {
		anon := e.client()
		anon.noCSRF = true
		anon.do("GET", "/login", nil)
		if res := anon.do("POST", "/login", url.Values{"username": {"office"}, "password": {accessPassword}}); res.status != fiber.StatusForbidden {
			t.Errorf("login without token: %d", res.status)
		}
	})
	t.Run("API token requests are exempt", func(t *testing.T) {
		api := e.tokenClient("office")
		api.noCSRF = true
		if res := api.do("POST", "/account/tokens", url.Values{"name": {"y"}}); res.status != fiber.StatusOK {
			t.Errorf("bearer post: %d", res.status)
		}
	})
	tokens, _ := e.store.AuditEntries(models.AuditFilter{Action: models.AuditTokenCreate})
	if len(tokens) != 3 { // the two accepted posts, and tokenClient's own through the store
		t.Errorf("only the two accepted posts may create tokens, got %d", len(tokens))
	}
}

func TestLoginRateLimits(t *testing.T) {
	t.Run("per account", func(t *testing.T) {
		e := newAccessEnv(t)
		c := e.client()
		for i := 0; i < loginPairLimit; i++ {
			if res := c.login("office", "wrong password"); res.status != fiber.StatusUnauthorized {
				t.Fatalf("failure %d: %d", i+1, res.status)
			}
		}
		res := c.login("office", accessPassword)
		if res.status != fiber.StatusTooManyRequests || !strings.Contains(res.body, "登录失败次数过多") || !strings.Contains(res.body, "15 分钟") {
			t.Fatalf("after %d failures, the right password: %d %.400s", loginPairLimit, res.status, res.body)
		}
		if res := e.loggedIn("leader"); res == nil {
			t.Fatal("another account from the same address is not blocked by the account limit")
		}
		e.clock.Advance(loginWindow)
		if res := c.login("office", accessPassword); res.status != fiber.StatusSeeOther {
			t.Errorf("after the window: %d", res.status)
		}
	})
	t.Run("unknown names are limited alike", func(t *testing.T) {
		e := newAccessEnv(t)
		c := e.client()
		for i := 0; i < loginPairLimit; i++ {
			c.login("nobody", "x")
		}
		if res := c.login("nobody", "x"); res.status != fiber.StatusTooManyRequests {
			t.Errorf("unknown name after failures: %d", res.status)
		}
	})
	t.Run("per address", func(t *testing.T) {
		e := newAccessEnv(t)
		c := e.client()
		for i := 0; i < loginAddressLimit; i++ {
			c.login("guess"+itoaUint(uint(i)), "x")
		}
		if res := c.login("leader", accessPassword); res.status != fiber.StatusTooManyRequests {
			t.Errorf("address after %d failures: %d", loginAddressLimit, res.status)
		}
	})
}

// TestLoginThrottleBehindProxy: behind nginx every request came from nginx's address, so twenty
// wrong passwords from anyone blocked everybody's login on that server, and five on one account
// locked it for everyone. With the proxy trusted (serve --trusted-proxy) each client is counted at
// the address X-Forwarded-For names; from any other peer the header is ignored, so a client cannot
// pick a fresh address for each guess.
func TestLoginThrottleBehindProxy(t *testing.T) {
	via := func(e *accessEnv, addr string) *accessClient {
		c := e.client()
		c.header = map[string]string{"X-Forwarded-For": addr}
		return c
	}
	t.Run("trusted proxy: each client its own address", func(t *testing.T) {
		e := newAccessEnv(t)
		e.trusted = []string{"0.0.0.0/0", "::/0"} // app.Test's peer stands for the proxy
		e.restart()
		attacker := via(e, "203.0.113.7")
		for i := 0; i < loginAddressLimit; i++ {
			attacker.login("guess"+itoaUint(uint(i)), "wrong password")
		}
		if res := attacker.login("leader", accessPassword); res.status != fiber.StatusTooManyRequests {
			t.Errorf("the guessing address after %d failures: %d, want 429", loginAddressLimit, res.status)
		}
		if res := via(e, "198.51.100.9").login("office", accessPassword); res.status != fiber.StatusSeeOther {
			t.Errorf("the office from another address behind the same proxy: %d, want 303 (not blocked by another's guesses)", res.status)
		}
		failed, err := e.store.AuditEntries(models.AuditFilter{Action: models.AuditLoginFailed})
		if err != nil || len(failed) == 0 || failed[0].IP != "203.0.113.7" {
			t.Errorf("failed logins audited from %v (err %v), want the client's address 203.0.113.7", failed, err)
		}
	})
	t.Run("untrusted peer: the header is ignored", func(t *testing.T) {
		e := newAccessEnv(t)
		for i := 0; i < loginAddressLimit; i++ {
			via(e, "203.0.113."+itoaUint(uint(i+1))).login("guess"+itoaUint(uint(i)), "x")
		}
		if res := via(e, "198.51.100.9").login("leader", accessPassword); res.status != fiber.StatusTooManyRequests {
			t.Errorf("a fresh X-Forwarded-For from an untrusted peer escaped the address limit: %d", res.status)
		}
	})
}

func TestLoginDoesNotRevealAccounts(t *testing.T) {
	e := newAccessEnv(t)
	c := e.client()
	unknown := c.login("nosuchuser", "wrong password")
	wrong := c.login("county-530302", "wrong password")
	e.store.UpdateUser(e.plan, "county-530303", models.UserChange{Disabled: ptr(true)}, models.Actor{Username: "office"}, e.clock.Now())
	disabled := c.login("county-530303", accessPassword)
	for name, res := range map[string]accessResult{"unknown": unknown, "wrong password": wrong, "disabled": disabled} {
		if res.status != fiber.StatusUnauthorized || !strings.Contains(res.body, loginFailed) {
			t.Errorf("%s: %d %.300s", name, res.status, res.body)
		}
	}
	a := strings.ReplaceAll(unknown.body, "nosuchuser", "NAME")
	b := strings.ReplaceAll(wrong.body, "county-530302", "NAME")
	if a != b {
		t.Error("the page for an unknown name differs from the page for a wrong password")
	}
}

// TestLoginNormalisesTheTypedName signs in with the name typed as people type it — spaces around
// it, capitals, full-width letters from a Chinese input method — and finds the account stored under
// its canonical name; the failures of those spellings count against that one account.
func TestLoginNormalisesTheTypedName(t *testing.T) {
	e := newAccessEnv(t)
	for _, typed := range []string{"  county-530302 ", "County-530302", "ＣＯＵＮＴＹ－５３０３０２", "\tleader\n", "LEADER"} {
		t.Run(typed, func(t *testing.T) {
			c := e.client()
			if res := c.login(typed, accessPassword); res.status != fiber.StatusSeeOther {
				t.Errorf("login as %q: %d %.300s", typed, res.status, res.body)
			}
		})
	}
	t.Run("failures count against the canonical name", func(t *testing.T) {
		for i := 0; i < loginPairLimit; i++ {
			spelling := "office"
			if i%2 == 1 {
				spelling = " OFFICE"
			}
			e.client().login(spelling, "wrong")
		}
		if res := e.client().login("office", accessPassword); res.status != fiber.StatusTooManyRequests {
			t.Errorf("after %d failures spelt two ways: %d", loginPairLimit, res.status)
		}
	})
}

func ptr[T any](v T) *T { return &v }

func TestSessionSurvivesRestartAndIsRenewedAtLogin(t *testing.T) {
	e := newAccessEnv(t)
	c := e.loggedIn("county-530302")
	first := c.jar[sessionCookie]
	e.restart()
	res := c.do("GET", "/account", nil)
	if res.status != fiber.StatusOK || !strings.Contains(res.body, "county-530302") {
		t.Fatalf("after restart: %d %.300s", res.status, res.body)
	}
	// Logging in again (even over a live session) issues a new id and ends the old one.
	if res := c.login("county-530302", accessPassword); res.status != fiber.StatusSeeOther {
		t.Fatalf("second login: %d", res.status)
	}
	if c.jar[sessionCookie] == "" || c.jar[sessionCookie] == first {
		t.Error("session id not renewed at login")
	}
	if _, err := e.store.SessionUser(first, e.clock.Now()); err == nil {
		t.Error("the old session still works")
	}
	c.do("GET", "/account", nil) // a fresh CSRF token for the new session
	if res := c.do("POST", "/logout", url.Values{}); res.status != fiber.StatusSeeOther {
		t.Fatalf("logout: %d", res.status)
	}
	if res := c.do("GET", "/account", nil); res.status != fiber.StatusSeeOther || !strings.HasPrefix(res.location, "/login") {
		t.Errorf("after logout: %d %s", res.status, res.location)
	}
}

func TestCookieFlags(t *testing.T) {
	for _, secure := range []bool{false, true} {
		t.Run(map[bool]string{false: "plain", true: "tls"}[secure], func(t *testing.T) {
			e := newAccessEnv(t)
			e.server.Config.SecureCookies = secure
			app, err := New(e.server)
			if err != nil {
				t.Fatal(err)
			}
			e.app = app
			e.server.limiter.dummyCost = bcrypt.MinCost
			c := e.client()
			c.do("GET", "/login", nil)
			req := httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"username": {"office"}, "password": {accessPassword}, "_csrf": {c.jar[csrfCookie]}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			res := c.send(req)
			found := false
			for _, h := range res.header.Values("Set-Cookie") {
				if !strings.HasPrefix(h, sessionCookie+"=") {
					continue
				}
				found = true
				lower := strings.ToLower(h)
				if !strings.Contains(lower, "httponly") || !strings.Contains(lower, "samesite=lax") || strings.Contains(lower, "secure") != secure {
					t.Errorf("session cookie flags: %s", h)
				}
			}
			if !found {
				t.Error("no session cookie set")
			}
		})
	}
}

func TestBadBearerTokenRefused(t *testing.T) {
	e := newAccessEnv(t)
	c := e.client()
	c.bearer = "rk_not-a-token"
	res := c.do("GET", "/api/v1/me", nil)
	if res.status != fiber.StatusUnauthorized || !strings.Contains(res.body, `"code":"unauthorized"`) {
		t.Errorf("bad token: %d %s", res.status, res.body)
	}
	api := e.tokenClient("county-530302")
	if res := api.do("GET", "/api/v1/me", nil); !strings.Contains(res.body, `"unit":"530302"`) {
		t.Errorf("me: %s", res.body)
	}
}

// TestAuditEntriesForEachAction walks through every audited action over HTTP and checks that each
// left an entry naming who, from where and what.
func TestAuditEntriesForEachAction(t *testing.T) {
	e := newAccessEnv(t)
	fx := newAccessFixtures(t, e)
	anon := e.client()
	anon.login("office", "wrong password")
	office := e.loggedIn("office")
	county := e.loggedIn("county-530302")
	ind := models.Allocatable(e.plan)[0].Code
	steps := []struct {
		c      *accessClient
		path   string
		form   url.Values
		action string
	}{
		{office, "/admin/users", url.Values{"username": {"new-leader"}, "password": {accessPassword}, "role": {"leader"}}, models.AuditUserCreate},
		{office, "/admin/users/new-leader", url.Values{"action": {"disable"}}, models.AuditUserUpdate},
		{office, "/account/tokens", url.Values{"name": {"t"}}, models.AuditTokenCreate},
		{office, "/review/" + fx.versionID, url.Values{"decision": {"return"}, "note": {"数据有误"}}, models.AuditReturn},
		{office, "/review/ledger/" + fx.snapshotID, url.Values{"decision": {"return"}, "note": {"网点数不符"}}, models.AuditLedgerReturn},
		{office, "/deadlines", url.Values{"period": {"2024-06"}, "due": {"2024-07-08"}}, models.AuditDeadline},
		{office, "/deadlines/lock", url.Values{"days": {"5"}}, models.AuditSetting},
		{office, "/deadlines/reopen", url.Values{"period": {"2024-05"}, "unit": {"530302"}, "reason": {"补报"}}, models.AuditReopen},
		{office, "/allocations", url.Values{"indicator": {ind}, "year": {"2024"}, "v_530302": {"7"}}, models.AuditAllocation},
		{office, "/allocations/target", url.Values{"indicator": {ind}, "year": {"2024"}, "value": {"1000"}}, models.AuditTarget},
		{office, "/followups", url.Values{"unit": {"530302"}, "indicator": {ind}, "title": {"加快"}, "assignee": {"李四"}, "due": {"2024-08-01"}}, models.AuditFollowUpOpen},
		{county, "/followups/" + fx.followUpID + "/answer", url.Values{"answer": {"已整改"}}, models.AuditFollowUpAnswer},
		{office, "/followups/" + fx.followUpID + "/close", url.Values{"note": {"核实"}}, models.AuditFollowUpClose},
		{office, "/reminders", url.Values{"on_deadline": {"1"}, "channels": {"office json http://127.0.0.1:9/hook"}}, models.AuditReminders},
		{office, "/quality/dismiss", url.Values{"key": {"same_digits:530302:2024-06:00"}, "reason": {"整数口径"}}, models.AuditQualityDismiss},
		{county, "/account/password", url.Values{"current": {accessPassword}, "new": {"another password"}, "confirm": {"another password"}}, models.AuditPasswordChange},
		{county, "/logout", url.Values{}, models.AuditLogout},
	}
	for _, st := range steps {
		res := st.c.do("POST", st.path, st.form)
		if res.status >= 400 {
			t.Fatalf("%s: %d %.400s", st.path, res.status, res.body)
		}
	}
	tokens, _ := e.store.APITokens(1)
	if res := office.do("POST", "/account/tokens/"+itoaUint(tokens[0].ID)+"/revoke", url.Values{}); res.status != fiber.StatusSeeOther {
		t.Fatalf("revoke: %d", res.status)
	}
	v2, err := e.store.SaveVersion(models.NewVersion{UnitCode: "530302", Period: "2024-06", Source: models.SourceUpload, File: []byte("y")})
	if err != nil {
		t.Fatal(err)
	}
	if res := office.do("POST", "/review/"+itoaUint(v2.ID), url.Values{"decision": {"approve"}}); res.status != fiber.StatusSeeOther {
		t.Fatalf("approve: %d", res.status)
	}
	snap2, err := e.store.SaveLedgerSnapshot(store.NewLedgerSnapshot{UnitCode: "530302", Period: "2024-06"})
	if err != nil {
		t.Fatal(err)
	}
	if res := office.do("POST", "/review/ledger/"+itoaUint(snap2.ID), url.Values{"decision": {"approve"}}); res.status != fiber.StatusSeeOther {
		t.Fatalf("approve ledger: %d", res.status)
	}
	entries, err := e.store.AuditEntries(models.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]models.AuditEntry{}
	for _, en := range entries {
		if _, seen := got[en.Action]; !seen {
			got[en.Action] = en
		}
	}
	for _, a := range models.AuditActions() {
		if a[0] == models.AuditUpload || a[0] == models.AuditLockOverride {
			continue // recorded by the upload handler (returns feature); by the server's CLI only
		}
		en, ok := got[a[0]]
		if !ok {
			t.Errorf("no audit entry for %s (%s)", a[0], a[1])
			continue
		}
		if en.Actor == "" || en.IP == "" || en.At.IsZero() {
			t.Errorf("%s entry lacks who/where/when: %+v", a[0], en)
		}
	}
	if en := got[models.AuditAllocation]; en.After != "7" || en.Subject != ind+" 2024 530302" {
		t.Errorf("allocation entry: %+v", en)
	}
	if en := got[models.AuditUserUpdate]; !strings.Contains(en.Before, `"disabled":false`) || !strings.Contains(en.After, `"disabled":true`) {
		t.Errorf("user update entry before/after: %+v", en)
	}
	res := office.do("GET", "/audit?action="+models.AuditReopen, nil)
	if res.status != fiber.StatusOK || !strings.Contains(res.body, "补报") || strings.Contains(res.body, "数据有误") {
		t.Errorf("audit filter: %d", res.status)
	}
	res = office.do("GET", "/audit/export", nil)
	if !strings.HasPrefix(res.body, "\ufeff编号,时间,用户") || !strings.Contains(res.body, models.AuditFollowUpClose) {
		t.Errorf("export: %.300s", res.body)
	}
}

func TestReviewWorkflowCountySeesReason(t *testing.T) {
	e := newAccessEnv(t)
	fx := newAccessFixtures(t, e)
	office := e.loggedIn("office")
	county := e.loggedIn("county-530302")
	other := e.loggedIn("county-530303")
	if res := office.do("GET", "/review", nil); !strings.Contains(res.body, "待审核（1）") {
		t.Fatalf("queue: %.500s", res.body)
	}
	if res := office.do("POST", "/review/"+fx.versionID, url.Values{"decision": {"return"}, "note": {" "}}); res.status != fiber.StatusUnprocessableEntity || !strings.Contains(res.body, "退回原因") {
		t.Errorf("return without a reason: %d", res.status)
	}
	if res := office.do("POST", "/review/"+fx.versionID, url.Values{"decision": {"return"}, "note": {"网点数与台账不符，请核对"}}); res.status != fiber.StatusSeeOther {
		t.Fatalf("return: %d %.300s", res.status, res.body)
	}
	if res := county.do("GET", "/review", nil); !strings.Contains(res.body, "网点数与台账不符，请核对") || !strings.Contains(res.body, "已退回") {
		t.Errorf("county does not see the reason: %.600s", res.body)
	}
	if res := other.do("GET", "/review", nil); strings.Contains(res.body, "网点数与台账不符") {
		t.Error("another county sees the reason")
	}
	if res := office.do("POST", "/review/"+fx.versionID, url.Values{"decision": {"approve"}}); res.status != fiber.StatusConflict {
		t.Errorf("approving a returned version: %d", res.status)
	}
	api := e.tokenClient("office")
	v2, _ := e.store.SaveVersion(models.NewVersion{UnitCode: "530302", Period: "2024-06", Source: models.SourceUpload, File: []byte("v2")})
	req := httptest.NewRequest("POST", "/api/v1/returns/"+itoaUint(v2.ID)+"/review", strings.NewReader(`{"decision":"approve"}`))
	req.Header.Set("Content-Type", "application/json")
	if res := api.send(req); res.status != fiber.StatusOK || !strings.Contains(res.body, `"status":"approved"`) {
		t.Errorf("API approve: %d %s", res.status, res.body)
	}
}

func TestDeadlinesBoardAndReopen(t *testing.T) {
	e := newAccessEnv(t)
	e.clock.Advance(60 * 24 * time.Hour) // 2024-09-01: June is locked
	onTime := time.Date(2024, 7, 4, 9, 0, 0, 0, models.ReportingZone())
	late := time.Date(2024, 7, 9, 9, 0, 0, 0, models.ReportingZone())
	for unit, at := range map[string]time.Time{"530302": onTime, "530303": late} {
		if _, err := e.store.SaveVersion(models.NewVersion{UnitCode: unit, Period: "2024-06", Source: models.SourceUpload, UploadedAt: at}); err != nil {
			t.Fatal(err)
		}
	}
	office := e.loggedIn("office")
	res := office.do("GET", "/deadlines?period=2024-06", nil)
	if res.status != fiber.StatusOK {
		t.Fatalf("board: %d %.300s", res.status, res.body)
	}
	for _, want := range []string{"截止日：<strong>2024-07-05</strong>", "按时 1 · 逾期 1 · 未报 8", "全周期报送一览"} {
		if !strings.Contains(res.body, want) {
			t.Errorf("board lacks %q", want)
		}
	}
	if res := office.do("POST", "/deadlines/reopen", url.Values{"period": {"2024-06"}, "unit": {"530304"}, "reason": {""}}); res.status != fiber.StatusUnprocessableEntity {
		t.Errorf("reopen without reason: %d", res.status)
	}
	check, _ := e.store.SubmitCheck(e.plan, "530304", models.MustPeriod("2024-06"), e.clock.Now())
	if ok, _ := models.CanSubmit(check); ok {
		t.Fatal("June should be locked on 2024-09-01")
	}
	office.do("POST", "/deadlines/reopen", url.Values{"period": {"2024-06"}, "unit": {"530304"}, "reason": {"系统故障补报"}})
	check, _ = e.store.SubmitCheck(e.plan, "530304", models.MustPeriod("2024-06"), e.clock.Now())
	if ok, why := models.CanSubmit(check); !ok {
		t.Errorf("reopened: %s", why)
	}
}

// TestAuditPageAndExportShareTheLabel checks that the audit page's row and the audit CSV name the
// same action with the same word, AuditAction.Label.
func TestAuditPageAndExportShareTheLabel(t *testing.T) {
	e := newAccessEnv(t)
	office := e.loggedIn("office")
	label := models.AuditAction(models.AuditLoginOK).Label()
	page := office.do("GET", "/audit?action="+models.AuditLoginOK, nil)
	if page.status != fiber.StatusOK || !strings.Contains(page.body, "<td>"+label+"</td>") {
		t.Errorf("audit page row lacks %q: %d %.400s", label, page.status, page.body)
	}
	export := office.do("GET", "/audit/export?action="+models.AuditLoginOK, nil)
	if !strings.Contains(export.body, ","+label+","+models.AuditLoginOK+",") {
		t.Errorf("audit export lacks %q beside its code: %.400s", label, export.body)
	}
}
