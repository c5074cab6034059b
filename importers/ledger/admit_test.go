package ledger

import (
	"bytes"
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
