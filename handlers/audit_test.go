package handlers

import (
	"net/url"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
	"ruralkpi/store"
)

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
