package dashboards

import "ruralkpi/models"

// UploadPage is the upload page: the units and months to choose from, and a finished preview.
type UploadPage struct {
	Units         []models.Unit
	Periods       []string
	County        string
	Period        string
	MaxMB         int64
	Office        bool
	Preview       *Preview
	TemplateLimit string
}

// UploadChoice is what the upload page is built from besides the plan: the months open for returns
// (newest first), the user's unit ("" for the office), the unit and month asked for, the month
// offered when none is, and the upload limit in MB.
type UploadChoice struct {
	Periods        []string
	UserUnit       string
	County, Period string
	DefaultPeriod  string
	MaxMB          int64
}

// NewUploadPage fills the choices of the upload page; a county user only gets its own unit, and
// only the months the unit reports (the six roll-out counties start in 2024-01).
func NewUploadPage(p *models.Plan, in UploadChoice) UploadPage {
	d := UploadPage{Periods: in.Periods, County: in.County, Period: in.Period, MaxMB: in.MaxMB, Office: in.UserUnit == ""}
	for _, u := range p.ReportingUnits() {
		if in.UserUnit == "" || u.Code == in.UserUnit {
			d.Units = append(d.Units, u)
		}
	}
	if in.UserUnit != "" {
		d.County = in.UserUnit
		start := p.UnitStart(in.UserUnit)
		for i, period := range d.Periods {
			if period < start {
				d.Periods = d.Periods[:i]
				break
			}
		}
	}
	if d.Period == "" {
		d.Period = in.DefaultPeriod
	}
	return d
}

// Preview is the outcome of a dry run or an import, as the upload page and the web form show it.
type Preview struct {
	UnitName, UnitCode, Period string
	// PreviousNumber is the number of the version the return would follow (0 if none).
	PreviousNumber     int
	Problems, Warnings []models.Problem
	Rows               []PreviewRow
	FileB64, FileName  string
	Stored             bool
	// Quality lists the data-quality flags of a return that passed its checks.
	Quality *QualitySection
}

// PreviewRow is one figure of a previewed return beside the stored version's.
type PreviewRow struct {
	Code string `json:"indicator"`
	Name string `json:"name"`
	Unit string `json:"unit"`
	Old  string `json:"old"`
	New  string `json:"new"`
	Kind string `json:"kind"`
	Note string `json:"note"`
}

// PreviewInput is what an import made of a return: its unit and month, the version it follows,
// its problems and warnings, its changes to that version and whether it was stored.
type PreviewInput struct {
	UnitCode, Period   string
	PreviousNumber     int
	Problems, Warnings []models.Problem
	Changes            []models.ReturnChange
	Stored             bool
}

// NewPreview lays an import's outcome out for the page: the unit named, each change with the
// indicator's unit and a Chinese word for what changed.
func NewPreview(p *models.Plan, in PreviewInput) *Preview {
	pv := &Preview{UnitName: p.UnitName(in.UnitCode), UnitCode: in.UnitCode, Period: in.Period, PreviousNumber: in.PreviousNumber,
		Problems: in.Problems, Warnings: in.Warnings, Stored: in.Stored}
	for _, ch := range in.Changes {
		row := PreviewRow{Code: ch.Indicator, Name: ch.Name, Old: ch.Old, New: ch.New, Kind: changeLabel(ch)}
		if ind, ok := p.Indicator(ch.Indicator); ok {
			row.Unit = ind.Unit
		}
		pv.Rows = append(pv.Rows, row)
	}
	return pv
}

// changeLabel names a change in Chinese.
func changeLabel(ch models.ReturnChange) string {
	label := map[string]string{models.ReturnChangeAdded: "新增", models.ReturnChangeRemoved: "本次未填", models.ReturnChangeChanged: "有变化", models.ReturnChangeSame: "无变化"}[ch.Kind]
	if ch.NoteChanged && ch.Kind == models.ReturnChangeSame {
		label = "备注有变化"
	}
	return label
}
