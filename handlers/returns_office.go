package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
	"ruralkpi/models"
)

// officeForm shows the office's entry form of the office-reported figures for a month.
func (s *Server) officeForm(c *fiber.Ctx) error {
	period := c.Query("period", s.defaultPeriod())
	stored, err := s.Store.LatestVersion(s.Plan.Root.Code, period)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return err
	}
	rows := dashboards.NewOfficeRows(s.Plan, stored, nil)
	return s.render(c, "returns_office.html", "returns", "办公室录入", dashboards.NewOfficeForm(s.Plan, period, s.reportingPeriods(), rows, nil))
}
