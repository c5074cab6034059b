package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
	"ruralkpi/importers/returns"
	"ruralkpi/models"
)

// returnsFormSubmit previews (action=preview, the default: Enter in a field) or stores
// (action=submit) the typed return through the import service, as an upload is; problems go back
// beside their fields, a stored version shows the version history, and so does the same form
// submitted again (a double click), without storing it twice.
func (s *Server) returnsFormSubmit(c *fiber.Ctx) error {
	who, err := s.actingUser(c)
	if err != nil {
		return err
	}
	e := s.formEntry(c, who)
	submit := c.FormValue("action") == "submit"
	out, err := returns.ImportForm(s.Store, s.Plan, e, s.formRequest(c, who, !submit))
	if err != nil {
		return err
	}
	if out.Stored || out.Repeated {
		h, err := s.returnHistory(who, out.Version.UnitCode, out.Version.Period)
		if err != nil {
			return err
		}
		page := s.page(c, "returns", h.CountyName+" "+h.Period+" 月报版本", h)
		page.Flash = "网页填报已保存为第 " + strconv.Itoa(out.Version.Number) + " 版。"
		if out.Repeated {
			page.Flash = "这份网页填报已保存为第 " + strconv.Itoa(out.Version.Number) + " 版，重复提交未再保存。"
		}
		return s.renderPage(c, "returns_history.html", page)
	}
	// The rows are laid out only for a unit and month the user may file; a post for another unit or
	// a month out of range shows its problems without them (formInput then leaves the form out).
	in, _ := s.formInput(c, who, e.UnitCode, e.Period)
	d := dashboards.NewReturnFormPage(s.Plan, in, &dashboards.ReturnFormPost{Fields: e.Fields, Problems: out.Problems, Warnings: out.Warnings, Preview: s.preview(out)})
	if !out.OK() {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return s.render(c, "returns_form.html", "returns", "网页填报 · 预览", d)
}

// formCheck is the answer of the form's check: the rules' verdict on what is typed so far.
type formCheck struct {
	OK       bool                    `json:"ok"`
	Errors   []fieldIssue            `json:"errors"`
	Warnings []fieldIssue            `json:"warnings"`
	Changes  []dashboards.PreviewRow `json:"changes"`
	Previous int                     `json:"previous_version"`
}

// fieldIssue is a problem or warning on a field of the form ("" for the return as a whole).
type fieldIssue struct {
	Field     string `json:"field"`
	Indicator string `json:"indicator"`
	Message   string `json:"message"`
}

// returnsFormCheck runs the typed return through the import service as a dry run and answers in
// JSON, for the form's script to put every problem beside its field as the clerk types: the rules
// live only in the importer, never in the browser.
func (s *Server) returnsFormCheck(c *fiber.Ctx) error {
	who, err := s.actingUser(c)
	if err != nil {
		return err
	}
	out, err := returns.ImportForm(s.Store, s.Plan, s.formEntry(c, who), s.formRequest(c, who, true))
	if err != nil {
		return err
	}
	res := formCheck{OK: out.OK(), Errors: issues(out.Problems), Warnings: issues(out.Warnings), Changes: s.preview(out).Rows, Previous: out.Previous.Number}
	if !res.OK {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return c.JSON(res)
}

func issues(ps []models.Problem) []fieldIssue {
	out := []fieldIssue{}
	for _, p := range ps {
		out = append(out, fieldIssue{Field: p.Cell, Indicator: p.Indicator, Message: p.Message})
	}
	return out
}
