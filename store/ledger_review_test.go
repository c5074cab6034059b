package store

import (
	"errors"
	"testing"
	"time"

	"ruralkpi/models"
)

// TestLedgerSubmitCheck: a ledger's month is judged with its return's deadline, lock and
// reopenings, but with the newest snapshot's status, and the refusal names the ledger.
func TestLedgerSubmitCheck(t *testing.T) {
	forEachEmptyDB(t, func(t *testing.T, s *Store) {
		p := &models.Plan{StartPeriod: "2023-08", Root: models.Unit{Code: "530300"}}
		june := models.MustPeriod("2024-06")
		late := time.Date(2024, 9, 1, 0, 0, 0, 0, models.ReportingZone())
		check := func(t *testing.T) (bool, string) {
			t.Helper()
			c, err := s.LedgerSubmitCheck(p, "530302", june, late)
			if err != nil {
				t.Fatal(err)
			}
			return models.CanSubmit(c)
		}
		if ok, why := check(t); ok || why != "2024年6月网点台账已于2024年7月15日锁定，如需补报或更正，请联系工作专班办公室重新开放。" {
			t.Fatalf("locked: %v %q", ok, why)
		}
		// A returned return does not open the ledger: only a returned snapshot does.
		v, err := s.SaveVersion(models.NewVersion{UnitCode: "530302", Period: "2024-06", Source: models.SourceUpload})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReviewVersion(v.ID, models.DecisionReturn, "请更正", models.Actor{Username: "office"}, late); err != nil {
			t.Fatal(err)
		}
		if ok, _ := check(t); ok {
			t.Fatal("a returned return opened the ledger")
		}
		snap, err := s.SaveLedgerSnapshot(NewLedgerSnapshot{UnitCode: "530302", Period: "2024-06", Points: ledgerTestPoints(1)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReviewLedgerSnapshot(snap.ID, models.DecisionReturn, "请更正", models.Actor{Username: "office"}, late); err != nil {
			t.Fatal(err)
		}
		if ok, why := check(t); !ok {
			t.Fatalf("a returned snapshot can be corrected: %s", why)
		}
		if c, _ := s.SubmitCheck(p, "530302", june, late); c.LatestStatus != models.StatusReturned || c.Subject != "" {
			t.Errorf("the return's check: %+v", c)
		}
	})
}

// TestReviewLedgerSnapshot: the office reviews the newest snapshot of a month like a version, with
// its audit entry.
func TestReviewLedgerSnapshot(t *testing.T) {
	forEachEmptyDB(t, func(t *testing.T, s *Store) {
		now := time.Date(2024, 7, 10, 9, 0, 0, 0, models.ReportingZone())
		office := models.Actor{Username: "office", IP: "10.0.0.1"}
		save := func() models.LedgerSnapshot {
			t.Helper()
			snap, err := s.SaveLedgerSnapshot(NewLedgerSnapshot{UnitCode: "530302", Period: "2024-06", Points: ledgerTestPoints(1)})
			if err != nil {
				t.Fatal(err)
			}
			return snap
		}
		first := save()
		if first.Status != models.StatusSubmitted {
			t.Fatalf("a new snapshot is %q", first.Status)
		}
		second := save()
		audits := func(action string) []models.AuditEntry {
			t.Helper()
			e, err := s.AuditEntries(models.AuditFilter{Action: action})
			if err != nil {
				t.Fatal(err)
			}
			return e
		}
		tests := []struct {
			name           string
			id             uint
			decision, note string
			code           string // error code; "" for success
			status         string
		}{
			{"unknown snapshot", 999, models.DecisionApprove, "", models.ENotFound, ""},
			{"an older snapshot", first.ID, models.DecisionApprove, "", models.EConflict, ""},
			{"return without a reason", second.ID, models.DecisionReturn, "  ", models.EInvalid, ""},
			{"return with a reason", second.ID, models.DecisionReturn, "网点数与上月相差过大", "", models.StatusReturned},
			{"approve a returned snapshot", second.ID, models.DecisionApprove, "", models.EConflict, ""},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				got, err := s.ReviewLedgerSnapshot(tc.id, tc.decision, tc.note, office, now)
				if tc.code != "" {
					if models.ErrorCode(err) != tc.code && !(tc.code == models.ENotFound && errors.Is(err, models.ErrNotFound)) {
						t.Fatalf("got %v, want %s", err, tc.code)
					}
					return
				}
				if err != nil || got.Status != tc.status || got.ReviewedBy != "office" || got.ReviewNote != tc.note {
					t.Fatalf("got %+v %v", got, err)
				}
				stored, err := s.LedgerSnapshotByID(tc.id)
				if err != nil || stored.Status != tc.status {
					t.Fatalf("stored %+v %v", stored, err)
				}
			})
		}
		if e := audits(models.AuditLedgerReturn); len(e) != 1 || e[0].Subject != "530302 2024-06 台账第2版" || e[0].IP != "10.0.0.1" {
			t.Errorf("audit entries %+v", e)
		}
		third := save()
		if _, err := s.ReviewLedgerSnapshot(third.ID, models.DecisionApprove, "", office, now); err != nil {
			t.Fatal(err)
		}
		if e := audits(models.AuditLedgerApprove); len(e) != 1 {
			t.Errorf("audit entries %+v", e)
		}
		list, err := s.LedgerReviews("", 10)
		if err != nil || len(list.Pending) != 0 || len(list.Recent) != 3 || !list.Newest[third.ID] || list.Newest[second.ID] {
			t.Errorf("review list %+v %v", list, err)
		}
	})
}

// TestLedgerFiguresCarryTheSnapshotReview is the reported case at the store: the return (80 points)
// was approved, a 3,000-point ledger was not, and the counted figure came out approved.
func TestLedgerFiguresCarryTheSnapshotReview(t *testing.T) {
	forEachEmptyDB(t, func(t *testing.T, s *Store) {
		now := time.Date(2024, 4, 10, 9, 0, 0, 0, models.ReportingZone())
		if _, err := s.SaveVersion(models.NewVersion{UnitCode: "530304", Period: "2024-03", Source: models.SourceUpload, Status: models.StatusApproved,
			Values: []models.ReturnValue{{Indicator: models.IndServicePoints, Value: 80}}}); err != nil {
			t.Fatal(err)
		}
		snap, err := s.SaveLedgerSnapshot(NewLedgerSnapshot{UnitCode: "530304", Period: "2024-03", Indicators: `{"service_points": 3000}`, Points: ledgerTestPoints(1)})
		if err != nil {
			t.Fatal(err)
		}
		servicePoints := func(t *testing.T) models.Observation {
			t.Helper()
			ds, err := s.Dataset("2024-03")
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range ds.Observations {
				if o.Unit == "530304" && o.Indicator == models.IndServicePoints {
					return o
				}
			}
			t.Fatal("no figure")
			return models.Observation{}
		}
		steps := []struct {
			name       string
			do         func(t *testing.T)
			value      float64
			approved   bool
			fromLedger bool
		}{
			{"unreviewed ledger: counted, not approved", func(*testing.T) {}, 3000, false, true},
			{"returned ledger: still not approved", func(t *testing.T) {
				if _, err := s.ReviewLedgerSnapshot(snap.ID, models.DecisionReturn, "请核对", models.Actor{Username: "office"}, now); err != nil {
					t.Fatal(err)
				}
			}, 3000, false, true},
			{"the office counts the return: the return's review", func(t *testing.T) {
				if err := s.SetLedgerSource(models.IndServicePoints, models.LedgerSourceReturn, models.Actor{Username: "office"}, now); err != nil {
					t.Fatal(err)
				}
			}, 80, true, false},
			{"a corrected ledger approved: approved", func(t *testing.T) {
				if err := s.SetLedgerSource(models.IndServicePoints, models.LedgerSourceLedger, models.Actor{Username: "office"}, now); err != nil {
					t.Fatal(err)
				}
				next, err := s.SaveLedgerSnapshot(NewLedgerSnapshot{UnitCode: "530304", Period: "2024-03", Indicators: `{"service_points": 95}`, Points: ledgerTestPoints(1)})
				if err != nil {
					t.Fatal(err)
				}
				snap = next
				if _, err := s.ReviewLedgerSnapshot(next.ID, models.DecisionApprove, "", models.Actor{Username: "office"}, now); err != nil {
					t.Fatal(err)
				}
			}, 95, true, true},
		}
		for _, st := range steps {
			t.Run(st.name, func(t *testing.T) {
				st.do(t)
				o := servicePoints(t)
				want := uint(0)
				if st.fromLedger {
					want = snap.ID
				}
				if o.Value != st.value || o.Approved != st.approved || o.SnapshotID != want {
					t.Fatalf("got %+v, want value %v approved %v snapshot %d", o, st.value, st.approved, want)
				}
			})
		}
	})
}

// TestLedgerSnapshotsStoredBeforeReviewAreSubmitted: on a database from before snapshots were
// reviewed, the migration leaves every existing snapshot awaiting review, never approved.
func TestLedgerSnapshotsStoredBeforeReviewAreSubmitted(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, path string) {
		s, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, col := range []string{"status", "reviewed_by", "reviewed_at", "review_note"} {
			if err := s.db.Migrator().DropColumn(&models.LedgerSnapshot{}, col); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.db.Exec(`INSERT INTO ledger_snapshots (unit_code, period, number, points, indicators) VALUES ('530302', '2024-06', 1, 1, '{"service_points": 5}')`).Error; err != nil {
			t.Fatal(err)
		}
		_ = s.Close()
		if s, err = Open(path); err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		snaps, err := s.LedgerSnapshots("530302")
		if err != nil || len(snaps) != 1 || snaps[0].Status != models.StatusSubmitted {
			t.Fatalf("after migration: %+v %v", snaps, err)
		}
		figures, err := s.LedgerFiguresUpTo("2024-06")
		if err != nil || len(figures) != 1 || figures[0].Approved {
			t.Fatalf("figures %+v %v", figures, err)
		}
	})
}
