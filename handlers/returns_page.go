package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
	"ruralkpi/importers/returns"
	"ruralkpi/models"
)

// uploadPageData is the upload page: the units and months to choose from, and a finished preview.
type uploadPageData struct {
	Units         []models.Unit
	Periods       []string
	County        string
	Period        string
	MaxMB         int64
	Office        bool
	Preview       *previewData
	TemplateLimit string
}

// previewData is the outcome of a dry run or an import, as the page shows it.
type previewData struct {
	UnitName string
	Outcome  returns.ImportOutcome
	Rows     []previewRow
	FileB64  string
	FileName string
	Stored   bool
	// Quality lists the data-quality flags of a return that passed its checks.
	Quality *dashboards.QualitySection
}

// previewRow is one figure of a previewed return beside the stored version's.
type previewRow struct {
	Code string `json:"indicator"`
	Name string `json:"name"`
	Unit string `json:"unit"`
	Old  string `json:"old"`
	New  string `json:"new"`
	Kind string `json:"kind"`
	Note string `json:"note"`
}

// uploadPage is where a county downloads its template and uploads the filled return.
func (s *Server) uploadPage(c *fiber.Ctx) error {
	who, err := s.actingUser(c)
	if err != nil {
		return err
	}
	return s.render(c, "returns.html", "returns", "月报填报", s.uploadData(c, who))
}

// uploadData fills the choices of the upload page; a county user only gets its own unit.
func (s *Server) uploadData(c *fiber.Ctx, who actor) uploadPageData {
	d := uploadPageData{Periods: s.reportingPeriods(), County: c.FormValue("county", c.Query("county")),
		Period: c.FormValue("period", c.Query("period")), MaxMB: returnLimits().MaxFileBytes >> 20, Office: who.Unit == ""}
	for _, u := range s.Plan.ReportingUnits() {
		if who.Unit == "" || u.Code == who.Unit {
			d.Units = append(d.Units, u)
		}
	}
	if who.Unit != "" {
		d.County = who.Unit
		// A clerk is offered only the months the unit reports: the six roll-out counties start in 2024-01.
		start := s.Plan.UnitStart(who.Unit)
		for i, p := range d.Periods {
			if p < start {
				d.Periods = d.Periods[:i]
				break
			}
		}
	}
	if d.Period == "" {
		d.Period = s.defaultPeriod()
	}
	return d
}
