package dashboards

import (
	"strings"

	"ruralkpi/models"
)

// ReturnFormPage is the web form of a unit's monthly return (/returns/form).
type ReturnFormPage struct {
	Units   []models.Unit
	Periods []string
	County  string
	Period  string
	// UnitName is "" while the office has not chosen a unit.
	UnitName string
	Office   bool
	// User keys the browser's draft, so two clerks on one computer keep their own.
	User string
	Form models.ReturnForm
	// HasForm says the rows could be laid out (a unit and month the user may file).
	HasForm bool
	// Problems maps a field name to what is wrong with it; General holds the problems of no field.
	Problems map[string]string
	General  []models.Problem
	Warnings []models.Problem
	Preview  *Preview
	// Posted says the page answers a post, so its fields hold what the clerk typed.
	Posted bool
}

// ReturnFormInput is what the web form is laid out from: the units and months to choose from (the
// upload page's, NewUploadPage), the unit and month asked for, the user's name, and the form the
// returns importer laid out for them (nil when it laid out none: the office has chosen no unit, or
// a post was for a unit or month the user may not file).
type ReturnFormInput struct {
	Choice         UploadPage
	County, Period string
	User           string
	Form           *models.ReturnForm
}

// ReturnFormPost is a posted form: the fields as the clerk typed them (by field name), and the
// import's problems, warnings and preview.
type ReturnFormPost struct {
	Fields             map[string]string
	Problems, Warnings []models.Problem
	Preview            *Preview
}

// NewReturnFormPage lays out the web form; with a post (nil for a fresh form) the rows hold what the
// clerk typed and each problem stands beside its field.
func NewReturnFormPage(p *models.Plan, in ReturnFormInput, post *ReturnFormPost) ReturnFormPage {
	d := ReturnFormPage{Units: in.Choice.Units, Periods: in.Choice.Periods, County: in.County, Period: in.Period,
		Office: in.Choice.Office, User: in.User, Problems: map[string]string{}}
	if in.Form != nil {
		d.UnitName, d.Form, d.HasForm = p.UnitName(in.County), *in.Form, true
	}
	if post == nil {
		return d
	}
	d.Posted, d.Warnings, d.Preview = true, post.Warnings, post.Preview
	d.Form.Rows = append([]models.ReturnFormRow(nil), d.Form.Rows...)
	for i := range d.Form.Rows {
		r := &d.Form.Rows[i]
		r.Value, r.Note = post.Fields[models.ReturnFieldValue(r.Code)], post.Fields[models.ReturnFieldNote(r.Code)]
	}
	d.Form.Milestones = append([]models.ReturnFormMilestone(nil), d.Form.Milestones...)
	for i := range d.Form.Milestones {
		m := &d.Form.Milestones[i]
		m.State, m.DoneOn, m.Note = post.Fields[models.ReturnFieldState(m.Code)], post.Fields[models.ReturnFieldDoneOn(m.Code)], post.Fields[models.ReturnFieldMilestoneNote(m.Code)]
	}
	d.Problems, d.General = fieldMessages(post.Problems)
	return d
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
		if p.Cell == models.ReturnFieldUnit || p.Cell == models.ReturnFieldPeriod {
			general = append(general, p) // the unit and month are chosen above the rows: say it there too
		}
	}
	return byField, general
}
