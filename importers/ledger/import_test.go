package ledger

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ruralkpi/importers/xlsx"
	"ruralkpi/internal/testkit"
	"ruralkpi/internal/teststore"
	"ruralkpi/models"
	"ruralkpi/store"
)

// testNow is the clock of the test imports: 10 July 2024, when June 2024 is open.
var testNow = time.Date(2024, 7, 10, 9, 0, 0, 0, time.UTC)

func TestImportLedger(t *testing.T) {
	st := teststore.Open(t, filepath.Join(t.TempDir(), "t.db"))
	var vs []models.AdminVillage
	for _, v := range []Village{{Township: "越州镇", Name: "潇湘村"}, {Township: "越州镇", Name: "哨湾村"}} {
		vs = append(vs, models.AdminVillage{Township: v.Township, Name: v.Name})
	}
	if err := st.ReplaceAdminVillages("530302", vs, "test", models.Actor{Username: "test"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	closed := ledgerGoodRow("P003")
	closed[5], closed[6] = "已裁撤", "2024-02-01"
	good := ledgerTestWorkbook(t, ledgerGenHeader(), []ledgerTestRow{ledgerGoodRow("P001"), ledgerGoodRow("P002"), closed})
	bad := ledgerTestWorkbook(t, ledgerGenHeader(), []ledgerTestRow{ledgerGoodRow("P001"), ledgerGoodRow("P001")})
	plan := testkit.Plan(t)
	req := func(dry bool) Request {
		return Request{UnitCode: "530302", Period: models.MustPeriod("2024-06"), FileName: "台账.xlsx",
			DryRun: dry, Limits: xlsx.DefaultLimits(), TempDir: t.TempDir(), Plan: plan, Now: testNow}
	}
	snapshots := func() int {
		s, err := st.LedgerSnapshots("530302")
		if err != nil {
			t.Fatal(err)
		}
		return len(s)
	}
	t.Run("the import takes its time from the request, never from the wall clock", func(t *testing.T) {
		r := req(false)
		r.Now, r.IgnoreLock = time.Time{}, true // no month lock to refuse it for another reason
		if res, err := Import(st, bytes.NewReader(good), r); err == nil || res.Stored || snapshots() != 0 {
			t.Fatalf("a ledger without the time of its upload was taken: %+v %v", res, err)
		}
	})
	t.Run("refused ledger stores nothing", func(t *testing.T) {
		res, err := Import(st, bytes.NewReader(bad), req(false))
		if err != nil {
			t.Fatal(err)
		}
		if res.Stored || len(res.Problems) != 1 || res.Points != 0 || snapshots() != 0 {
			t.Fatalf("got %+v", res)
		}
	})
	t.Run("dry run stores nothing but computes", func(t *testing.T) {
		res, err := Import(st, bytes.NewReader(good), req(true))
		if err != nil {
			t.Fatal(err)
		}
		if res.Stored || res.Points != 3 || res.Indicators[models.IndServicePoints] != 2 || snapshots() != 0 {
			t.Fatalf("got %+v", res)
		}
	})
	t.Run("good ledger is stored with its indicators", func(t *testing.T) {
		res, err := Import(st, bytes.NewReader(good), req(false))
		if err != nil {
			t.Fatal(err)
		}
		if !res.Stored || res.Snapshot.Points != 3 || res.Indicators[models.IndStationsClosed] != 1 || res.Indicators[models.IndIncome10k] != 2 {
			t.Fatalf("got %+v", res)
		}
		pts, err := st.LedgerPoints(res.Snapshot.ID)
		if err != nil || len(pts) != 3 || pts[2].Status != models.LedgerClosed {
			t.Fatalf("stored %+v, %v", pts, err)
		}
		// The request's clock (testNow, 10 July 2024) dates the snapshot and its audit entry.
		if !res.Snapshot.UploadedAt.Equal(testNow) {
			t.Errorf("snapshot uploaded at %v, want the request's %v", res.Snapshot.UploadedAt, testNow)
		}
		entries, err := st.AuditEntries(models.AuditFilter{Action: models.AuditLedgerUpload})
		if err != nil || len(entries) != 1 || !entries[0].At.Equal(testNow) {
			t.Errorf("audit entries %+v, %v: want one ledger upload at %v", entries, err, testNow)
		}
	})
	t.Run("a dry run with Diff compares with the stored snapshot and stores nothing", func(t *testing.T) {
		r := req(true)
		r.Diff = true
		next := ledgerTestWorkbook(t, ledgerGenHeader(), []ledgerTestRow{ledgerGoodRow("P001"), ledgerGoodRow("P002"), closed, ledgerGoodRow("P004")})
		res, err := Import(st, bytes.NewReader(next), r)
		if err != nil {
			t.Fatal(err)
		}
		if !res.HasDiff || res.Diff.Added != 1 || res.Diff.Missing != 0 || res.Diff.Changed != 0 || res.Stored || snapshots() != 1 {
			t.Fatalf("got %+v", res)
		}
	})
	t.Run("Diff needs a store that can compare", func(t *testing.T) {
		r := req(true)
		r.Diff = true
		if _, err := Import(villagesOnly{st}, bytes.NewReader(good), r); err == nil {
			t.Fatal("no error")
		}
	})
	t.Run("the same file twice is refused", func(t *testing.T) {
		_, err := Import(st, bytes.NewReader(good), req(false))
		if !errors.Is(err, models.ErrDuplicateFile) {
			t.Fatalf("got %v", err)
		}
		if snapshots() != 1 {
			t.Fatal("a second snapshot was stored")
		}
	})
}

// villagesOnly is a Store that cannot compare ledgers.
type villagesOnly struct{ st *store.Store }

func (v villagesOnly) AdminVillages(unit string) ([]models.AdminVillage, error) {
	return v.st.AdminVillages(unit)
}

func (v villagesOnly) SaveLedgerSnapshot(ns store.NewLedgerSnapshot) (models.LedgerSnapshot, error) {
	return v.st.SaveLedgerSnapshot(ns)
}

func (v villagesOnly) LedgerSubmitCheck(p *models.Plan, unit string, period models.Period, now time.Time) (models.SubmitCheck, error) {
	return v.st.LedgerSubmitCheck(p, unit, period, now)
}

// openAtFirst answers the check before the file is read as if the month were open, so that only
// the check inside the write transaction stands between a locked month and the store.
type openAtFirst struct{ *store.Store }

func (o openAtFirst) LedgerSubmitCheck(p *models.Plan, unit string, period models.Period, now time.Time) (models.SubmitCheck, error) {
	return models.SubmitCheck{Period: period, UnitStart: period, LockAfterDays: -1, Now: now}, nil
}

// TestImportLedgerObeysMonthLock: a ledger is let in by the rule of returns (deadline, lock,
// reopening, a returned upload), on a dry run too, and checked again where it is written.
func TestImportLedgerObeysMonthLock(t *testing.T) {
	plan := testkit.Plan(t)
	st := teststore.Open(t, filepath.Join(t.TempDir(), "t.db"))
	august := time.Date(2024, 8, 1, 9, 0, 0, 0, models.ReportingZone()) // June locked at the end of 15 July
	file := func(code string) []byte {
		return ledgerTestWorkbook(t, ledgerGenHeader(), []ledgerTestRow{ledgerGoodRow(code)})
	}
	req := func(period string, dry bool, now time.Time) Request {
		return Request{UnitCode: "530302", Period: models.MustPeriod(period), FileName: "台账.xlsx", UploadedBy: "county-530302",
			DryRun: dry, Limits: xlsx.DefaultLimits(), TempDir: t.TempDir(), Plan: plan, Now: now}
	}
	count := func(t *testing.T, period string) int {
		t.Helper()
		snaps, err := st.LedgerSnapshots("530302")
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, s := range snaps {
			if s.Period == period {
				n++
			}
		}
		return n
	}
	overrides := func(t *testing.T) []models.AuditEntry {
		t.Helper()
		entries, err := st.AuditEntries(models.AuditFilter{Action: models.AuditLockOverride})
		if err != nil {
			t.Fatal(err)
		}
		return entries
	}
	const locked = "2024年6月网点台账已于2024年7月15日锁定，如需补报或更正，请联系工作专班办公室重新开放。"

	for _, dry := range []bool{true, false} {
		t.Run("a locked month is refused, dry run "+map[bool]string{true: "too", false: "or not"}[dry], func(t *testing.T) {
			_, err := Import(st, bytes.NewReader(file("P001")), req("2024-06", dry, august))
			if models.ErrorCode(err) != models.EConflict || models.ErrorMessage(err) != locked {
				t.Fatalf("got %v", err)
			}
			if count(t, "2024-06") != 0 {
				t.Fatal("stored")
			}
		})
	}
	t.Run("the write transaction checks again", func(t *testing.T) {
		_, err := Import(openAtFirst{st}, bytes.NewReader(file("P001")), req("2024-06", false, august))
		if models.ErrorCode(err) != models.EConflict || !strings.Contains(models.ErrorMessage(err), "锁定") {
			t.Fatalf("got %v", err)
		}
		if count(t, "2024-06") != 0 {
			t.Fatal("stored")
		}
	})
	t.Run("an open month is let in", func(t *testing.T) {
		res, err := Import(st, bytes.NewReader(file("P001")), req("2024-07", false, august))
		if err != nil || !res.Stored || res.Snapshot.Status != models.StatusSubmitted {
			t.Fatalf("got %+v %v", res.Snapshot, err)
		}
	})
	t.Run("without the plan nothing is imported", func(t *testing.T) {
		r := req("2024-07", true, august)
		r.Plan = nil
		if _, err := Import(st, bytes.NewReader(file("P002")), r); err == nil {
			t.Fatal("no error")
		}
	})
	t.Run("IgnoreLock lets it in and is audited, not on a dry run", func(t *testing.T) {
		r := req("2024-06", true, august)
		r.IgnoreLock = true
		if res, err := Import(st, bytes.NewReader(file("P001")), r); err != nil || res.Points != 1 || len(overrides(t)) != 0 {
			t.Fatalf("dry run: %+v %v, %d overrides", res, err, len(overrides(t)))
		}
		r.DryRun = false
		if res, err := Import(st, bytes.NewReader(file("P001")), r); err != nil || !res.Stored {
			t.Fatalf("got %+v %v", res, err)
		}
		got := overrides(t)
		if len(got) != 1 || got[0].Actor != "county-530302" || got[0].Subject != "530302 2024-06 网点台账" || !strings.Contains(got[0].Before, "锁定") {
			t.Fatalf("overrides %+v", got)
		}
	})
	t.Run("a reopening lets a locked month in", func(t *testing.T) {
		if _, err := Import(st, bytes.NewReader(file("P001")), req("2024-05", false, august)); models.ErrorCode(err) != models.EConflict {
			t.Fatalf("May before the reopening: %v", err)
		}
		if _, err := st.Reopen("530302", models.MustPeriod("2024-05"), "补报台账", models.Actor{Username: "office"}, august); err != nil {
			t.Fatal(err)
		}
		if res, err := Import(st, bytes.NewReader(file("P001")), req("2024-05", false, august)); err != nil || !res.Stored {
			t.Fatalf("got %+v %v", res, err)
		}
	})
	t.Run("a returned snapshot can be corrected after the reopening is over", func(t *testing.T) {
		later := august.Add(models.ReopenLifetime + time.Hour)
		if _, err := Import(st, bytes.NewReader(file("P002")), req("2024-05", false, later)); models.ErrorCode(err) != models.EConflict {
			t.Fatalf("after the reopening: %v", err)
		}
		snaps, _ := st.LedgerSnapshots("530302")
		var may models.LedgerSnapshot
		for _, s := range snaps {
			if s.Period == "2024-05" {
				may = s
			}
		}
		if _, err := st.ReviewLedgerSnapshot(may.ID, models.DecisionReturn, "网点数不符", models.Actor{Username: "office"}, later); err != nil {
			t.Fatal(err)
		}
		if res, err := Import(st, bytes.NewReader(file("P002")), req("2024-05", false, later)); err != nil || !res.Stored || res.Snapshot.Number != 2 {
			t.Fatalf("got %+v %v", res.Snapshot, err)
		}
	})
}
