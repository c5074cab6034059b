package dashboards

import (
	"strconv"

	"ruralkpi/models"
)

// OfficeRow is one office-reported indicator on the office's form.
type OfficeRow struct {
	Code, Name, Unit, Basis, Value, Note, State, DoneOn, Problem string
	Milestone                                                    bool
}

// OfficeForm is the office's form of the office-reported figures for a month.
type OfficeForm struct {
	RootCode string
	States   []string
	Period   string
	Periods  []string
	Rows     []OfficeRow
	Problems []models.Problem
	Warnings []models.Problem
}

// NewOfficeRows lists the office-reported indicators in plan order, filled from the stored version
// or, when form is not nil, from the posted form (form returns a field's value: v_CODE the figure,
// n_CODE the note, s_CODE the state, d_CODE the date done). A task each unit has (a county's 工作专班
// or 工作方案) is one tick row per unit the plan gives it to, named CODE@UNIT.
func NewOfficeRows(p *models.Plan, stored models.ReturnVersion, form func(field string) string) []OfficeRow {
	values, states := map[string]float64{}, map[string]string{}
	for _, v := range stored.Values {
		values[v.Indicator] = v.Value
	}
	for _, m := range stored.Milestones {
		states[models.MilestoneKey(m.Indicator, m.Unit)] = m.State
	}
	var rows []OfficeRow
	for _, ind := range p.Indicators {
		if ind.Reporter != models.ReporterOffice {
			continue
		}
		if ind.Kind == models.KindMilestone && ind.RollUp == models.RollUpCount {
			rows = append(rows, officeTickRows(p, ind, stored, states, form)...)
			continue
		}
		r := OfficeRow{Code: ind.Code, Name: ind.Name, Unit: ind.Unit, Milestone: ind.Kind == models.KindMilestone}
		if v, ok := values[ind.Code]; ok {
			r.Value = strconv.FormatFloat(v, 'f', -1, 64)
		}
		r.State = milestoneWord(states[ind.Code])
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
		if form != nil {
			r.Value, r.Note, r.State, r.DoneOn = form("v_"+ind.Code), form("n_"+ind.Code), form("s_"+ind.Code), form("d_"+ind.Code)
		}
		rows = append(rows, r)
	}
	return rows
}

// officeTickRows are the office's ticks of a task each unit has: one row per unit the plan gives it to.
func officeTickRows(p *models.Plan, ind models.Indicator, stored models.ReturnVersion, states map[string]string, form func(string) string) []OfficeRow {
	var rows []OfficeRow
	for _, m := range p.MilestonesFor(ind.Code) {
		u, ok := p.Unit(m.Unit)
		if !ok || m.Unit == "" {
			continue
		}
		key := models.MilestoneKey(ind.Code, m.Unit)
		r := OfficeRow{Code: key, Name: ind.Name + "（" + u.Name + "）", Milestone: true, State: milestoneWord(states[key])}
		for _, x := range stored.Milestones {
			if x.Indicator == ind.Code && x.Unit == m.Unit {
				r.DoneOn = x.DoneOn
			}
		}
		if form != nil {
			r.State, r.DoneOn = form("s_"+key), form("d_"+key)
		}
		rows = append(rows, r)
	}
	return rows
}

// milestoneWord names a stored state in Chinese, or shows it as stored when it is none of the three.
func milestoneWord(state string) string {
	if l := models.MilestoneState(state).Label(); l != "" {
		return l
	}
	return state
}

// NewOfficeForm lays out the office's form for a month: the rows (see NewOfficeRows), each with the
// message of the last problem about its indicator, and the problems of a refused submission.
func NewOfficeForm(p *models.Plan, period string, periods []string, rows []OfficeRow, problems []models.Problem) OfficeForm {
	marked := make([]OfficeRow, len(rows))
	copy(marked, rows)
	for i := range marked {
		for _, pr := range problems {
			if pr.Indicator == marked[i].Code {
				marked[i].Problem = pr.Message
			}
		}
	}
	return OfficeForm{RootCode: p.Root.Code, States: []string{models.MilestoneNotStartedLabel, models.MilestoneInProgressLabel, models.MilestoneDoneLabel},
		Period: period, Periods: periods, Rows: marked, Problems: problems}
}
