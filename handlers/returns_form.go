package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
	"ruralkpi/importers/returns"
	"ruralkpi/models"
)

// formPageData is the web form of a unit's monthly return (/returns/form).
type formPageData struct {
	Units   []models.Unit
	Periods []string
	County  string
	Period  string
	// UnitName is "" while the office has not chosen a unit.
	UnitName string
	Office   bool
	// User keys the browser's draft, so two clerks on one computer keep their own.
	User string
	Form returns.Form
	// HasForm says the rows could be laid out (a unit and month the user may file).
	HasForm bool
	// Problems maps a field name to what is wrong with it; General holds the problems of no field.
	Problems map[string]string
	General  []models.Problem
	Warnings []models.Problem
	Preview  *dashboards.Preview
	// Posted says the page answers a post, so its fields hold what the clerk typed.
	Posted bool
}

// returnsFormPage shows the month's return as a form, pre-filled like the template.
func (s *Server) returnsFormPage(c *fiber.Ctx) error {
	who, err := s.actingUser(c)
	if err != nil {
		return err
	}
	unit := c.Query("county", who.Unit)
	if unit != "" {
		if err := s.requireUnit(c, unit); err != nil {
			return err
		}
	}
	data, err := s.formData(c, who, unit, c.Query("period", s.defaultPeriod()))
	if err != nil {
		return err
	}
	return s.render(c, "returns_form.html", "returns", "网页填报", data)
}

// formData lays out the form of a unit and month; the office without a unit gets the chooser only.
func (s *Server) formData(c *fiber.Ctx, who actor, unit, period string) (formPageData, error) {
	d := formPageData{County: unit, Period: period, Office: who.Unit == "", User: who.Name, Problems: map[string]string{}}
	up := s.uploadData(c, who)
	d.Units, d.Periods = up.Units, up.Periods
	if unit == "" {
		return d, nil
	}
	in, err := returns.TemplateFor(s.Store, s.Plan, unit, period, who.Unit, s.Config.Now())
	if err != nil {
		return d, err
	}
	d.UnitName, d.Form, d.HasForm = s.Plan.UnitName(unit), returns.FormFor(in), true
	return d, nil
}

// formEntry reads the posted form: the unit (a clerk's own when not given), the month, the version
// the form was laid out on and the fields of that unit's form.
func (s *Server) formEntry(c *fiber.Ctx, who actor) returns.FormEntry {
	e := returns.FormEntry{UnitCode: c.FormValue("county", who.Unit), Period: c.FormValue("period"), Fields: map[string]string{}}
	e.Base, _ = strconv.Atoi(c.FormValue("base")) // the version the form was laid out on; none is 0
	for _, name := range returns.FormFieldNames(s.Plan, e.UnitCode) {
		if v := c.FormValue(name); v != "" {
			e.Fields[name] = v
		}
	}
	return e
}

// formRequest is the import request of a posted form: source web; the posted fields are its
// original (returns.ImportForm).
func (s *Server) formRequest(c *fiber.Ctx, who actor, dryRun bool) returns.ImportRequest {
	// By: the version and its return.upload audit entry are stored in one transaction, as an upload's are.
	return returns.ImportRequest{ActingUnit: who.Unit, UploadedBy: who.Name, Source: models.SourceWeb, DryRun: dryRun,
		By: s.actor(c), Now: s.Config.Now()}
}

// withEntry puts what the clerk typed, and the outcome's problems, into the form's rows.
func (d *formPageData) withEntry(e returns.FormEntry, out returns.ImportOutcome) {
	d.Posted = true
	for i := range d.Form.Rows {
		r := &d.Form.Rows[i]
		r.Value, r.Note = e.Fields[returns.FieldValue(r.Code)], e.Fields[returns.FieldNote(r.Code)]
	}
	for i := range d.Form.Milestones {
		m := &d.Form.Milestones[i]
		m.State, m.DoneOn, m.Note = e.Fields[returns.FieldState(m.Code)], e.Fields[returns.FieldDoneOn(m.Code)], e.Fields[returns.FieldMilestoneNote(m.Code)]
	}
	d.Problems, d.General = fieldMessages(out.Problems)
	d.Warnings = out.Warnings
}

// fieldMessages groups problems by the field they are about; problems of no field stay in a list.
func fieldMessages(ps []models.Problem) (map[string]string, []models.Problem) {
	byField := map[string]string{}
	var general []models.Problem
	for _, p := range ps {
		if p.Cell == "" {
			general = append(general, p)
			continue
		}
		byField[p.Cell] = strings.TrimSpace(byField[p.Cell] + " " + p.Message)
		if p.Cell == returns.FieldUnit || p.Cell == returns.FieldPeriod {
			general = append(general, p) // the unit and month are chosen above the rows: say it there too
		}
	}
	return byField, general
}
