package store

import (
	"testing"
	"time"

	"ruralkpi/internal/testkit"
	"ruralkpi/models"
)

func TestClockAtReadsTheDayAndRunsOn(t *testing.T) {
	day, err := models.ParseToday(models.DemoToday)
	if err != nil {
		t.Fatal(err)
	}
	wall := time.Date(2026, 12, 1, 19, 30, 0, 0, time.UTC)
	clock := models.ClockAt(day, func() time.Time { return wall })
	got := clock().In(models.ReportingZone())
	if got.Format("2006-01-02 15:04") != "2025-10-04 03:30" {
		t.Errorf("clock reads %v, want the demo day at the wall's time of day", got)
	}
	wall = wall.Add(time.Hour)
	if d := clock().Sub(got); d != time.Hour {
		t.Errorf("clock advanced %v with the wall's hour", d)
	}
	if models.ReportingMonth(got) != models.MustPeriod("2025-09") {
		t.Errorf("collecting %v on the demo day", models.ReportingMonth(got))
	}
	if _, err := models.ParseToday("2025-13-01"); err == nil {
		t.Error("a bad --today was accepted")
	}
}

// TestDemoAsOfTellsSeptembersStory: on the demo day the month being collected is half filed.
func TestDemoAsOfTellsSeptembersStory(t *testing.T) {
	p := testkit.Plan(t)
	full, err := models.GenerateDemo(p, 2023)
	if err != nil {
		t.Fatal(err)
	}
	day, _ := models.ParseToday(models.DemoToday)
	d := full.AsOf(day)
	versions := map[string][]models.NewVersion{}
	for _, v := range d.Versions {
		if v.Period > "2025-09" {
			t.Fatalf("%s %s filed after the demo day", v.UnitCode, v.Period)
		}
		if v.UploadedAt.After(day.Add(24 * time.Hour)) {
			t.Errorf("%s %s uploaded %v, after the demo day", v.UnitCode, v.Period, v.UploadedAt)
		}
		if v.Status == models.StatusApproved || v.Status == models.StatusReturned {
			if v.ReviewedBy == "" || v.ReviewedAt == nil {
				t.Errorf("%s %s %s has no reviewer", v.UnitCode, v.Period, v.Status)
			}
		}
		if v.Status == models.StatusReturned && v.ReviewNote == "" {
			t.Errorf("%s %s returned without a reason", v.UnitCode, v.Period)
		}
		versions[v.UnitCode+" "+v.Period] = append(versions[v.UnitCode+" "+v.Period], v)
	}
	filed := 0
	for _, u := range p.ReportingUnits() {
		vs := versions[u.Code+" 2025-09"]
		if len(vs) > 0 {
			filed++
			if last := vs[len(vs)-1]; last.Status != models.StatusSubmitted {
				t.Errorf("%s September is %s, want waiting for review", u.Code, last.Status)
			}
		}
	}
	if n := len(p.ReportingUnits()) - filed; n != 2 {
		t.Errorf("%d units have not filed September, want 2", n)
	}
	if vs := versions["530326 2025-09"]; len(vs) != 0 {
		t.Error("会泽县 has filed September: the README's clerk has nothing to upload")
	}
	if vs := versions[demoReturnedUnit+" 2025-09"]; len(vs) != 2 || vs[0].Status != models.StatusReturned {
		t.Errorf("富源县 September: %d versions, want one returned and one re-filed", len(vs))
	}
	aug := versions[demoLateUnit+" 2025-08"]
	if len(aug) == 0 || !aug[0].UploadedAt.After(models.DayEnd(models.DefaultDeadline(models.MustPeriod("2025-08")))) {
		t.Error("罗平县 August was not filed late")
	}
	if got := full.AsOf(time.Time{}); len(got.Versions) != len(full.Versions) {
		t.Error("no day should keep the whole demo")
	}
}

// TestSeedDemoAsOfShowsEveryFeature: follow-ups in every state, ledgers reviewed and waiting, village
// lists, notes, and no audit entries (the demo is set-up, nobody's change).
func TestSeedDemoAsOfShowsEveryFeature(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store, p *models.Plan) {
		day, _ := models.ParseToday(models.DemoToday)
		if err := s.SeedDemoAsOf(p, day); err != nil {
			t.Fatal(err)
		}
		fs, err := s.FollowUps("")
		if err != nil {
			t.Fatal(err)
		}
		states := map[string]int{}
		overdue := 0
		for _, f := range fs {
			states[f.Status]++
			if models.FollowUpOverdue(f, day.Add(10*time.Hour)) {
				overdue++
			}
		}
		if states[models.FollowUpOpen] == 0 || states[models.FollowUpAnswered] == 0 || states[models.FollowUpClosed] == 0 || overdue == 0 {
			t.Errorf("follow-ups by state %v, %d overdue: want open, answered, closed and an overdue one", states, overdue)
		}
		var snaps []models.LedgerSnapshot
		s.db.Find(&snaps)
		reviewed := map[string]int{}
		for _, sn := range snaps {
			reviewed[sn.Status]++
			if sn.Points == 0 {
				t.Errorf("ledger %s %s has no points", sn.UnitCode, sn.Period)
			}
		}
		if reviewed[models.StatusApproved] == 0 || reviewed[models.StatusSubmitted] == 0 {
			t.Errorf("ledger snapshots by state %v: want approved and waiting", reviewed)
		}
		for _, sn := range snaps {
			cmp, _, err := s.CompareSnapshot(sn)
			if err != nil {
				t.Fatal(err)
			}
			differs := false
			var diffs []models.LedgerComparison
			for _, c := range cmp {
				if c.Mismatch {
					differs = true
					diffs = append(diffs, c)
				}
			}
			if want := sn.Status == models.StatusSubmitted; differs != want {
				t.Errorf("ledger %s %s differs from its return: %v, want %v (%+v)", sn.UnitCode, sn.Period, differs, want, diffs)
			}
		}
		if vs, _ := s.AdminVillages("530326"); len(vs) != 280 {
			t.Errorf("会泽县 village list has %d villages", len(vs))
		}
		var notes int64
		s.db.Model(&models.ReturnValue{}).Where("note <> ''").Count(&notes)
		if notes < 2 {
			t.Errorf("%d figures carry a note", notes)
		}
		var audits int64
		s.db.Model(&models.AuditEntry{}).Count(&audits)
		if audits != 0 {
			t.Errorf("the demo wrote %d audit entries", audits)
		}
	})
}
