package handlers

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/importers/returns"
	"ruralkpi/models"
)

// officeRow is one office-reported indicator on the office's form.
type officeRow struct {
	Code, Name, Unit, Basis, Value, Note, State, DoneOn, Problem string
	Milestone                                                    bool
}

// officeData is the office's form for a month.
type officeData struct {
	RootCode string
	States   []string
	Period   string
	Periods  []string
	Rows     []officeRow
	Problems []models.Problem
	Warnings []models.Problem
}

// officeRows lists the office-reported indicators, filled from the stored return or the form.
func (s *Server) officeRows(c *fiber.Ctx, stored models.ReturnVersion, fromForm bool) []officeRow {
	figs := returns.FiguresOf(stored)
	var rows []officeRow
	for _, ind := range s.Plan.Indicators {
		if ind.Reporter != models.ReporterOffice {
			continue
		}
		if ind.Kind == models.KindMilestone && ind.RollUp == models.RollUpCount {
			rows = append(rows, s.officeTickRows(c, ind, stored, figs, fromForm)...)
			continue
		}
		r := officeRow{Code: ind.Code, Name: ind.Name, Unit: ind.Unit, Milestone: ind.Kind == models.KindMilestone}
		if v, ok := figs.Values[ind.Code]; ok {
			r.Value = strconv.FormatFloat(v, 'f', -1, 64)
		}
		r.State = returns.MilestoneLabel(figs.Milestones[ind.Code])
		for _, m := range stored.Milestones {
			if m.Indicator == ind.Code && m.Unit == "" {
				r.DoneOn = m.DoneOn
			}
		}
		for _, v := range stored.Values {
			if v.Indicator == ind.Code {
				r.Note = v.Note
			}
		}
		if fromForm {
			r.Value, r.Note, r.State, r.DoneOn = c.FormValue("v_"+ind.Code), c.FormValue("n_"+ind.Code), c.FormValue("s_"+ind.Code), c.FormValue("d_"+ind.Code)
		}
		rows = append(rows, r)
	}
	return rows
}

// officeTickRows are the office's ticks of a task each unit has (a county's 工作专班 or 工作方案):
// one row per unit the plan gives it to, named CODE@UNIT.
func (s *Server) officeTickRows(c *fiber.Ctx, ind models.Indicator, stored models.ReturnVersion, figs returns.Figures, fromForm bool) []officeRow {
	var rows []officeRow
	for _, m := range s.Plan.MilestonesFor(ind.Code) {
		u, ok := s.Plan.Unit(m.Unit)
		if !ok || m.Unit == "" {
			continue
		}
		key := models.MilestoneKey(ind.Code, m.Unit)
		r := officeRow{Code: key, Name: ind.Name + "（" + u.Name + "）", Milestone: true, State: returns.MilestoneLabel(figs.Milestones[key])}
		for _, x := range stored.Milestones {
			if x.Indicator == ind.Code && x.Unit == m.Unit {
				r.DoneOn = x.DoneOn
			}
		}
		if fromForm {
			r.State, r.DoneOn = c.FormValue("s_"+key), c.FormValue("d_"+key)
		}
		rows = append(rows, r)
	}
	return rows
}

// officeForm shows the office's entry form of the office-reported figures for a month.
func (s *Server) officeForm(c *fiber.Ctx) error {
	period := c.Query("period", s.defaultPeriod())
	stored, err := s.Store.LatestVersion(s.Plan.Root.Code, period)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return err
	}
	return s.render(c, "returns_office.html", "returns", "办公室录入", s.officeData(period, s.officeRows(c, stored, false), nil))
}

// officeData fills the office form's page data.
func (s *Server) officeData(period string, rows []officeRow, problems []models.Problem) officeData {
	return officeData{RootCode: s.Plan.Root.Code, States: []string{"未启动", "建设中", "已完成"}, Period: period,
		Periods: s.reportingPeriods(), Rows: rows, Problems: problems}
}
