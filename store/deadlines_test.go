package store

import (
	"testing"
	"time"

	"ruralkpi/models"
)

func cst(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, models.ReportingZone())
	if err != nil {
		panic(err)
	}
	return t
}

func TestDefaultDeadline(t *testing.T) {
	tests := []struct{ period, want string }{
		{"2024-06", "2024-07-05"},
		{"2024-12", "2025-01-05"},
		{"2023-08", "2023-09-05"},
	}
	for _, tt := range tests {
		t.Run(tt.period, func(t *testing.T) {
			if got := models.DefaultDeadline(models.MustPeriod(tt.period)).Format("2006-01-02"); got != tt.want {
				t.Errorf("DefaultDeadline(%s) = %s, want %s", tt.period, got, tt.want)
			}
		})
	}
}

func TestCanSubmit(t *testing.T) {
	june := models.MustPeriod("2024-06")
	base := models.SubmitCheck{Period: june, UnitStart: models.MustPeriod("2023-08"), Deadline: models.DefaultDeadline(june), LockAfterDays: 10}
	tests := []struct {
		name   string
		change func(c *models.SubmitCheck)
		want   bool
	}{
		{"during the month", func(c *models.SubmitCheck) { c.Now = cst("2024-06-20 10:00") }, true},
		{"before the month starts", func(c *models.SubmitCheck) { c.Now = cst("2024-05-31 23:59") }, false},
		{"on the deadline day", func(c *models.SubmitCheck) { c.Now = cst("2024-07-05 23:59") }, true},
		{"late but before the lock", func(c *models.SubmitCheck) { c.Now = cst("2024-07-15 23:59") }, true},
		{"locked: deadline day + 10 days have ended", func(c *models.SubmitCheck) { c.Now = cst("2024-07-16 00:00") }, false},
		{"locked but reopened", func(c *models.SubmitCheck) { c.Now = cst("2024-09-01 00:00"); c.Reopened = true }, true},
		{"locked but the office returned it", func(c *models.SubmitCheck) { c.Now = cst("2024-09-01 00:00"); c.LatestStatus = models.StatusReturned }, true},
		{"locked and approved", func(c *models.SubmitCheck) { c.Now = cst("2024-09-01 00:00"); c.LatestStatus = models.StatusApproved }, false},
		{"never locks", func(c *models.SubmitCheck) { c.Now = cst("2025-09-01 00:00"); c.LockAfterDays = -1 }, true},
		{"lock on the deadline day's end", func(c *models.SubmitCheck) { c.Now = cst("2024-07-06 00:00"); c.LockAfterDays = 0 }, false},
		{"before the unit starts reporting", func(c *models.SubmitCheck) {
			c.Now = cst("2024-06-20 10:00")
			c.UnitStart = models.MustPeriod("2024-07")
		}, false},
		{"office moved the deadline later", func(c *models.SubmitCheck) { c.Now = cst("2024-07-20 10:00"); c.Deadline = cst("2024-07-10 00:00") }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := base
			tt.change(&c)
			ok, why := models.CanSubmit(c)
			if ok != tt.want {
				t.Errorf("CanSubmit = %v (%q), want %v", ok, why, tt.want)
			}
			if !ok && why == "" {
				t.Error("a refusal must say why")
			}
		})
	}
}

func TestClassifyTimeliness(t *testing.T) {
	june := models.MustPeriod("2024-06")
	deadline := models.DefaultDeadline(june)
	at := func(s string) *time.Time { v := cst(s); return &v }
	tests := []struct {
		name  string
		start string
		first *time.Time
		now   string
		want  models.Timeliness
	}{
		{"on time", "2023-08", at("2024-07-03 09:00"), "2024-08-01 00:00", models.OnTime},
		{"last minute of the deadline day", "2023-08", at("2024-07-05 23:59"), "2024-08-01 00:00", models.OnTime},
		{"late", "2023-08", at("2024-07-06 00:00"), "2024-08-01 00:00", models.Late},
		{"missing after the deadline", "2023-08", nil, "2024-07-06 00:00", models.Missing},
		{"not yet due", "2023-08", nil, "2024-07-05 12:00", models.NotYetDue},
		{"unit starts later", "2024-07", nil, "2024-08-01 00:00", models.NotExpected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := models.ClassifyTimeliness(june, models.MustPeriod(tt.start), deadline, tt.first, cst(tt.now)); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestReportingMonths(t *testing.T) {
	got := models.ReportingMonths(models.MustPeriod("2023-08"), models.MustPeriod("2025-12"), cst("2024-01-10 00:00"))
	if len(got) != 5 || got[0].String() != "2023-08" || got[4].String() != "2023-12" {
		t.Errorf("months = %v", got)
	}
	if got := models.ReportingMonths(models.MustPeriod("2023-08"), models.MustPeriod("2025-12"), cst("2027-01-10 00:00")); got[len(got)-1].String() != "2025-12" {
		t.Errorf("capped at the plan's end: %v", got[len(got)-1])
	}
}

func TestSubmitCheckFromStore(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store, p *models.Plan) {
		june := models.MustPeriod("2024-06")
		now := cst("2024-08-01 10:00")
		c, err := s.SubmitCheck(p, "530302", june, now)
		if err != nil {
			t.Fatal(err)
		}
		if ok, _ := models.CanSubmit(c); ok {
			t.Fatal("2024-06 should be locked on 2024-08-01 with the default 10 days")
		}
		if _, err := s.Reopen("530302", june, "  ", models.Actor{Username: "office"}, now); models.ErrorCode(err) != models.EInvalid {
			t.Errorf("reopen without a reason: %v, want invalid", err)
		}
		if _, err := s.Reopen("530302", june, "数据更正", models.Actor{Username: "office"}, now); err != nil {
			t.Fatal(err)
		}
		c, err = s.SubmitCheck(p, "530302", june, now)
		if err != nil {
			t.Fatal(err)
		}
		if ok, why := models.CanSubmit(c); !ok {
			t.Errorf("reopened month refused: %s", why)
		}
		other, _ := s.SubmitCheck(p, "530303", june, now)
		if ok, _ := models.CanSubmit(other); ok {
			t.Error("reopening one unit must not reopen another")
		}
		later, _ := s.SubmitCheck(p, "530302", june, now.Add(models.ReopenLifetime))
		if ok, _ := models.CanSubmit(later); ok {
			t.Error("a reopening must expire")
		}
		if err := s.SetDeadline(june, cst("2024-07-31 00:00"), models.Actor{Username: "office"}, now); err != nil {
			t.Fatal(err)
		}
		if err := s.SetLockAfterDays(5, models.Actor{Username: "office"}, now); err != nil {
			t.Fatal(err)
		}
		c, _ = s.SubmitCheck(p, "530303", june, now)
		if ok, why := models.CanSubmit(c); !ok {
			t.Errorf("deadline moved to 07-31 + 5 days: still open on 08-01, got %s", why)
		}
	})
}

// BenchmarkTimelinessGrid classifies ten units over the whole 29-month plan, as the board does.
func BenchmarkTimelinessGrid(b *testing.B) {
	units := []string{"u0", "u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9"}
	starts := map[string]models.Period{}
	subs := map[string]map[string]models.Submission{}
	months := models.PeriodsBetween(models.MustPeriod("2023-08"), models.MustPeriod("2025-12"))
	for i, u := range units {
		starts[u] = models.MustPeriod("2023-08")
		subs[u] = map[string]models.Submission{}
		for j, m := range months {
			if (i+j)%7 != 0 {
				subs[u][m.String()] = models.Submission{FirstUpload: models.DefaultDeadline(m).AddDate(0, 0, (i+j)%3-1)}
			}
		}
	}
	now := cst("2026-02-01 00:00")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		models.TimelinessGrid(units, starts, months, nil, subs, now)
	}
}
