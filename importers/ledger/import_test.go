package ledger

import (
	"bytes"
	"errors"
	"path/filepath"
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
