package handlers

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

// openFollowUp opens a follow-up on a unit's indicator.
func (s *Server) openFollowUp(c *fiber.Ctx) error {
	nf := models.NewFollowUp{UnitCode: c.FormValue("unit"), Indicator: c.FormValue("indicator"), Title: c.FormValue("title"),
		Assignee: c.FormValue("assignee"), DueDate: c.FormValue("due")}
	f, err := s.Store.OpenFollowUp(s.Plan, nf, s.actor(c), s.Config.Now())
	if err != nil {
		return err
	}
	s.flash(c, "已发起督办事项 #"+itoaUint(f.ID)+"。")
	return c.Redirect("/followups", fiber.StatusSeeOther)
}

// answerFollowUp records a unit's answer; a county user may answer only its own unit's follow-ups.
func (s *Server) answerFollowUp(c *fiber.Ctx) error {
	f, err := s.followUpParam(c)
	if err != nil {
		return err
	}
	if err := s.requireUnit(c, f.UnitCode); err != nil {
		return err
	}
	if _, err := s.Store.AnswerFollowUp(f.ID, c.FormValue("answer"), s.actor(c), s.Config.Now()); err != nil {
		return err
	}
	s.flash(c, "已提交督办答复。")
	return c.Redirect("/followups", fiber.StatusSeeOther)
}

// closeFollowUp closes (销号) a follow-up.
func (s *Server) closeFollowUp(c *fiber.Ctx) error {
	f, err := s.followUpParam(c)
	if err != nil {
		return err
	}
	if _, err := s.Store.CloseFollowUp(f.ID, c.FormValue("note"), s.actor(c), s.Config.Now()); err != nil {
		return err
	}
	s.flash(c, "督办事项 #"+itoaUint(f.ID)+" 已销号。")
	return c.Redirect("/followups", fiber.StatusSeeOther)
}

func (s *Server) followUpParam(c *fiber.Ctx) (models.FollowUp, error) {
	id, err := c.ParamsInt("id")
	if err != nil || id <= 0 {
		return models.FollowUp{}, models.Errorf(models.ENotFound, "督办事项不存在。")
	}
	f, err := s.Store.FollowUpByID(uint(id))
	if errors.Is(err, models.ErrNotFound) {
		return models.FollowUp{}, models.Errorf(models.ENotFound, "督办事项不存在。")
	}
	return f, err
}

func itoaUint(n uint) string { return strconv.FormatUint(uint64(n), 10) }
