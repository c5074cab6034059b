package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
	"ruralkpi/importers/returns"
	"ruralkpi/models"
)

// officeSubmit stores the office's figures as a version of the city's (root unit's) return, through
// the same rules as an uploaded file; problems go back to the form beside their fields.
func (s *Server) officeSubmit(c *fiber.Ctx) error {
	who, err := s.actingUser(c)
	if err != nil {
		return err
	}
	period := c.FormValue("period")
	rows := dashboards.NewOfficeRows(s.Plan, models.ReturnVersion{}, func(field string) string { return c.FormValue(field) })
	d := s.officeDraft(period, rows)
	out, err := returns.ImportDraft(s.Store, s.Plan, d, returns.ImportRequest{Source: models.SourceOffice, UploadedBy: who.Name, By: s.actor(c), Now: s.Config.Now()})
	if err != nil {
		return err
	}
	if !out.OK() {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.render(c, "returns_office.html", "returns", "办公室录入", dashboards.NewOfficeForm(s.Plan, period, s.reportingPeriods(), rows, out.Problems))
	}
	h, err := s.returnHistory(actor{}, out.Version.UnitCode, out.Version.Period)
	if err != nil {
		return err
	}
	page := s.page(c, "returns", h.CountyName+" "+h.Period+" 办公室录入版本", h)
	page.Flash = "办公室录入已保存。"
	return s.renderPage(c, "returns_history.html", page)
}

// officeDraft turns the office form into a draft of the city's return, each field named as its cell.
func (s *Server) officeDraft(period string, rows []dashboards.OfficeRow) returns.Draft {
	d := returns.Draft{UnitCode: s.Plan.Root.Code, Period: period, Version: returns.TemplateVersion, HasMonthly: true}
	for _, r := range rows {
		if r.Milestone {
			d.Milestones = append(d.Milestones, returns.DraftMilestone{Code: r.Code, CodeCell: r.Code, State: r.State,
				StateCell: "s_" + r.Code, DoneOn: r.DoneOn, DoneOnCell: "d_" + r.Code})
			continue
		}
		d.Rows = append(d.Rows, returns.DraftRow{Code: r.Code, CodeCell: r.Code, Value: r.Value, ValueCell: "v_" + r.Code, Note: r.Note, NoteCell: "n_" + r.Code})
	}
	return d
}
