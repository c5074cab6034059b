package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/importers/ledger"
	"ruralkpi/importers/xlsx"
	"ruralkpi/models"
)

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

// ledgerConflict turns a repeated upload into a 409 in words a clerk understands.
func ledgerConflict(err error) error {
	if errors.Is(err, models.ErrDuplicateFile) {
		return models.Errorf(models.EConflict, "同一文件已上传过该单位该月的台账。")
	}
	return err
}
