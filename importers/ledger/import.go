package ledger

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"ruralkpi/importers"
	"ruralkpi/importers/xlsx"
	"ruralkpi/models"
	"ruralkpi/store"
)

// Store is what a ledger import needs from storage (models.Store has it).
type Store interface {
	AdminVillages(unit string) ([]models.AdminVillage, error)
	SaveLedgerSnapshot(ns store.NewLedgerSnapshot) (models.LedgerSnapshot, error)
	LedgerSubmitCheck(p *models.Plan, unit string, period models.Period, now time.Time) (models.SubmitCheck, error)
}

// Request is one ledger upload.
type Request struct {
	UnitCode   string
	Period     models.Period
	FileName   string
	UploadedBy string
	// By is who stores it and from where, for the ledger.upload audit entry stored with the snapshot.
	By models.Actor
	// DryRun validates without storing anything.
	DryRun bool
	// Diff, on a dry run, also compares the points with the unit's newest snapshot (the store must
	// be a DiffStore); the points are then staged to a scratch file as in a real import.
	Diff   bool
	Limits xlsx.Limits
	// TempDir holds the spooled upload and the staging file; empty means the system default.
	TempDir string
	// Plan and Now decide whether the month is open for the unit, by the rule of returns (importers.AdmitMonth);
	// Now is also the snapshot's upload time and its audit entry's. The caller's clock sets it (the
	// server's Config.Now, the CLI's wall clock): the import never reads the time itself, and a zero
	// Now is refused.
	Plan *models.Plan
	Now  time.Time
	// IgnoreLock lets a locked month in; only the server's CLI sets it, and the override is audited.
	IgnoreLock bool
}

// Result is the outcome of an upload: the stored snapshot (zero on a dry run or refusal),
// the derived indicators, and every problem and warning.
type Result struct {
	Snapshot   models.LedgerSnapshot
	Stored     bool
	Points     int
	Indicators map[string]float64
	Problems   []models.LedgerProblem
	Warnings   []models.LedgerProblem
	// Diff compares a clean dry run (with Request.Diff) with the previous snapshot, when HasDiff.
	Diff    models.LedgerDiffCounts
	HasDiff bool
}

// DiffStore compares staged points with the unit's newest snapshot (models.Store has it).
type DiffStore interface {
	DiffStagedLedger(unit, period string, st *store.LedgerStaging) (models.LedgerDiffCounts, bool, error)
}

// Import reads, validates and (unless a dry run, and only when nothing is wrong) stores a
// unit's ledger as its next snapshot for the month. The upload is spooled to a temporary file and
// valid points go to a staging file as they are read, so memory stays flat whatever the ledger's
// size; the one write transaction comes last and only copies.
func Import(st Store, r io.Reader, req Request) (Result, error) {
	spool, size, err := spoolLedger(r, req)
	if err != nil {
		return Result{}, err
	}
	defer os.Remove(spool.Name())
	defer spool.Close()
	return ImportAt(st, spool, size, req)
}

// ImportAt is Import for an upload already on disk (the web server spools every upload
// as it arrives), read at offsets and never copied.
func ImportAt(st Store, spool io.ReaderAt, size int64, req Request) (Result, error) {
	if size > req.Limits.MaxFileBytes {
		return Result{}, models.Errorf(models.ETooLarge, "文件过大：台账文件不能超过 %d MB。", req.Limits.MaxFileBytes>>20)
	}
	if req.Plan == nil {
		return Result{}, fmt.Errorf("importers: ledger import of %s needs the plan to check the month", req.UnitCode)
	}
	if req.Now.IsZero() {
		return Result{}, fmt.Errorf("importers: ledger import of %s needs the time of the upload (Request.Now)", req.UnitCode)
	}
	claim := importers.MonthClaim{Unit: req.UnitCode, Period: req.Period, Now: req.Now, IgnoreLock: req.IgnoreLock, DryRun: req.DryRun,
		By: req.UploadedBy, Subject: "网点台账"}
	// A locked month is refused before the file is read; the write transaction checks again.
	if _, err := importers.AdmitMonth(req.Plan, claim, st.LedgerSubmitCheck); err != nil {
		return Result{}, err
	}
	vs, err := st.AdminVillages(req.UnitCode)
	if err != nil {
		return Result{}, fmt.Errorf("importers: load villages of %s: %w", req.UnitCode, err)
	}
	ref := make([]Village, len(vs))
	for i, v := range vs {
		ref[i] = Village{Township: v.Township, Name: v.Name, Division: v.Division}
	}
	var staging *store.LedgerStaging
	diffStore, canDiff := st.(DiffStore)
	if req.DryRun && req.Diff && !canDiff {
		return Result{}, fmt.Errorf("importers: the st cannot compare ledgers")
	}
	if !req.DryRun || req.Diff {
		if staging, err = store.NewLedgerStaging(req.TempDir); err != nil {
			return Result{}, fmt.Errorf("importers: %w", err)
		}
		defer staging.Close()
	}
	// Indicators are tallied as points stream past; nothing keeps the points themselves.
	tally := models.NewLedgerTally(req.Period)
	sink := func(p models.LedgerPoint) error {
		tally.Add(p)
		if staging != nil {
			return staging.Add(p)
		}
		return nil
	}
	li, err := ParseAt(spool, size, Check{AsOf: req.Period, Villages: NewVillageIndex(ref), Limits: req.Limits, Sink: sink})
	if err != nil {
		return Result{}, err
	}
	res := Result{Points: li.Accepted, Problems: li.Problems, Warnings: li.Warnings}
	if !li.OK() {
		res.Points = 0
		return res, nil
	}
	res.Indicators = tally.Indicators()
	if req.DryRun {
		if req.Diff {
			if res.Diff, res.HasDiff, err = diffStore.DiffStagedLedger(req.UnitCode, req.Period.String(), staging); err != nil {
				return Result{}, fmt.Errorf("importers: compare ledger of %s: %w", req.UnitCode, err)
			}
		}
		return res, nil
	}
	warnings, err := json.Marshal(li.Warnings)
	if err != nil {
		return Result{}, fmt.Errorf("importers: encode warnings: %w", err)
	}
	figures, err := json.Marshal(res.Indicators)
	if err != nil {
		return Result{}, fmt.Errorf("importers: encode indicators: %w", err)
	}
	snap, err := st.SaveLedgerSnapshot(store.NewLedgerSnapshot{
		UnitCode: req.UnitCode, Period: req.Period.String(), FileName: req.FileName, Original: spool, OriginalSize: size,
		UploadedBy: req.UploadedBy, UploadedAt: req.Now, By: req.By, Warnings: string(warnings), Indicators: string(figures), Staged: staging,
		Admit: func(tx *store.Store) error { return importers.AdmitInTx(tx, req.Plan, claim, tx.LedgerSubmitCheck) },
	})
	if err != nil {
		return Result{}, fmt.Errorf("importers: st ledger of %s: %w", req.UnitCode, err)
	}
	res.Snapshot, res.Stored = snap, true
	return res, nil
}

// spoolLedger copies the upload to a temporary file, refusing it past the size limit.
func spoolLedger(r io.Reader, req Request) (*os.File, int64, error) {
	f, err := os.CreateTemp(req.TempDir, "ruralkpi-upload-*.xlsx")
	if err != nil {
		return nil, 0, fmt.Errorf("importers: spool upload: %w", err)
	}
	n, err := io.Copy(f, io.LimitReader(r, req.Limits.MaxFileBytes+1))
	if err == nil && n > req.Limits.MaxFileBytes {
		err = models.Errorf(models.ETooLarge, "文件过大：台账文件不能超过 %d MB。", req.Limits.MaxFileBytes>>20)
	} else if err != nil {
		err = fmt.Errorf("importers: spool upload: %w", err)
	}
	if err != nil {
		_ = f.Close()
		_ = os.Remove(f.Name())
		return nil, 0, err
	}
	return f, n, nil
}
