package importers

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"ruralkpi/models"
)

// LedgerStore is what a ledger import needs from storage (models.Store has it).
type LedgerStore interface {
	AdminVillages(unit string) ([]models.AdminVillage, error)
	SaveLedgerSnapshot(ns models.NewLedgerSnapshot) (models.LedgerSnapshot, error)
}

// LedgerRequest is one ledger upload.
type LedgerRequest struct {
	UnitCode   string
	Period     models.Period
	FileName   string
	UploadedBy string
	// DryRun validates without storing anything.
	DryRun bool
	Limits LedgerLimits
}

// LedgerResult is the outcome of an upload: the stored snapshot (zero on a dry run or refusal),
// the derived indicators, and every problem and warning.
type LedgerResult struct {
	Snapshot   models.LedgerSnapshot
	Stored     bool
	Points     int
	Indicators map[string]float64
	Problems   []LedgerProblem
	Warnings   []LedgerProblem
}

// ImportLedger reads, validates and (unless a dry run, and only when nothing is wrong) stores a
// unit's ledger as its next snapshot for the month. Reading and validation happen before any write,
// so the one write transaction holds the database only for the inserts.
func ImportLedger(st LedgerStore, r io.Reader, req LedgerRequest) (LedgerResult, error) {
	vs, err := st.AdminVillages(req.UnitCode)
	if err != nil {
		return LedgerResult{}, fmt.Errorf("importers: load villages of %s: %w", req.UnitCode, err)
	}
	ref := make([]LedgerVillage, len(vs))
	for i, v := range vs {
		ref[i] = LedgerVillage{Township: v.Township, Name: v.Name, Division: v.Division}
	}
	li, data, err := ParseLedger(r, LedgerCheck{AsOf: req.Period, Villages: NewLedgerVillageIndex(ref), Limits: req.Limits})
	if err != nil {
		return LedgerResult{}, err
	}
	res := LedgerResult{Points: len(li.Points), Problems: li.Problems, Warnings: li.Warnings}
	if !li.OK() {
		return res, nil
	}
	res.Indicators = models.LedgerIndicators(li.Points, req.Period)
	if req.DryRun {
		return res, nil
	}
	warnings, err := json.Marshal(li.Warnings)
	if err != nil {
		return LedgerResult{}, fmt.Errorf("importers: encode warnings: %w", err)
	}
	snap, err := st.SaveLedgerSnapshot(models.NewLedgerSnapshot{
		UnitCode: req.UnitCode, Period: req.Period.String(), FileName: req.FileName, File: data,
		UploadedBy: req.UploadedBy, UploadedAt: time.Now(), Warnings: string(warnings), Points: li.Points,
	})
	if err != nil {
		return LedgerResult{}, fmt.Errorf("importers: store ledger of %s: %w", req.UnitCode, err)
	}
	res.Snapshot, res.Stored = snap, true
	return res, nil
}
