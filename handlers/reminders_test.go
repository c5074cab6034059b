package handlers

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"ruralkpi/models"
	"ruralkpi/reminders"
)

// TestRemindersPageSavesAuditsAndSendsATest drives the page as the office: settings are saved with
// their audit entry, a password is refused without an encryption key and stored encrypted with one,
// and the test button reaches a real webhook receiver on loopback and shows in the log.
func TestRemindersPageSavesAuditsAndSendsATest(t *testing.T) {
	var mu sync.Mutex
	var bodies []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
		_, _ = w.Write([]byte(`{"errcode":0,"errmsg":"ok"}`))
	}))
	defer hook.Close()
	e := newAccessEnv(t)
	e.server.Reminders.Secrets = reminders.NewSecrets("", nil)
	office := e.loggedIn("office")
	form := url.Values{"on_deadline": {"1"}, "before_days": {"2"}, "base_url": {"http://kpi.local"}, "smtp_host": {"relay.local"}, "smtp_port": {"25"},
		"smtp_from": {"kpi@example.gov.cn"}, "smtp_username": {"kpi"}, "smtp_password": {"s3cret"},
		"channels": {"office wecom " + hook.URL + "/wecom\n530302 email clerk@example.cn\n"}}
	if res := office.do("POST", "/reminders", form); res.status != 422 || !strings.Contains(res.body, "env:") {
		t.Fatalf("password without a key: %d %.300s", res.status, res.body)
	}
	e.server.Reminders.Secrets = reminders.NewSecrets("test-key", nil)
	form.Del("_csrf")
	if res := office.do("POST", "/reminders", form); res.status != 303 {
		t.Fatalf("save: %d %.300s", res.status, res.body)
	}
	rs, err := e.store.ReminderSettings()
	if err != nil || !rs.Rules.OnDeadline || rs.Rules.BeforeDays != 2 || len(rs.Channels) != 2 || !strings.HasPrefix(rs.SMTP.Password, "enc:v1:") {
		t.Fatalf("stored %+v %v", rs, err)
	}
	if pw, _ := e.server.Reminders.Secrets.Open(rs.SMTP.Password); pw != "s3cret" {
		t.Fatalf("password decrypts to %q", pw)
	}
	entries, _ := e.store.AuditEntries(models.AuditFilter{Action: models.AuditReminders})
	if len(entries) != 1 || entries[0].Actor != "office" || strings.Contains(entries[0].After, "s3cret") {
		t.Fatalf("audit %+v", entries)
	}
	// Saving again with the password left empty keeps it.
	form.Set("smtp_password", "")
	form.Del("_csrf")
	if res := office.do("POST", "/reminders", form); res.status != 303 {
		t.Fatalf("save again: %d", res.status)
	}
	if again, _ := e.store.ReminderSettings(); again.SMTP.Password != rs.SMTP.Password {
		t.Fatal("an empty password field cleared the stored password")
	}
	if res := office.do("POST", "/reminders/test", url.Values{"channel": {"0"}}); res.status != 303 {
		t.Fatalf("test: %d %.300s", res.status, res.body)
	}
	mu.Lock()
	got := append([]string(nil), bodies...)
	mu.Unlock()
	if len(got) != 1 || !strings.Contains(got[0], `"msgtype":"markdown"`) || !strings.Contains(got[0], "测试") {
		t.Fatalf("receiver got %q", got)
	}
	page := office.do("GET", "/reminders", nil)
	if page.status != 200 || !strings.Contains(page.body, "测试消息") || !strings.Contains(page.body, "已发送") || strings.Contains(page.body, "enc:v1:") {
		t.Fatalf("page: %d %.500s", page.status, page.body)
	}
	// The clock is 2024-07-03: two days before June's 07-05 deadline, so the unit's mail is due.
	if !strings.Contains(page.body, "【2天后截止】麒麟区 2024年6月月报尚未报送") {
		t.Errorf("page does not show the due reminder")
	}
	if !strings.Contains(page.body, "未配置接收渠道") {
		t.Errorf("page does not say which reminders have no channel")
	}
	if strings.Contains(page.body, "尚未填写“系统访问地址”") {
		t.Errorf("page warns of a missing address that is set")
	}
	// Without the system's address, messages would carry bare paths: the page says so.
	form.Set("base_url", "")
	form.Del("_csrf")
	if res := office.do("POST", "/reminders", form); res.status != 303 {
		t.Fatalf("save without address: %d", res.status)
	}
	if page := office.do("GET", "/reminders", nil); !strings.Contains(page.body, "尚未填写“系统访问地址”") {
		t.Errorf("page does not warn that links lack the system's address")
	}
	// An empty port field is SMTP's 25, not 0.
	form.Set("smtp_port", "")
	form.Del("_csrf")
	if res := office.do("POST", "/reminders", form); res.status != 303 {
		t.Fatalf("save without port: %d %.300s", res.status, res.body)
	}
	if rs, _ := e.store.ReminderSettings(); rs.SMTP.Port != 25 {
		t.Errorf("empty port stored as %d", rs.SMTP.Port)
	}
}
