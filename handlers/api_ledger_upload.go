package handlers

import (
	"errors"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/importers/ledger"
	"ruralkpi/importers/xlsx"
	"ruralkpi/models"
)

// apiLedgerUpload takes a unit's ledger (multipart: file, county, period, optional dry_run=1):
// 201 with the stored snapshot and the derived indicators, 200 for a clean dry run, or 422 with
// every problem and nothing stored, or 409 for a locked month (dry run too) or the same file again.
func (s *Server) apiLedgerUpload(c *fiber.Ctx) error {
	unit, ok := s.Plan.Unit(c.FormValue("county"))
	if !ok {
		return models.Errorf(models.EInvalid, "单位代码 %q 不存在。", c.FormValue("county"))
	}
	if err := s.requireUnit(c, unit.Code); err != nil {
		return err
	}
	period, err := models.ParsePeriod(c.FormValue("period"))
	if err != nil || !s.Plan.ContainsPeriod(period.String()) {
		return models.Errorf(models.EInvalid, "月份 %q 无效，应为方案期内的 YYYY-MM。", c.FormValue("period"))
	}
	fh, file, err := openUploadedFile(c, "file", "请选择要上传的台账文件（字段名 file）。")
	if err != nil {
		return err
	}
	defer file.Close()
	res, err := ledger.ImportAt(s.Store, file, fh.Size, ledger.Request{UnitCode: unit.Code, Period: period,
		FileName: fh.Name, TempDir: s.tmp.Run(), UploadedBy: currentUser(c).Username, By: s.actor(c), DryRun: c.FormValue("dry_run") == "1", Limits: xlsx.DefaultLimits(),
		Plan: s.Plan, Now: s.Config.Now()})
	if errors.Is(err, models.ErrDuplicateFile) {
		return models.Errorf(models.EConflict, "同一文件已上传过该单位该月的台账。")
	}
	if err != nil {
		return err
	}
	status := http.StatusOK
	switch {
	case len(res.Problems) > 0:
		status = http.StatusUnprocessableEntity
	case res.Stored:
		status = http.StatusCreated
	}
	return c.Status(status).JSON(ledgerUploadJSON(res))
}

// ledgerUploadJSON shapes an import result for the API.
func ledgerUploadJSON(res ledger.Result) fiber.Map {
	out := fiber.Map{"stored": res.Stored, "points": res.Points, "warnings": nonNil(res.Warnings)}
	if len(res.Problems) > 0 {
		out["errors"] = res.Problems
		return out
	}
	out["indicators"] = res.Indicators
	if res.Stored {
		out["snapshot"] = fiber.Map{"id": res.Snapshot.ID, "county": res.Snapshot.UnitCode, "period": res.Snapshot.Period,
			"version": res.Snapshot.Number, "uploaded_at": res.Snapshot.UploadedAt}
	}
	return out
}
