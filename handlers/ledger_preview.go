package handlers

import (
	"errors"
	"os"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
	"ruralkpi/importers/ledger"
	"ruralkpi/models"
)

// ledgerPreview checks an uploaded ledger without storing it and shows the derived indicators
// beside the previous snapshot's and every problem; a clean file waits under a token for the
// clerk to confirm.
func (s *Server) ledgerPreview(c *fiber.Ctx) error {
	unit, period, err := s.ledgerUploadTarget(c)
	if err != nil {
		return err
	}
	fh, err := uploadedFile(c, "file", "请选择要上传的台账文件。")
	if err != nil {
		return err
	}
	user, pending := currentUser(c).Username, s.pending()
	token, err := pending.save(user, unit.Code, period.String(), fh)
	if err != nil {
		return err
	}
	f, err := pending.open(user, unit.Code, period.String(), token)
	if err != nil {
		return err
	}
	defer f.Close()
	res, err := ledger.ImportAt(s.Store, f, fh.Size, s.ledgerRequest(c, unit, period, fh.Name, true))
	if err != nil || len(res.Problems) > 0 {
		pending.remove(user, unit.Code, period.String(), token)
		token = ""
	}
	if err != nil {
		return err
	}
	return s.renderLedgerUpload(c, unit, period, fh.Name, token, res)
}

// renderLedgerUpload shows an import result beside the unit's previous snapshot (the newest up to
// the month): 422 with every problem, else the figures to confirm.
func (s *Server) renderLedgerUpload(c *fiber.Ctx, unit models.Unit, period models.Period, fileName, token string, res ledger.Result) error {
	prev, err := s.Store.LatestLedgerSnapshot(unit.Code, period.String())
	if errors.Is(err, models.ErrNotFound) {
		prev, err = models.LedgerSnapshot{}, nil // the unit's first ledger
	}
	if err != nil {
		return err
	}
	d, err := dashboards.NewLedgerUploadPage(s.Plan, unit, period.String(), fileName, token, dashboards.LedgerUpload{Points: res.Points,
		Indicators: res.Indicators, Problems: res.Problems, Warnings: res.Warnings, Diff: res.Diff, HasDiff: res.HasDiff}, prev)
	if err != nil {
		return err
	}
	if len(res.Problems) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return s.render(c, "ledger_upload.html", "ledger", unit.Name+"网点台账 · 上传检查", d)
}

// ledgerConfirm stores a previewed ledger as the unit's next snapshot for the month and shows it.
func (s *Server) ledgerConfirm(c *fiber.Ctx) error {
	unit, period, err := s.ledgerUploadTarget(c)
	if err != nil {
		return err
	}
	release, err := s.importSlot(c) // the form is small, the ledger it confirms is not
	if err != nil {
		return err
	}
	defer release()
	f, err := s.pending().open(currentUser(c).Username, unit.Code, period.String(), c.FormValue("token"))
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	res, err := ledger.ImportAt(s.Store, f, info.Size(), s.ledgerRequest(c, unit, period, c.FormValue("file_name"), false))
	if err != nil {
		return ledgerConflict(err)
	}
	if !res.Stored {
		return s.renderLedgerUpload(c, unit, period, c.FormValue("file_name"), "", res)
	}
	s.flash(c, "台账已保存：第 "+strconv.Itoa(res.Snapshot.Number)+" 版，"+strconv.Itoa(res.Points)+" 个网点。")
	return c.Redirect("/ledger/"+unit.Code+"?snapshot="+itoaUint(res.Snapshot.ID), fiber.StatusSeeOther)
}
