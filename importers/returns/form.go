package returns

import (
	"encoding/json"
	"strconv"

	"ruralkpi/importers"
	"ruralkpi/models"
)

// The web form (/returns/form) is the template in a browser: the same rows, typed into fields
// instead of cells (models.ReturnForm, its fields named by models.ReturnFieldValue and the like).
// What the clerk types becomes a Draft exactly as the reader would have found it in a filled
// template, each cell named by its form field, so the one set of rules (Validate, admit,
// ImportDraft) judges it and every problem comes back on the field it is about.

// FormEntry is a return as typed into the web form: field name → text, as posted.
type FormEntry struct {
	UnitCode string
	Period   string
	// Base is the number of the version the form was laid out on (0: none yet). It is part of the
	// entry's original, so the same form submitted twice is one version and a later form is another.
	Base   int
	Fields map[string]string
}

// formOriginal is the original of a web return: what the clerk posted, as JSON.
type formOriginal struct {
	Unit   string            `json:"unit"`
	Period string            `json:"period"`
	Base   int               `json:"base_version"`
	Fields map[string]string `json:"fields"`
}

// FormOriginal is the original kept for a web return, as an upload keeps its file: the posted
// fields as JSON (keys sorted, so the same entry always gives the same bytes and hash) and its name.
func FormOriginal(e FormEntry) ([]byte, string) {
	fields := e.Fields
	if fields == nil {
		fields = map[string]string{}
	}
	b, err := json.MarshalIndent(formOriginal{Unit: e.UnitCode, Period: e.Period, Base: e.Base, Fields: fields}, "", "  ")
	if err != nil {
		panic(err) // strings and an int always encode
	}
	return b, e.UnitCode + "-" + e.Period + "-网页填报.json"
}

// FormDraft turns a form entry into the draft the reader would have made of the unit's template
// filled with the same text: the template's rows in the template's order.
func FormDraft(plan *models.Plan, e FormEntry) Draft {
	d := Draft{UnitCode: e.UnitCode, UnitCell: models.ReturnFieldUnit, Period: e.Period, PeriodCell: models.ReturnFieldPeriod,
		Version: TemplateVersion, MonthlySheet: SheetMonthly, MilestoneSheet: SheetMilestones, HasMonthly: true, HasMilestones: true}
	field := func(name string) string { return importers.CleanText(e.Fields[name]) }
	for i, ind := range TemplateIndicators(plan) {
		d.Rows = append(d.Rows, DraftRow{Row: i + 1, Code: ind.Code, CodeCell: models.ReturnFieldValue(ind.Code),
			Value: field(models.ReturnFieldValue(ind.Code)), ValueCell: models.ReturnFieldValue(ind.Code),
			Note: field(models.ReturnFieldNote(ind.Code)), NoteCell: models.ReturnFieldNote(ind.Code)})
	}
	for i, m := range TemplateMilestones(plan, normaliseCode(e.UnitCode)) {
		d.Milestones = append(d.Milestones, DraftMilestone{Row: i + 1, Code: m.Indicator, CodeCell: models.ReturnFieldState(m.Indicator),
			State: field(models.ReturnFieldState(m.Indicator)), StateCell: models.ReturnFieldState(m.Indicator),
			DoneOn: field(models.ReturnFieldDoneOn(m.Indicator)), DoneOnCell: models.ReturnFieldDoneOn(m.Indicator),
			Note: field(models.ReturnFieldMilestoneNote(m.Indicator)), NoteCell: models.ReturnFieldMilestoneNote(m.Indicator)})
	}
	return d
}

// FormFor lays out the form of a template input: the same reference figures and pre-filled answers
// as WriteTemplate writes.
func FormFor(in TemplateInput) models.ReturnForm {
	f := models.ReturnForm{PreviousPeriod: in.Previous.Period, CurrentNumber: in.Current.Number, States: []string{stateNotStarted, stateInProgress, stateDone}}
	period, _ := models.ParsePeriod(in.Period)
	tw := &templateWriter{in: in, period: period}
	for _, ind := range TemplateIndicators(in.Plan) {
		r := models.ReturnFormRow{Code: ind.Code, Name: ind.Name, Unit: ind.Unit, Basis: basis(ind.Kind)}
		if t, ok := tw.target(ind.Code); ok {
			r.CityTarget = models.KnownFigure{Value: t, OK: true}
		}
		if a, ok := in.Allocations[ind.Code]; ok {
			r.Allocation = models.KnownFigure{Value: a, OK: true}
		}
		if v, ok := previousFigure(in, period, ind); ok {
			r.Previous = models.KnownFigure{Value: v, OK: true}
		}
		for _, x := range in.Current.Values {
			if x.Indicator == ind.Code {
				r.Value, r.Note = strconv.FormatFloat(x.Value, 'f', -1, 64), x.Note
			}
		}
		f.Rows = append(f.Rows, r)
	}
	for _, m := range TemplateMilestones(in.Plan, in.UnitCode) {
		ind, _ := in.Plan.Indicator(m.Indicator)
		fm := models.ReturnFormMilestone{Code: ind.Code, Label: ind.Name, DueYear: m.Year, PreviousState: stateLabel(in.Previous.Milestones[ind.Code])}
		if m.Label != "" {
			fm.Label = m.Label
		}
		for _, cur := range in.Current.Milestones {
			if cur.Indicator == ind.Code {
				fm.State, fm.DoneOn, fm.Note = stateLabel(cur.State), cur.DoneOn, cur.Note
			}
		}
		f.Milestones = append(f.Milestones, fm)
	}
	return f
}

// previousFigure is the last accepted figure the template shows beside an indicator: none for a
// year's running total when the last return was of an earlier year, as the total restarts in January.
func previousFigure(in TemplateInput, period models.Period, ind models.Indicator) (float64, bool) {
	v, ok := in.Previous.Values[ind.Code]
	if !ok {
		return 0, false
	}
	prev, err := models.ParsePeriod(in.Previous.Period)
	if err != nil || (ind.Kind == models.KindAnnual && prev.Year != period.Year) {
		return 0, false
	}
	return v, true
}

// FormFieldNames lists the fields of a unit's form, so a handler reads exactly those from a post.
func FormFieldNames(plan *models.Plan, unit string) []string {
	var out []string
	for _, ind := range TemplateIndicators(plan) {
		out = append(out, models.ReturnFieldValue(ind.Code), models.ReturnFieldNote(ind.Code))
	}
	for _, m := range TemplateMilestones(plan, normaliseCode(unit)) {
		out = append(out, models.ReturnFieldState(m.Indicator), models.ReturnFieldDoneOn(m.Indicator), models.ReturnFieldMilestoneNote(m.Indicator))
	}
	return out
}
