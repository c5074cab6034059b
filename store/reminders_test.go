package store

import (
	"strings"
	"testing"
	"time"

	"ruralkpi/models"
)

func TestDueReminders(t *testing.T) {
	cst := models.ReportingZone()
	day := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, cst)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	units := []models.ReminderUnit{{Code: "A", Name: "甲县", Start: models.MustPeriod("2024-01")}, {Code: "B", Name: "乙县", Start: models.MustPeriod("2024-01")},
		{Code: "L", Name: "迟县", Start: models.MustPeriod("2024-07")}}
	june := []models.Period{models.MustPeriod("2024-06")}
	filedB := map[string]map[string]bool{"B": {"2024-06": true}}
	tests := []struct {
		name string
		in   models.ReminderInput
		want []string // keys
	}{
		{"rules off", models.ReminderInput{Now: day("2024-07-05 09:00"), Months: june}, nil},
		{"deadline day, unfiled unit only", models.ReminderInput{Now: day("2024-07-05 09:00"), Rules: models.ReminderRules{OnDeadline: true}, Months: june, Filed: filedB},
			[]string{"deadline_day:2024-06:A"}},
		{"deadline day waits for office hours", models.ReminderInput{Now: day("2024-07-05 07:59"), Rules: models.ReminderRules{OnDeadline: true, BeforeDays: 2,
			FollowUpOverdue: true, NewRed: true, Returned: true}, Months: june, Filed: filedB,
			FollowUps: []models.FollowUp{{ID: 2, UnitCode: "B", Title: "补报台账", Assignee: "李四", DueDate: "2024-07-01", Status: models.FollowUpOpen}},
			NewRed:    []models.RedItem{{Unit: "A", Indicator: "x", IndicatorName: "快递服务站", Period: models.MustPeriod("2024-06"), Actual: "3", Expected: "10"}},
			Returned:  []models.ReturnedVersion{{ID: 7, Unit: "A", Period: "2024-06", ReviewedAt: day("2024-07-05 07:30"), Latest: true}}},
			[]string{"returned:7"}},
		{"deadline day from eight", models.ReminderInput{Now: day("2024-07-05 08:00"), Rules: models.ReminderRules{OnDeadline: true}, Months: june, Filed: filedB},
			[]string{"deadline_day:2024-06:A"}},
		{"day after the deadline", models.ReminderInput{Now: day("2024-07-06 00:00"), Rules: models.ReminderRules{OnDeadline: true}, Months: june}, nil},
		{"two days before", models.ReminderInput{Now: day("2024-07-03 23:59"), Rules: models.ReminderRules{BeforeDays: 2}, Months: june, Filed: filedB},
			[]string{"before_deadline:2024-06:A"}},
		{"office-set deadline", models.ReminderInput{Now: day("2024-07-10 08:00"), Rules: models.ReminderRules{OnDeadline: true}, Months: june,
			Deadlines: map[string]time.Time{"2024-06": day("2024-07-10 00:00")}}, []string{"deadline_day:2024-06:A", "deadline_day:2024-06:B"}},
		{"returned recently, latest only", models.ReminderInput{Now: day("2024-07-08 09:00"), Rules: models.ReminderRules{Returned: true}, Returned: []models.ReturnedVersion{
			{ID: 7, Unit: "A", Period: "2024-06", Note: "数字有误", ReviewedAt: day("2024-07-07 09:00"), Latest: true},
			{ID: 8, Unit: "B", Period: "2024-05", ReviewedAt: day("2024-06-01 09:00"), Latest: true},
			{ID: 9, Unit: "B", Period: "2024-06", ReviewedAt: day("2024-07-07 09:00")},
		}}, []string{"returned:7"}},
		{"follow-ups soon and overdue to unit and office", models.ReminderInput{Now: day("2024-07-08 09:00"),
			Rules: models.ReminderRules{FollowUpSoonDays: 3, FollowUpOverdue: true}, FollowUps: []models.FollowUp{
				{ID: 1, UnitCode: "A", Title: "加快建设", Assignee: "张三", DueDate: "2024-07-10", Status: models.FollowUpOpen},
				{ID: 2, UnitCode: "B", Title: "补报台账", Assignee: "李四", DueDate: "2024-07-07", Status: models.FollowUpAnswered},
				{ID: 3, UnitCode: "B", Title: "已办结", Assignee: "王五", DueDate: "2024-07-01", Status: models.FollowUpClosed},
				{ID: 4, UnitCode: "A", Title: "远期", Assignee: "赵六", DueDate: "2024-08-30", Status: models.FollowUpOpen},
			}}, []string{"followup_overdue:2:B", "followup_overdue:2:office", "followup_soon:1:A", "followup_soon:1:office"}},
		{"new red to the office", models.ReminderInput{Now: day("2024-07-08 09:00"), Rules: models.ReminderRules{NewRed: true},
			NewRed: []models.RedItem{{Unit: "A", Indicator: "x", IndicatorName: "快递服务站", Period: models.MustPeriod("2024-06"), Actual: "3", Expected: "10"}}},
			[]string{"new_red:2024-06:A:x"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.in.Units = units
			got := models.DueReminders(tc.in)
			var keys []string
			for _, r := range got {
				keys = append(keys, r.Key)
				if r.Title == "" || len(r.Missing) == 0 || r.Link == "" {
					t.Errorf("%s lacks title, missing or link: %+v", r.Key, r)
				}
			}
			if strings.Join(keys, ",") != strings.Join(tc.want, ",") {
				t.Errorf("keys %v, want %v", keys, tc.want)
			}
		})
	}
}

func TestReminderTextNamesUnitMonthMissingLink(t *testing.T) {
	r := models.DueReminders(models.ReminderInput{Now: time.Date(2024, 7, 5, 9, 0, 0, 0, models.ReportingZone()), Rules: models.ReminderRules{OnDeadline: true, BaseURL: "http://k/"},
		Units: []models.ReminderUnit{{Code: "A", Name: "甲县", Start: models.MustPeriod("2024-01")}}, Months: []models.Period{models.MustPeriod("2024-06")}})
	if len(r) != 1 {
		t.Fatalf("%d reminders", len(r))
	}
	text := models.ReminderText(r[0])
	for _, want := range []string{"单位：甲县", "月份：2024年6月", "月报未报送", "链接：http://k/returns?county=A&period=2024-06"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
}

func TestReminderSettingsSavedWithAuditAndSecretsRedacted(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store, p *models.Plan) {
		rs := models.ReminderSettings{Rules: models.ReminderRules{OnDeadline: true}, SMTP: models.SMTPSettings{Host: "relay", Port: 25, From: "a@b.cn", Username: "u", Password: "enc:v1:SECRETBLOB"},
			Channels: []models.ReminderChannel{{Audience: "530302", Kind: models.ChannelEmail, Target: "x@y.cn"}}}
		if err := s.SaveReminderSettings(p, rs, models.Actor{Username: "office"}, time.Now()); err != nil {
			t.Fatal(err)
		}
		got, err := s.ReminderSettings()
		if err != nil || got.SMTP.Password != rs.SMTP.Password || len(got.Channels) != 1 {
			t.Fatalf("%+v %v", got, err)
		}
		entries, _ := s.AuditEntries(models.AuditFilter{Action: models.AuditReminders})
		if len(entries) != 1 || strings.Contains(entries[0].After, "SECRETBLOB") || !strings.Contains(entries[0].After, "(encrypted)") {
			t.Fatalf("audit %+v", entries)
		}
		bad := rs
		bad.Channels = []models.ReminderChannel{{Audience: "nowhere", Kind: models.ChannelWeCom, Target: "http://x"}}
		if err := s.SaveReminderSettings(p, bad, models.Actor{Username: "office"}, time.Now()); models.ErrorCode(err) != models.EInvalid {
			t.Fatalf("bad audience: %v", err)
		}
		if entries, _ := s.AuditEntries(models.AuditFilter{Action: models.AuditReminders}); len(entries) != 1 {
			t.Fatalf("refused change audited: %d", len(entries))
		}
	})
}
