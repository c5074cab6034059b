package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

// targetJSON is one target: city-wide (County "") or a unit's allocation.
type targetJSON struct {
	Indicator string  `json:"indicator"`
	Year      int     `json:"year"`
	County    string  `json:"county"`
	Value     float64 `json:"value"`
}

// apiTargets lists the city-wide targets and the units' allocations, optionally for one year.
func (s *Server) apiTargets(c *fiber.Ctx) error {
	year, err := s.yearParam(c, 0)
	if err != nil {
		return err
	}
	targets, allocations, err := s.yearTargets(year)
	if err != nil {
		return err
	}
	out := make([]targetJSON, 0, len(targets)+len(allocations))
	for _, t := range targets {
		out = append(out, targetJSON{Indicator: t.Indicator, Year: t.Year, Value: t.Value})
	}
	for _, a := range allocations {
		out = append(out, targetJSON{Indicator: a.Indicator, Year: a.Year, County: a.UnitCode, Value: a.Value})
	}
	return c.JSON(fiber.Map{"targets": out, "milestones": s.Plan.Milestones})
}

// yearParam reads the optional ?year= of a request: one of the plan's years, or fallback when absent.
func (s *Server) yearParam(c *fiber.Ctx, fallback int) (int, error) {
	q := c.Query("year")
	if q == "" {
		return fallback, nil
	}
	y, err := strconv.Atoi(q)
	if err != nil || !containsYear(s.Plan.Years, y) {
		return 0, models.Errorf(models.EInvalid, "年份 %q 不在方案年度 %v 内。", q, s.Plan.Years)
	}
	return y, nil
}

// yearTargets reads a year's city-wide targets and the units' allocations (year 0: every year).
func (s *Server) yearTargets(year int) ([]models.TargetRecord, []models.Allocation, error) {
	targets, err := s.Store.Targets(year)
	if err != nil {
		return nil, nil, err
	}
	allocations, err := s.Store.Allocations(year)
	if err != nil {
		return nil, nil, err
	}
	return targets, allocations, nil
}

func containsYear(years []int, y int) bool {
	for _, v := range years {
		if v == y {
			return true
		}
	}
	return false
}

// currentYear is the plan year the clock is in: the first before the plan, the last after it.
func (s *Server) currentYear() int {
	y := s.Config.Now().In(models.ReportingZone()).Year()
	return min(max(y, s.Plan.Years[0]), s.Plan.Years[len(s.Plan.Years)-1])
}
