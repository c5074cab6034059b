package models

import (
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// TestLedgerSubmitCheck: a ledger's month is judged with its return's deadline, lock and
// reopenings, but with the newest snapshot's status, and the refusal names the ledger.
func TestLedgerSubmitCheck(t *testing.T) {
	s := openLedgerTestStore(t)
	p := &Plan{StartPeriod: "2023-08", Root: Unit{Code: "530300"}}
	june := MustPeriod("2024-06")
	late := time.Date(2024, 9, 1, 0, 0, 0, 0, ReportingZone())
	check := func(t *testing.T) (bool, string) {
		t.Helper()
		c, err := s.LedgerSubmitCheck(p, "530302", june, late)
		if err != nil {
			t.Fatal(err)
		}
		return CanSubmit(c)
	}
	if ok, why := check(t); ok || why != "2024年6月网点台账已于2024年7月15日锁定，如需补报或更正，请联系工作专班办公室重新开放。" {
		t.Fatalf("locked: %v %q", ok, why)
	}
	// A returned return does not open the ledger: only a returned snapshot does.
	v, err := s.SaveVersion(NewVersion{UnitCode: "530302", Period: "2024-06", Source: SourceUpload})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReviewVersion(v.ID, DecisionReturn, "请更正", Actor{Username: "office"}, late); err != nil {
		t.Fatal(err)
	}
	if ok, _ := check(t); ok {
		t.Fatal("a returned return opened the ledger")
	}
	snap, err := s.SaveLedgerSnapshot(NewLedgerSnapshot{UnitCode: "530302", Period: "2024-06", Points: ledgerTestPoints(1)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReviewLedgerSnapshot(snap.ID, DecisionReturn, "请更正", Actor{Username: "office"}, late); err != nil {
		t.Fatal(err)
	}
	if ok, why := check(t); !ok {
		t.Fatalf("a returned snapshot can be corrected: %s", why)
	}
	if c, _ := s.SubmitCheck(p, "530302", june, late); c.LatestStatus != StatusReturned || c.Subject != "" {
		t.Errorf("the return's check: %+v", c)
	}
}

// TestReviewLedgerSnapshot: the office reviews the newest snapshot of a month like a version, with
// its audit entry.
func TestReviewLedgerSnapshot(t *testing.T) {
	s := openLedgerTestStore(t)
	now := time.Date(2024, 7, 10, 9, 0, 0, 0, ReportingZone())
	office := Actor{Username: "office", IP: "10.0.0.1"}
	save := func() LedgerSnapshot {
		t.Helper()
		snap, err := s.SaveLedgerSnapshot(NewLedgerSnapshot{UnitCode: "530302", Period: "2024-06", Points: ledgerTestPoints(1)})
		if err != nil {
			t.Fatal(err)
		}
		return snap
	}
	first := save()
	if first.Status != StatusSubmitted {
		t.Fatalf("a new snapshot is %q", first.Status)
	}
	second := save()
	audits := func(action string) []AuditEntry {
		t.Helper()
		e, err := s.AuditEntries(AuditFilter{Action: action})
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
		{"unknown snapshot", 999, DecisionApprove, "", ENotFound, ""},
		{"an older snapshot", first.ID, DecisionApprove, "", EConflict, ""},
		{"return without a reason", second.ID, DecisionReturn, "  ", EInvalid, ""},
		{"return with a reason", second.ID, DecisionReturn, "网点数与上月相差过大", "", StatusReturned},
		{"approve a returned snapshot", second.ID, DecisionApprove, "", EConflict, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.ReviewLedgerSnapshot(tc.id, tc.decision, tc.note, office, now)
			if tc.code != "" {
				if ErrorCode(err) != tc.code && !(tc.code == ENotFound && errors.Is(err, ErrNotFound)) {
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
	if e := audits(AuditLedgerReturn); len(e) != 1 || e[0].Subject != "530302 2024-06 台账第2版" || e[0].IP != "10.0.0.1" {
		t.Errorf("audit entries %+v", e)
	}
	third := save()
	if _, err := s.ReviewLedgerSnapshot(third.ID, DecisionApprove, "", office, now); err != nil {
		t.Fatal(err)
	}
	if e := audits(AuditLedgerApprove); len(e) != 1 {
		t.Errorf("audit entries %+v", e)
	}
	list, err := s.LedgerReviews("", 10)
	if err != nil || len(list.Pending) != 0 || len(list.Recent) != 3 || !list.Newest[third.ID] || list.Newest[second.ID] {
		t.Errorf("review list %+v %v", list, err)
	}
}

// TestLedgerFiguresCarryTheSnapshotReview is the reported case at the store: the return (80 points)
// was approved, a 3,000-point ledger was not, and the counted figure came out approved.
func TestLedgerFiguresCarryTheSnapshotReview(t *testing.T) {
	s := openLedgerTestStore(t)
	now := time.Date(2024, 4, 10, 9, 0, 0, 0, ReportingZone())
	if _, err := s.SaveVersion(NewVersion{UnitCode: "530304", Period: "2024-03", Source: SourceUpload, Status: StatusApproved,
		Values: []ReturnValue{{Indicator: IndServicePoints, Value: 80}}}); err != nil {
		t.Fatal(err)
	}
	snap, err := s.SaveLedgerSnapshot(NewLedgerSnapshot{UnitCode: "530304", Period: "2024-03", Indicators: `{"service_points": 3000}`, Points: ledgerTestPoints(1)})
	if err != nil {
		t.Fatal(err)
	}
	servicePoints := func(t *testing.T) Observation {
		t.Helper()
		ds, err := s.ProgressDataset("2024-03")
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range ds.Observations {
			if o.Unit == "530304" && o.Indicator == IndServicePoints {
				return o
			}
		}
		t.Fatal("no figure")
		return Observation{}
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
			if _, err := s.ReviewLedgerSnapshot(snap.ID, DecisionReturn, "请核对", Actor{Username: "office"}, now); err != nil {
				t.Fatal(err)
			}
		}, 3000, false, true},
		{"the office counts the return: the return's review", func(t *testing.T) {
			if err := s.SetLedgerSource(IndServicePoints, LedgerSourceReturn, Actor{Username: "office"}, now); err != nil {
				t.Fatal(err)
			}
		}, 80, true, false},
		{"a corrected ledger approved: approved", func(t *testing.T) {
			if err := s.SetLedgerSource(IndServicePoints, LedgerSourceLedger, Actor{Username: "office"}, now); err != nil {
				t.Fatal(err)
			}
			next, err := s.SaveLedgerSnapshot(NewLedgerSnapshot{UnitCode: "530304", Period: "2024-03", Indicators: `{"service_points": 95}`, Points: ledgerTestPoints(1)})
			if err != nil {
				t.Fatal(err)
			}
			snap = next
			if _, err := s.ReviewLedgerSnapshot(next.ID, DecisionApprove, "", Actor{Username: "office"}, now); err != nil {
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
}

// TestLedgerSnapshotsStoredBeforeReviewAreSubmitted: on a database from before snapshots were
// reviewed, the migration leaves every existing snapshot awaiting review, never approved.
func TestLedgerSnapshotsStoredBeforeReviewAreSubmitted(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, col := range []string{"status", "reviewed_by", "reviewed_at", "review_note"} {
		if err := s.DB.Migrator().DropColumn(&LedgerSnapshot{}, col); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DB.Exec(`INSERT INTO ledger_snapshots (unit_code, period, number, points, indicators) VALUES ('530302', '2024-06', 1, 1, '{"service_points": 5}')`).Error; err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	if s, err = Open(path); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	snaps, err := s.LedgerSnapshots("530302")
	if err != nil || len(snaps) != 1 || snaps[0].Status != StatusSubmitted {
		t.Fatalf("after migration: %+v %v", snaps, err)
	}
	figures, err := s.LedgerFiguresUpTo("2024-06")
	if err != nil || len(figures) != 1 || figures[0].Approved {
		t.Fatalf("figures %+v %v", figures, err)
	}
}
