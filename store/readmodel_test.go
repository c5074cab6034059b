package store

import (
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"ruralkpi/internal/testkit"
	"testing"
	"time"

	"ruralkpi/models"
)

// sameAsFreshBuild fails unless the read model answers exactly as progress data read afresh from
// the database would.
func sameAsFreshBuild(t *testing.T, s *Store, p *models.Plan) {
	t.Helper()
	snap, err := s.Progress(p)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := s.Dataset(p.EndPeriod)
	if err != nil {
		t.Fatal(err)
	}
	fresh := models.NewProgressCalculator(p, ds, models.ProgressOptions{})
	for _, per := range []string{"2023-12", "2024-03", "2024-04", "2024-12", p.EndPeriod} {
		period := models.MustPeriod(per)
		if got, want := snap.Calc.All(period), fresh.All(period); !reflect.DeepEqual(got, want) {
			for i := range got {
				if !reflect.DeepEqual(got[i], want[i]) {
					t.Fatalf("%s: read model has %+v\nfresh build has %+v", per, got[i], want[i])
				}
			}
			t.Fatalf("%s: read model differs from a fresh build", per)
		}
		for _, u := range p.ReportingUnits() {
			want := fresh.ForScope(u.Code, period)
			if got := snap.Calc.ForScope(u.Code, period); !reflect.DeepEqual(got, want) {
				t.Fatalf("%s %s: read model differs from a fresh build", u.Code, per)
			}
			// What the snapshot keeps (asked for here before each write, so carried over it for the
			// units it did not touch) is what a fresh build computes.
			if got := snap.ScopeProgress(u.Code, period); !reflect.DeepEqual(got, want) {
				t.Fatalf("%s %s: the progress the snapshot keeps differs from a fresh build", u.Code, per)
			}
		}
	}
	gotSubs, err := s.Submissions()
	if err != nil {
		t.Fatal(err)
	}
	wantSubs, err := s.readSubmissions("", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotSubs, wantSubs) {
		for u := range wantSubs {
			for m := range wantSubs[u] {
				if gotSubs[u][m] != wantSubs[u][m] {
					t.Fatalf("submission of %s %s: read model has %+v, the database %+v", u, m, gotSubs[u][m], wantSubs[u][m])
				}
			}
		}
		t.Fatal("the read model's submissions differ from the database's")
	}
	gl, gok := snap.Calc.LatestPeriod()
	wl, wok := fresh.LatestPeriod()
	if gl != wl || gok != wok {
		t.Fatalf("latest month %v %v, fresh build %v %v", gl, gok, wl, wok)
	}
}

// Every write that changes progress data updates the read model (only what it touched) so that it
// answers as a fresh read of the database would, and bumps the data version; a rolled-back write
// changes nothing.
func TestReadModelFollowsEveryWrite(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store, p *models.Plan) {
		if err := s.SeedDemo(p); err != nil {
			t.Fatal(err)
		}
		if err := s.StartReadModel(p); err != nil {
			t.Fatal(err)
		}
		sameAsFreshBuild(t, s, p)
		by, now := models.Actor{Username: "office"}, time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
		var newest models.ReturnVersion
		writes := []struct {
			name  string
			write func() error
		}{
			{"a new version of a return", func() (err error) {
				newest, err = s.SaveVersion(models.NewVersion{UnitCode: "530302", Period: "2024-04", Source: models.SourceUpload, File: []byte("v2"),
					Values: []models.ReturnValue{{Indicator: models.IndServicePoints, Value: 999}, {Indicator: "outbound_parcels", Value: 5}}})
				return err
			}},
			{"a return of a new month", func() error {
				_, err := s.SaveVersion(models.NewVersion{UnitCode: "530303", Period: "2025-11", Source: models.SourceUpload, File: []byte("late"),
					Values: []models.ReturnValue{{Indicator: models.IndServicePoints, Value: 1}}})
				return err
			}},
			{"a review", func() error {
				_, err := s.ReviewVersion(newest.ID, models.DecisionApprove, "", by, now)
				return err
			}},
			{"a ledger snapshot", func() error {
				_, err := s.SaveLedgerSnapshot(NewLedgerSnapshot{UnitCode: "530302", Period: "2024-04", File: []byte("ledger"),
					Indicators: `{"service_points": 120, "pfm_fused_points": 40}`, Points: ledgerTestPoints(3)})
				return err
			}},
			{"the ledger source", func() error {
				return s.SetLedgerSource(models.IndServicePoints, models.LedgerSourceReturn, by, now)
			}},
			{"a target", func() error { return s.SetTarget(p, models.IndServicePoints, 2024, 4321, by, now) }},
			{"allocations", func() error {
				_, err := s.SetAllocations([]models.AllocationInput{{Indicator: models.IndServicePoints, Year: 2024, UnitCode: "530302", Value: 700},
					{Indicator: "outbound_parcels", Year: 2024, UnitCode: "530303", Value: 1}}, by, now)
				return err
			}},
			{"a tolerance", func() error { _, err := s.SetTolerance(models.IndServicePoints, 0.5, by, now); return err }},
			{"village counts", func() error {
				return s.ReplaceAdminVillages("530302", []models.AdminVillage{{Township: "越州镇", Name: "甲村"}, {Township: "越州镇", Name: "乙村"}}, "v.xlsx", by, now)
			}},
			{"versions in one transaction", func() error {
				return s.SaveVersions([]models.NewVersion{
					{UnitCode: "530304", Period: "2024-03", Source: models.SourceUpload, Values: []models.ReturnValue{{Indicator: models.IndServicePoints, Value: 3}}},
					{UnitCode: "530304", Period: "2024-04", Source: models.SourceUpload, Values: []models.ReturnValue{{Indicator: models.IndServicePoints, Value: 4}}},
					{UnitCode: "530381", Period: "2024-04", Source: models.SourceUpload, Values: []models.ReturnValue{{Indicator: models.IndServicePoints, Value: 5}}},
				})
			}},
			{"a deadline (on the briefing)", func() error {
				return s.SetDeadline(models.MustPeriod("2024-04"), time.Date(2024, 5, 9, 0, 0, 0, 0, models.ReportingZone()), by, now)
			}},
			{"a follow-up opened and answered (on the briefing)", func() error {
				f, err := s.OpenFollowUp(p, models.NewFollowUp{UnitCode: "530302", Indicator: models.IndServicePoints, Title: "加快建设", Assignee: "某某",
					DueDate: "2024-06-30"}, by, now)
				if err != nil {
					return err
				}
				_, err = s.AnswerFollowUp(f.ID, "已推进", by, now)
				return err
			}},
			{"a version inside InTransaction (the importer's path)", func() error {
				return s.InTransaction(func(tx *Store) error {
					_, err := tx.SaveVersion(models.NewVersion{UnitCode: "530325", Period: "2024-04", Source: models.SourceUpload,
						Values: []models.ReturnValue{{Indicator: models.IndServicePoints, Value: 55}}})
					return err
				})
			}},
		}
		for _, w := range writes {
			t.Run(w.name, func(t *testing.T) {
				before, _ := s.Progress(p)
				if err := w.write(); err != nil {
					t.Fatal(err)
				}
				after, _ := s.Progress(p)
				if after.Version <= before.Version {
					t.Errorf("data version %d after the write, %d before: cached pages would be stale", after.Version, before.Version)
				}
				sameAsFreshBuild(t, s, p)
			})
		}
		t.Run("a rolled-back write changes nothing", func(t *testing.T) {
			before, _ := s.Progress(p)
			boom := errors.New("boom")
			err := s.InTransaction(func(tx *Store) error {
				if _, err := tx.SaveVersion(models.NewVersion{UnitCode: "530326", Period: "2024-04", Source: models.SourceUpload,
					Values: []models.ReturnValue{{Indicator: models.IndServicePoints, Value: 66}}}); err != nil {
					return err
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatal(err)
			}
			if after, _ := s.Progress(p); after != before {
				t.Error("a rolled-back write replaced the read model's state")
			}
			sameAsFreshBuild(t, s, p)
		})
		t.Run("a build at start reads the same (ledger months included)", func(t *testing.T) {
			restarted := &Store{db: s.db}
			if err := restarted.StartReadModel(p); err != nil {
				t.Fatal(err)
			}
			sameAsFreshBuild(t, restarted, p)
		})
	})
}

// Writes by another process (a CLI import into the database a server uses) reach the server's read
// model through the change log; the server's own writes are not applied twice.
func TestReadModelWatchesTheChangeLog(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, path string) {
		p := testkit.Plan(t)
		server, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = server.Close() })
		if err := server.SeedPlan(p); err != nil {
			t.Fatal(err)
		}
		if err := server.StartReadModel(p); err != nil {
			t.Fatal(err)
		}
		server.rm.watching = true
		cli, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cli.Close() })
		if _, err := cli.SaveVersion(models.NewVersion{UnitCode: "530302", Period: "2024-02", Source: models.SourceUpload,
			Values: []models.ReturnValue{{Indicator: models.IndServicePoints, Value: 42}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := server.SaveVersion(models.NewVersion{UnitCode: "530303", Period: "2024-02", Source: models.SourceUpload,
			Values: []models.ReturnValue{{Indicator: models.IndServicePoints, Value: 7}}}); err != nil {
			t.Fatal(err)
		}
		snap, _ := server.Progress(p)
		if got := snap.Calc.Progress(models.IndServicePoints, "530302", models.MustPeriod("2024-02")); got.HasActual {
			t.Fatal("the other process's write is visible before the change log was read")
		}
		if err := server.rm.poll(server, time.Now()); err != nil {
			t.Fatal(err)
		}
		after, _ := server.Progress(p)
		if got := after.Calc.Progress(models.IndServicePoints, "530302", models.MustPeriod("2024-02")); !got.HasActual || got.Actual != 42 {
			t.Errorf("after reading the change log: %+v, want 42", got)
		}
		if after.Version != snap.Version+1 {
			t.Errorf("version %d → %d: want one update (the server's own write is not applied again)", snap.Version, after.Version)
		}
		sameAsFreshBuild(t, server, p)
	})
}

// The change log is pruned of the rows every live reader has read, so that it stays bounded; a
// reader silent too long no longer holds rows back, and when it comes back it rebuilds rather than
// miss the changes pruned meanwhile.
func TestChangeLogIsPruned(t *testing.T) {
	p := testkit.Plan(t)
	path := filepath.Join(t.TempDir(), "shared.db")
	open := func() *Store {
		s, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
	a, b, cli := open(), open(), open()
	if err := a.SeedPlan(p); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for _, s := range []*Store{a, b} {
		if err := s.StartReadModel(p); err != nil {
			t.Fatal(err)
		}
		s.rm.watching = true
		if err := s.rm.poll(s, now); err != nil {
			t.Fatal(err)
		}
	}
	files := 0
	write := func(n int) {
		t.Helper()
		for k := range n {
			files++
			if _, err := cli.SaveVersion(models.NewVersion{UnitCode: "530302", Period: "2024-02", Source: models.SourceUpload,
				File: fmt.Appendf(nil, "file %d", files), Values: []models.ReturnValue{{Indicator: models.IndServicePoints, Value: float64(100 + k)}}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	rows := func() int64 {
		t.Helper()
		var n int64
		if err := cli.db.Model(&models.DataChange{}).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	poll := func(s *Store, at time.Time) {
		t.Helper()
		if err := s.rm.poll(s, at); err != nil {
			t.Fatal(err)
		}
	}
	write(5)
	poll(a, now)
	if n := rows(); n < 5 {
		t.Fatalf("%d rows left while reader b has read none of the 5", n)
	}
	poll(b, now)
	if n := rows(); n != 1 {
		t.Fatalf("%d rows left once every reader has read them, want 1 (the newest is kept)", n)
	}
	for range 20 {
		write(3)
		poll(a, now)
		poll(b, now)
	}
	if n := rows(); n != 1 {
		t.Fatalf("%d rows after 60 writes read by both readers: the log is not bounded", n)
	}

	t.Run("a reader silent too long is dropped and rebuilds", func(t *testing.T) {
		write(4) // b does not read these
		later := now.Add(readerStaleAfter + time.Minute)
		poll(a, later)
		if n := rows(); n != 1 {
			t.Fatalf("%d rows left: a silent reader still holds the log back", n)
		}
		before, _ := b.Progress(p)
		poll(b, later)
		after, _ := b.Progress(p)
		if got := after.Calc.Progress(models.IndServicePoints, "530302", models.MustPeriod("2024-02")); got.Actual != 103 {
			t.Errorf("after coming back: %v, want 103 (the newest version, pruned from the log before b read it)", got.Actual)
		}
		if after.Version <= before.Version {
			t.Error("the rebuild did not bump the data version")
		}
		sameAsFreshBuild(t, b, p)
		write(2)
		poll(b, later)
		if got, _ := b.Progress(p); got.Calc.Progress(models.IndServicePoints, "530302", models.MustPeriod("2024-02")).Actual != 101 {
			t.Error("b no longer follows the log after its rebuild")
		}
	})
}
