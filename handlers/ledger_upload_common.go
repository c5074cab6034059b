package handlers

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/importers/ledger"
	"ruralkpi/importers/xlsx"
	"ruralkpi/models"
)

// ledgerUploadData is the preview (or refusal) page of a ledger upload.
type ledgerUploadData struct {
	Unit     models.Unit
	Period   string
	FileName string
	// Token names the previewed upload waiting for confirmation; "" when there is nothing to confirm.
	Token    string
	Result   ledger.Result
	Previous models.LedgerSnapshot
	Rows     []ledgerUploadRow
}

// ledgerUploadRow is one derived indicator of the upload beside the previous snapshot's.
type ledgerUploadRow struct {
	Name            string
	Old, New        float64
	HasOld, Changed bool
}

// ledgerUploadTarget reads and authorises the unit (from the path) and month of a ledger upload.
func (s *Server) ledgerUploadTarget(c *fiber.Ctx) (models.Unit, models.Period, error) {
	unit, ok := s.Plan.Unit(c.Params("county"))
	if !ok {
		return models.Unit{}, models.Period{}, models.Errorf(models.ENotFound, "单位不存在。")
	}
	if err := s.requireUnit(c, unit.Code); err != nil {
		return models.Unit{}, models.Period{}, err
	}
	period, err := models.ParsePeriod(c.FormValue("period"))
	if err != nil || !s.Plan.ContainsPeriod(period.String()) {
		return models.Unit{}, models.Period{}, models.Errorf(models.EInvalid, "台账月份 %q 无效，应为方案期内的 YYYY-MM。", c.FormValue("period"))
	}
	return unit, period, nil
}

// ledgerRequest is the import request of a web upload; the import refuses a locked month (409).
func (s *Server) ledgerRequest(c *fiber.Ctx, unit models.Unit, period models.Period, fileName string, dryRun bool) ledger.Request {
	return ledger.Request{UnitCode: unit.Code, Period: period, FileName: fileName, UploadedBy: currentUser(c).Username, By: s.actor(c),
		DryRun: dryRun, Diff: dryRun, Limits: xlsx.DefaultLimits(), Plan: s.Plan, Now: s.Config.Now(), TempDir: s.tmp.Run()}
}

// ledgerUploadPage lays out an import result beside the unit's previous snapshot (the newest up to
// the month), indicator by indicator.
func (s *Server) ledgerUploadPage(unit models.Unit, period models.Period, fileName string, res ledger.Result) (ledgerUploadData, error) {
	d := ledgerUploadData{Unit: unit, Period: period.String(), FileName: fileName, Result: res}
	old := map[string]float64{}
	prev, err := s.Store.LatestLedgerSnapshot(unit.Code, period.String())
	switch {
	case err == nil:
		d.Previous = prev
		if prev.Indicators != "" {
			if err := json.Unmarshal([]byte(prev.Indicators), &old); err != nil {
				return d, fmt.Errorf("handlers: previous ledger indicators: %w", err)
			}
		}
	case !errors.Is(err, models.ErrNotFound):
		return d, err
	}
	if len(res.Problems) > 0 {
		return d, nil
	}
	for _, code := range models.LedgerIndicatorCodes() {
		row := ledgerUploadRow{Name: code, New: res.Indicators[code]}
		if ind, ok := s.Plan.Indicator(code); ok {
			row.Name = ind.Name
		}
		row.Old, row.HasOld = old[code]
		row.Changed = !row.HasOld || row.Old != row.New
		d.Rows = append(d.Rows, row)
	}
	return d, nil
}

// ledgerConflict turns a repeated upload into a 409 in words a clerk understands.
func ledgerConflict(err error) error {
	if errors.Is(err, models.ErrDuplicateFile) {
		return models.Errorf(models.EConflict, "同一文件已上传过该单位该月的台账。")
	}
	return err
}
