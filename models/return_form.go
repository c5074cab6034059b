package models

// The web form of a monthly return (/returns/form) is the template in a browser: the same rows,
// typed into fields instead of cells. The returns importer lays it out (returns.FormFor) and reads
// it back by the same field names; the page shows it and puts each problem beside its field.

// Names of the form's fields; a problem's Cell is one of them.
const (
	ReturnFieldUnit   = "county"
	ReturnFieldPeriod = "period"
)

// ReturnFieldValue names the figure field of an indicator.
func ReturnFieldValue(code string) string { return "v_" + code }

// ReturnFieldNote names the note field of an indicator's figure.
func ReturnFieldNote(code string) string { return "n_" + code }

// ReturnFieldState names the state field of a milestone.
func ReturnFieldState(code string) string { return "s_" + code }

// ReturnFieldDoneOn names the completion-date field of a milestone.
func ReturnFieldDoneOn(code string) string { return "d_" + code }

// ReturnFieldMilestoneNote names the note field of a milestone.
func ReturnFieldMilestoneNote(code string) string { return "mn_" + code }

// ReturnForm is the web form of a unit and month: the rows of its template.
type ReturnForm struct {
	PreviousPeriod string
	// CurrentNumber is the number of the version already stored for the month (0 when none).
	CurrentNumber int
	Rows          []ReturnFormRow
	Milestones    []ReturnFormMilestone
	// States are the milestone states to choose from, in the template's order.
	States []string
}

// ReturnFormRow is one figure row of the form: what the template's row shows beside the input.
type ReturnFormRow struct {
	Code, Name, Unit, Basis string
	// CityTarget, Allocation and Previous are this year's city target, the unit's allocation and the
	// last accepted figure the template shows; OK is false where it shows none.
	CityTarget, Allocation, Previous KnownFigure
	// Value and Note are the month's stored figure and note, pre-filled as in the template.
	Value, Note string
}

// KnownFigure is a reference figure that may be missing.
type KnownFigure struct {
	Value float64
	OK    bool
}

// ReturnFormMilestone is one milestone row of the form.
type ReturnFormMilestone struct {
	Code, Label string
	DueYear     int
	// PreviousState is the state last reported, in the template's words.
	PreviousState string
	// State, DoneOn and Note are the month's stored answer, pre-filled.
	State, DoneOn, Note string
}
