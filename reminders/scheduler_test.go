package reminders

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"ruralkpi/internal/pgtest"
	"ruralkpi/internal/testkit"
	"ruralkpi/internal/teststore"
	"ruralkpi/models"
	"ruralkpi/store"
)

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

func at(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, models.ReportingZone())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func openStore(t *testing.T) (*store.Store, *models.Plan, string) {
	t.Helper()
	p := testkit.Plan(t)
	s, path := teststore.Seeded(t, p)
	return s, p, path
}

// forEachDB runs f on a fresh database holding the plan, on SQLite and on PostgreSQL (a schema of
// its own; skipped loudly without RURALKPI_TEST_PG). path opens the same database again, as a
// second server would.
func forEachDB(t *testing.T, f func(t *testing.T, st *store.Store, p *models.Plan, path string)) {
	t.Run("sqlite", func(t *testing.T) {
		st, p, path := openStore(t)
		f(t, st, p, path)
	})
	t.Run("postgres", func(t *testing.T) {
		url := pgtest.URL(t)
		p := testkit.Plan(t)
		st := teststore.Open(t, url)
		if err := st.SeedPlan(p); err != nil {
			t.Fatal(err)
		}
		f(t, st, p, url)
	})
}

func saveSettings(t *testing.T, s *store.Store, p *models.Plan, rs models.ReminderSettings) {
	t.Helper()
	if err := s.SaveReminderSettings(p, rs, models.Actor{Username: "office"}, time.Now()); err != nil {
		t.Fatal(err)
	}
}

// TestDeadlineReminderSentExactlyOnce moves the clock across 2024-06's deadline (2024-07-05) in
// six-hour steps with two schedulers on the same database: the unit that has not filed gets exactly
// one mail and one 企业微信 message; the unit that filed gets nothing. On SQLite and PostgreSQL.
func TestDeadlineReminderSentExactlyOnce(t *testing.T) {
	forEachDB(t, testDeadlineReminderSentExactlyOnce)
}

func testDeadlineReminderSentExactlyOnce(t *testing.T, st *store.Store, plan *models.Plan, path string) {
	smtpSrv, hooks := startSMTP(t), startHooks(t)
	saveSettings(t, st, plan, models.ReminderSettings{
		Rules: models.ReminderRules{OnDeadline: true, BaseURL: "http://kpi.example.gov.cn"},
		SMTP:  models.SMTPSettings{Host: "127.0.0.1", Port: smtpSrv.port(), From: "专班办公室 <kpi@example.gov.cn>"},
		Channels: []models.ReminderChannel{
			{Audience: "530302", Kind: models.ChannelEmail, Target: "clerk@qilin.example.cn"},
			{Audience: "530302", Kind: models.ChannelWeCom, Target: hooks.srv.URL + "/wecom"},
			{Audience: "530303", Kind: models.ChannelJSON, Target: hooks.srv.URL + "/json"},
		},
	})
	if _, err := st.SaveVersion(models.NewVersion{UnitCode: "530303", Period: "2024-06", Source: models.SourceUpload, File: []byte("f"),
		UploadedBy: "county-530303", UploadedAt: at(t, "2024-07-01 10:00")}); err != nil {
		t.Fatal(err)
	}
	clock := &testClock{}
	first := &Scheduler{Store: st, Plan: plan, Now: clock.Now}
	// The second server opens the same database file on its own connection pool.
	store2 := teststore.Open(t, path)
	second := &Scheduler{Store: store2, Plan: plan, Now: clock.Now}

	for step := at(t, "2024-07-03 00:00"); step.Before(at(t, "2024-07-08 00:00")); step = step.Add(6 * time.Hour) {
		clock.Set(step)
		for _, s := range []*Scheduler{first, second} {
			if _, err := s.RunOnce(context.Background()); err != nil {
				t.Fatalf("%s: %v", step, err)
			}
		}
		// The deadline day's reminder waits for eight o'clock: nothing at midnight or at six.
		if step.Before(at(t, "2024-07-05 08:00")) && len(smtpSrv.mails())+len(hooks.requests()) > 0 {
			t.Fatalf("sent before eight on %s", step)
		}
	}
	mails := smtpSrv.mails()
	if len(mails) != 1 {
		t.Fatalf("got %d mails, want exactly 1", len(mails))
	}
	m, err := mail.ReadMessage(bytes.NewReader(mails[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	raw, _ := io.ReadAll(m.Body)
	body, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(string(raw), "\r\n", ""))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"麒麟区", "2024年6月", "未报送", "2024-07-05", "http://kpi.example.gov.cn/returns?county=530302&period=2024-06"} {
		if !strings.Contains(subject+string(body), want) {
			t.Errorf("mail lacks %q:\n%s\n%s", want, subject, body)
		}
	}
	if !strings.Contains(mails[0].To[0], "clerk@qilin.example.cn") {
		t.Errorf("mail went to %v", mails[0].To)
	}
	reqs := hooks.requests()
	if len(reqs) != 1 || reqs[0].Path != "/wecom" {
		t.Fatalf("webhook requests %+v, want one to /wecom", reqs)
	}
	if reqs[0].Body["msgtype"] != "markdown" {
		t.Errorf("wecom body %v", reqs[0].Body)
	}
	content, _ := reqs[0].Body["markdown"].(map[string]any)["content"].(string)
	if !strings.Contains(content, "麒麟区") || !strings.Contains(content, "(http://kpi.example.gov.cn/returns?county=530302&period=2024-06)") {
		t.Errorf("wecom content %q", content)
	}
	log, err := st.Deliveries(10)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 2 || log[0].Status != models.DeliverySent || log[1].Status != models.DeliverySent {
		t.Errorf("delivery log %+v", log)
	}
}

// TestRetryWithBackoff: webhooks that fail twice get the message on the third attempt, not before
// each back-off has passed, and the retried message still names the unit and carries the link.
// Two servers run the schedule at each step, on SQLite and PostgreSQL: a retry is claimed once.
func TestRetryWithBackoff(t *testing.T) {
	forEachDB(t, testRetryWithBackoff)
}

func testRetryWithBackoff(t *testing.T, st *store.Store, plan *models.Plan, path string) {
	hooks := startHooks(t)
	hooks.failFirst = 4 // both channels fail twice
	saveSettings(t, st, plan, models.ReminderSettings{
		Rules: models.ReminderRules{BeforeDays: 2, BaseURL: "http://kpi.example.gov.cn"},
		Channels: []models.ReminderChannel{{Audience: "530302", Kind: models.ChannelJSON, Target: hooks.srv.URL + "/json"},
			{Audience: "530302", Kind: models.ChannelWeCom, Target: hooks.srv.URL + "/wecom"}},
	})
	clock := &testClock{}
	servers := []*Scheduler{{Store: st, Plan: plan, Now: clock.Now}, {Store: teststore.Open(t, path), Plan: plan, Now: clock.Now}}
	start := at(t, "2024-07-03 09:00")
	for _, step := range []struct {
		after time.Duration
		calls int
	}{{0, 2}, {30 * time.Second, 2}, {time.Minute, 4}, {5 * time.Minute, 4}, {6 * time.Minute, 6}, {3 * time.Hour, 6}} {
		clock.Set(start.Add(step.after))
		for _, s := range servers {
			if _, err := s.RunOnce(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		if got := len(hooks.requests()); got != step.calls {
			t.Fatalf("after %s: %d requests, want %d", step.after, got, step.calls)
		}
	}
	log, _ := st.Deliveries(5)
	if len(log) != 2 || log[0].Status != models.DeliverySent || log[1].Status != models.DeliverySent || log[0].Attempts != 3 || log[1].Attempts != 3 {
		t.Fatalf("log %+v", log)
	}
	// A retried message is the message first tried: the unit's name and the link survive the retry.
	link := "http://kpi.example.gov.cn/returns?county=530302&period=2024-06"
	for _, r := range hooks.requests()[4:] {
		switch r.Path {
		case "/json":
			if body := r.Body; body["key"] != "before_deadline:2024-06:530302" || body["kind"] != models.ReminderBefore || body["unit"] != "530302" || body["unit_name"] != "麒麟区" ||
				body["period"] != "2024-06" || body["link"] != link {
				t.Errorf("retried json body %v", body)
			}
		case "/wecom":
			if content, _ := r.Body["markdown"].(map[string]any)["content"].(string); !strings.Contains(content, "[打开系统处理]("+link+")") {
				t.Errorf("retried wecom content %q", content)
			}
		}
	}
}

// TestNewRedToTheOffice: on the demo data, indicators that turned red in the last month due reach the
// office's JSON hook, once.
func TestNewRedToTheOffice(t *testing.T) {
	st, plan, _ := openStore(t)
	if err := st.SeedDemo(plan); err != nil {
		t.Fatal(err)
	}
	hooks := startHooks(t)
	saveSettings(t, st, plan, models.ReminderSettings{
		Rules:    models.ReminderRules{NewRed: true},
		Channels: []models.ReminderChannel{{Audience: models.AudienceOffice, Kind: models.ChannelJSON, Target: hooks.srv.URL + "/office"}},
	})
	clock := &testClock{}
	s := &Scheduler{Store: st, Plan: plan, Now: clock.Now}
	var month string
	for day := at(t, "2024-03-10 09:00"); day.Before(at(t, "2025-07-01 00:00")) && len(hooks.requests()) == 0; day = day.AddDate(0, 1, 0) {
		clock.Set(day)
		if _, err := s.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		month = day.AddDate(0, -1, 0).Format("2006-01")
	}
	reqs := hooks.requests()
	if len(reqs) == 0 {
		t.Fatal("no indicator ever turned red in the demo data")
	}
	for _, r := range reqs {
		if r.Body["kind"] != models.ReminderRed || r.Body["period"] != month || !strings.Contains(r.Body["text"].(string), "序时进度") {
			t.Errorf("new red message %v", r.Body)
		}
		// The figures carry the indicator's unit of measure (实际 0.96亿元, not 实际 0.96).
		key := strings.Split(r.Body["key"].(string), ":")
		if ind, _ := plan.Indicator(key[len(key)-1]); ind.Unit != "" && !strings.Contains(r.Body["text"].(string), ind.Unit+"，序时进度应达") {
			t.Errorf("new red message without the unit %q: %v", ind.Unit, r.Body["text"])
		}
	}
	if _, err := s.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := len(hooks.requests()); got != len(reqs) {
		t.Errorf("second run sent %d more", got-len(reqs))
	}
}

// TestConcurrentSchedulersSendOnce: four servers on the same database run at the same instant;
// each message still goes out once. On SQLite and PostgreSQL.
func TestConcurrentSchedulersSendOnce(t *testing.T) {
	forEachDB(t, testConcurrentSchedulersSendOnce)
}

func testConcurrentSchedulersSendOnce(t *testing.T, st *store.Store, plan *models.Plan, path string) {
	hooks := startHooks(t)
	saveSettings(t, st, plan, models.ReminderSettings{
		Rules: models.ReminderRules{OnDeadline: true},
		Channels: []models.ReminderChannel{
			{Audience: "530302", Kind: models.ChannelJSON, Target: hooks.srv.URL + "/a"},
			{Audience: "530303", Kind: models.ChannelJSON, Target: hooks.srv.URL + "/b"},
		},
	})
	clock := &testClock{t: at(t, "2024-07-05 09:00")}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		st := teststore.Open(t, path)
		s := &Scheduler{Store: st, Plan: plan, Now: clock.Now}
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.RunOnce(context.Background())
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := len(hooks.requests()); got != 2 {
		t.Fatalf("%d messages, want 2 (one per unit)", got)
	}
}

// TestFollowUpRemindersToUnitAndOffice moves the clock across a follow-up's due day in six-hour steps:
// the unit and the office each hear once that it is due soon and once that it is overdue, and each
// message names the unit, the month, the follow-up and its due day, and links to it.
func TestFollowUpRemindersToUnitAndOffice(t *testing.T) {
	st, plan, _ := openStore(t)
	hooks := startHooks(t)
	saveSettings(t, st, plan, models.ReminderSettings{
		Rules: models.ReminderRules{FollowUpSoonDays: 2, FollowUpOverdue: true, BaseURL: "http://kpi.example.gov.cn"},
		Channels: []models.ReminderChannel{{Audience: "530302", Kind: models.ChannelJSON, Target: hooks.srv.URL + "/unit"},
			{Audience: models.AudienceOffice, Kind: models.ChannelJSON, Target: hooks.srv.URL + "/office"}},
	})
	f, err := st.OpenFollowUp(plan, models.NewFollowUp{UnitCode: "530302", Indicator: plan.Indicators[0].Code, Title: "补报网点台账", Assignee: "张三", DueDate: "2024-07-10"},
		models.Actor{Username: "office"}, at(t, "2024-07-01 10:00"))
	if err != nil {
		t.Fatal(err)
	}
	clock := &testClock{}
	s := &Scheduler{Store: st, Plan: plan, Now: clock.Now}
	for step := at(t, "2024-07-06 00:00"); step.Before(at(t, "2024-07-14 00:00")); step = step.Add(6 * time.Hour) {
		clock.Set(step)
		if _, err := s.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	got := map[string]int{}
	for _, r := range hooks.requests() {
		got[r.Path+" "+r.Body["kind"].(string)]++
		text, _ := r.Body["text"].(string)
		for _, want := range []string{"单位：麒麟区", "月份：2024年7月", "补报网点台账", "办结期限 2024-07-10", fmt.Sprintf("链接：http://kpi.example.gov.cn/followups#f%d", f.ID)} {
			if !strings.Contains(text, want) {
				t.Errorf("%s %s lacks %q:\n%s", r.Path, r.Body["kind"], want, text)
			}
		}
		if r.Body["period"] != "2024-07" {
			t.Errorf("period %v", r.Body["period"])
		}
	}
	want := map[string]int{"/unit " + models.ReminderFUSoon: 1, "/office " + models.ReminderFUSoon: 1, "/unit " + models.ReminderFUDue: 1, "/office " + models.ReminderFUDue: 1}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("messages %v, want %v", got, want)
	}
}

// TestNewRedReadsTheReadModel: on a server the new-red check answers from the read model the pages
// answer from, not by reading every figure from the database at each run (tens of seconds on the
// national data set). A figure changed behind the server's back (raw SQL) does not reach it.
func TestNewRedReadsTheReadModel(t *testing.T) {
	st, plan, _ := openStore(t)
	if err := st.SeedDemo(plan); err != nil {
		t.Fatal(err)
	}
	if err := st.StartReadModel(plan); err != nil {
		t.Fatal(err)
	}
	s := &Scheduler{Store: st, Plan: plan}
	now := at(t, "2025-07-10 09:00")
	before, err := s.newRed(now)
	if err != nil {
		t.Fatal(err)
	}
	db, err := st.SQL()
	if err != nil {
		t.Fatal(err)
	}
	// Every June 2025 figure of every unit falls to nothing: read from the database, everything due
	// would turn red.
	if _, err := db.Exec(`UPDATE return_values SET value = 0 WHERE version_id IN (SELECT id FROM return_versions WHERE period = '2025-06')`); err != nil {
		t.Fatal(err)
	}
	after, err := s.newRed(now)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("the new-red check read the figures again: %d new reds, %d from the read model", len(after), len(before))
	}
}
