package handlers

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
	"ruralkpi/models"
)

// reviewLedgerSnapshot records the office's decision on a ledger snapshot from the review page.
func (s *Server) reviewLedgerSnapshot(c *fiber.Ctx) error {
	snap, err := s.decideLedger(c, c.FormValue("decision"), c.FormValue("note"))
	if err != nil {
		return err
	}
	s.flash(c, dashboards.NewLedgerReviewRow(s.Plan, snap, true).UnitName+" "+snap.Period+" 网点台账第"+strconv.Itoa(snap.Number)+"版："+models.ReviewStatus(snap.Status).Label()+"。")
	return c.Redirect("/review", fiber.StatusSeeOther)
}

// apiReviewLedger records the office's decision on a ledger snapshot from JSON:
// {"decision": "approve"|"return", "note": "…"}.
func (s *Server) apiReviewLedger(c *fiber.Ctx) error {
	var body struct {
		Decision string `json:"decision"`
		Note     string `json:"note"`
	}
	if err := c.BodyParser(&body); err != nil {
		return models.Errorf(models.EInvalid, "请求内容应为 JSON：{\"decision\": \"approve\" 或 \"return\", \"note\": \"退回原因\"}。")
	}
	snap, err := s.decideLedger(c, body.Decision, body.Note)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"id": snap.ID, "unit": snap.UnitCode, "period": snap.Period, "number": snap.Number, "status": snap.Status, "note": snap.ReviewNote})
}

func (s *Server) decideLedger(c *fiber.Ctx, decision, note string) (models.LedgerSnapshot, error) {
	id, err := c.ParamsInt("id")
	if err != nil || id <= 0 {
		return models.LedgerSnapshot{}, models.Errorf(models.ENotFound, "台账版本不存在。")
	}
	snap, err := s.Store.ReviewLedgerSnapshot(uint(id), decision, note, s.actor(c), s.Config.Now())
	if errors.Is(err, models.ErrNotFound) {
		return models.LedgerSnapshot{}, models.Errorf(models.ENotFound, "台账版本不存在。")
	}
	return snap, err
}
