package handlers

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
	"ruralkpi/models"
)

// reviewVersion records the office's decision on a version from the review page's form.
func (s *Server) reviewVersion(c *fiber.Ctx) error {
	v, err := s.decide(c, c.FormValue("decision"), c.FormValue("note"))
	if err != nil {
		return err
	}
	s.flash(c, dashboards.NewReviewRow(s.Plan, v, true, nil).UnitName+" "+v.Period+" 第"+strconv.Itoa(v.Number)+"版："+models.ReviewStatus(v.Status).Label()+"。")
	return c.Redirect("/review", fiber.StatusSeeOther)
}

// apiReview records the office's decision from JSON: {"decision": "approve"|"return", "note": "…"}.
func (s *Server) apiReview(c *fiber.Ctx) error {
	var body struct {
		Decision string `json:"decision"`
		Note     string `json:"note"`
	}
	if err := c.BodyParser(&body); err != nil {
		return models.Errorf(models.EInvalid, "请求内容应为 JSON：{\"decision\": \"approve\" 或 \"return\", \"note\": \"退回原因\"}。")
	}
	v, err := s.decide(c, body.Decision, body.Note)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"id": v.ID, "unit": v.UnitCode, "period": v.Period, "number": v.Number, "status": v.Status, "note": v.ReviewNote})
}

func (s *Server) decide(c *fiber.Ctx, decision, note string) (models.ReturnVersion, error) {
	id, err := c.ParamsInt("id")
	if err != nil || id <= 0 {
		return models.ReturnVersion{}, models.Errorf(models.ENotFound, "月报版本不存在。")
	}
	v, err := s.Store.ReviewVersion(uint(id), decision, note, s.actor(c), s.Config.Now())
	if errors.Is(err, models.ErrNotFound) {
		return models.ReturnVersion{}, models.Errorf(models.ENotFound, "月报版本不存在。")
	}
	return v, err
}
