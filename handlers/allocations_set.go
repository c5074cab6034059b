package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

// setAllocation stores one indicator's shares for a year from the page's row form (fields
// v_<unit code>, pre-filled with the current shares: a blank field removes the unit's share; the
// clear button removes the row's).
func (s *Server) setAllocation(c *fiber.Ctx) error {
	indicator := c.FormValue("indicator")
	year, err := strconv.Atoi(c.FormValue("year"))
	if err != nil {
		return models.Errorf(models.EInvalid, "年度不正确。")
	}
	var inputs []models.AllocationInput
	for _, u := range s.Plan.ReportingUnits() {
		text := strings.ReplaceAll(strings.TrimSpace(c.FormValue("v_"+u.Code)), ",", "")
		in := models.AllocationInput{Indicator: indicator, Year: year, UnitCode: u.Code, Clear: text == "" || c.FormValue("clear") != ""}
		if !in.Clear {
			v, err := strconv.ParseFloat(text, 64)
			if err != nil {
				return models.Errorf(models.EInvalid, "%s 的分解值“%s”不是数字。", u.Name, text)
			}
			in.Value = v
		}
		if err := models.ValidateAllocation(s.Plan, in); err != nil {
			return models.Errorf(models.EInvalid, "%s：%s", u.Name, models.ErrorMessage(err))
		}
		inputs = append(inputs, in)
	}
	n, err := s.Store.SetAllocations(inputs, s.actor(c), s.Config.Now())
	if err != nil {
		return err
	}
	s.flash(c, "已保存 "+strconv.Itoa(n)+" 项分解值的修改。")
	return c.Redirect("/allocations?year="+strconv.Itoa(year), fiber.StatusSeeOther)
}

// setTarget changes a city-wide target.
func (s *Server) setTarget(c *fiber.Ctx) error {
	year, err := strconv.Atoi(c.FormValue("year"))
	if err != nil {
		return models.Errorf(models.EInvalid, "年度不正确。")
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(c.FormValue("value")), ",", ""), 64)
	if err != nil {
		return models.Errorf(models.EInvalid, "目标值应为数字。")
	}
	if err := s.Store.SetTarget(s.Plan, c.FormValue("indicator"), year, v, s.actor(c), s.Config.Now()); err != nil {
		return err
	}
	s.flash(c, s.Plan.WholeWord()+"目标已修改。")
	return c.Redirect("/allocations?year="+strconv.Itoa(year), fiber.StatusSeeOther)
}
