package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
	"ruralkpi/importers/returns"
	"ruralkpi/models"
)

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
	in, err := s.formInput(c, who, unit, c.Query("period", s.defaultPeriod()))
	if err != nil {
		return err
	}
	return s.render(c, "returns_form.html", "returns", "网页填报", dashboards.NewReturnFormPage(s.Plan, in, nil))
}

// formInput reads what the form of a unit and month is laid out from; the office without a unit
// gets the chooser only, and so does a unit or month the user may not file (with the error).
func (s *Server) formInput(c *fiber.Ctx, who actor, unit, period string) (dashboards.ReturnFormInput, error) {
	in := dashboards.ReturnFormInput{Choice: s.uploadData(c, who), County: unit, Period: period, User: who.Name}
	if unit == "" {
		return in, nil
	}
	t, err := returns.TemplateFor(s.Store, s.Plan, unit, period, who.Unit, s.Config.Now())
	if err != nil {
		return in, err
	}
	form := returns.FormFor(t)
	in.Form = &form
	return in, nil
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
