package dashboards

import "ruralkpi/models"

// LedgerComparisonRow is one indicator derived from a ledger beside the reported one.
type LedgerComparisonRow struct {
	models.LedgerComparison
	Name string
	// ByReturn is the office's choice that the return counts for this indicator.
	ByReturn bool
}

// LedgerComparisonRows names the indicators of a comparison and marks the office's choices
// (sources: indicator → the figure that counts).
func LedgerComparisonRows(p *models.Plan, cmps []models.LedgerComparison, sources map[string]models.LedgerSource) []LedgerComparisonRow {
	out := make([]LedgerComparisonRow, 0, len(cmps))
	for _, cmp := range cmps {
		name := cmp.Indicator
		if ind, ok := p.Indicator(cmp.Indicator); ok {
			name = ind.Name
		}
		out = append(out, LedgerComparisonRow{LedgerComparison: cmp, Name: name, ByReturn: sources[cmp.Indicator] == models.LedgerSourceReturn})
	}
	return out
}

// LedgerPerPage is how many points a page of the ledger browser lists.
const LedgerPerPage = 50

// LedgerPage is the ledger browser of a unit (/ledger/:county): its snapshots, a page of points,
// and the derived figures beside the reported ones.
type LedgerPage struct {
	Unit   models.Unit
	Browse models.LedgerBrowse
	// Uploaded is when the shown snapshot was uploaded, in China time (models.FormatLocalTime).
	Uploaded   string
	Query      models.LedgerPointQuery
	Fused      string
	Direct     string
	Comparison []LedgerComparisonRow
	Pages      int
	Statuses   [][2]string
	// CanUpload is true for the office and the unit's own clerks; Office also edits villages and sources.
	CanUpload, Office bool
	Periods           []string
	Period            string
}

// LedgerFilters is the ledger browser's 是/否 filters as typed ("1", "0" or empty), echoed into its form.
type LedgerFilters struct{ Fused, Direct string }

// NewLedgerPage builds the ledger browser from the store's page of the unit's ledger (b, read with
// q), for the viewer (nil: nobody signed in); periods and period are the upload form's months.
func NewLedgerPage(p *models.Plan, unit models.Unit, b models.LedgerBrowse, q models.LedgerPointQuery, filters LedgerFilters, viewer *models.User, periods []string, period string) LedgerPage {
	page := LedgerPage{Unit: unit, Browse: b, Query: q, Fused: filters.Fused, Direct: filters.Direct,
		Pages: int((b.Page.Total + LedgerPerPage - 1) / LedgerPerPage),
		Statuses: [][2]string{{models.LedgerOperating.Code(), models.LedgerOperating.Label()},
			{models.LedgerMerged.Code(), models.LedgerMerged.Label()}, {models.LedgerClosed.Code(), models.LedgerClosed.Label()}}}
	page.CanUpload = viewer != nil && models.MayActForUnit(*viewer, unit.Code)
	page.Office = viewer != nil && viewer.Role == models.RoleOffice
	page.Periods, page.Period = periods, period
	if !b.Snapshot.UploadedAt.IsZero() {
		page.Uploaded = models.FormatLocalTime(b.Snapshot.UploadedAt)
	}
	page.Comparison = LedgerComparisonRows(p, b.Comparison, b.Sources)
	return page
}

// LedgerPointPage is one point through every snapshot of its unit's ledger (/ledger/:county/points/:code).
type LedgerPointPage struct {
	Unit    models.Unit
	Code    string
	History []models.LedgerPointHistory
}

// CountyLedger is the ledger section of the unit page: the newest snapshot's derived figures
// beside the return's.
type CountyLedger struct {
	Snapshot models.LedgerSnapshot
	Rows     []LedgerComparisonRow
	// Mismatches counts the indicators whose ledger and return figures differ.
	Mismatches int
	// CanBrowse is true for users who may open the unit's ledger.
	CanBrowse bool
}

// NewCountyLedger builds the unit page's ledger section from a snapshot and its comparison with
// the return of its month.
func NewCountyLedger(p *models.Plan, snap models.LedgerSnapshot, cmps []models.LedgerComparison, sources map[string]models.LedgerSource, canBrowse bool) *CountyLedger {
	out := &CountyLedger{Snapshot: snap, Rows: LedgerComparisonRows(p, cmps, sources), CanBrowse: canBrowse}
	for _, cmp := range cmps {
		if cmp.Mismatch {
			out.Mismatches++
		}
	}
	return out
}
