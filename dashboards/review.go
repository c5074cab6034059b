package dashboards

import "ruralkpi/models"

// ReviewRow is a return version on the review page.
type ReviewRow struct {
	models.ReturnVersion
	UnitName, StatusLabel, PeriodLabel, Color, Uploaded string
	Latest                                              bool
	// LaterFlags are the warnings that this correction makes later months' to-date figures fall.
	LaterFlags []string
	// Quality holds the data-quality flags of a version waiting in the office's queue (set by the
	// handler, which reads them).
	Quality *QualitySection
}

// LedgerReviewRow is a ledger snapshot on the review page.
type LedgerReviewRow struct {
	models.LedgerSnapshot
	UnitName, StatusLabel, PeriodLabel, Color, Uploaded string
	Latest                                              bool
}

// ReviewPage is the review page (/review): for the office the versions and ledger snapshots waiting
// for review and recent decisions; for a county its own with the office's decisions and reasons.
type ReviewPage struct {
	Office  bool
	Pending []ReviewRow
	Recent  []ReviewRow
	// LedgerPending and LedgerRecent are the ledger snapshots, reviewed like versions.
	LedgerPending []LedgerReviewRow
	LedgerRecent  []LedgerReviewRow
}

// ReviewInput is what the review page is built from, read by the handler.
type ReviewInput struct {
	Office bool
	// Recent are the newest versions the viewer may see (a county's own only).
	Recent []models.ReturnVersion
	// Waiting are every version awaiting review (the office's queue; ignored for a county).
	Waiting     []models.ReturnVersion
	Submissions map[string]map[string]models.Submission
	Ledgers     models.LedgerReviewList
	// Names maps user names to display names: uploaders and reviewers are shown by them.
	Names map[string]string
	// LaterFlags reads a version's stored warnings for those about later months (importers'
	// LaterMonthsFlags); nil reads none.
	LaterFlags func(warningsJSON string) []string
}

// NewReviewRow shows a version on the review page; latest says it is the newest of its unit and month.
func NewReviewRow(p *models.Plan, v models.ReturnVersion, latest bool, laterFlags func(string) []string) ReviewRow {
	row := ReviewRow{ReturnVersion: v, UnitName: v.UnitCode, StatusLabel: models.ReviewStatus(v.Status).Label(), PeriodLabel: v.Period, Latest: latest,
		Color: ReviewColor(v.Status)}
	row.Uploaded = models.FormatLocalTime(v.UploadedAt)
	if laterFlags != nil {
		row.LaterFlags = laterFlags(v.Warnings)
	}
	if unit, ok := p.Unit(v.UnitCode); ok {
		row.UnitName = unit.Name
	}
	if period, err := models.ParsePeriod(v.Period); err == nil {
		row.PeriodLabel = period.Label()
	}
	return row
}

// NewLedgerReviewRow shows a ledger snapshot on the review page, in a version's words.
func NewLedgerReviewRow(p *models.Plan, snap models.LedgerSnapshot, latest bool) LedgerReviewRow {
	v := NewReviewRow(p, models.ReturnVersion{UnitCode: snap.UnitCode, Period: snap.Period, Status: snap.Status, UploadedAt: snap.UploadedAt}, latest, nil)
	return LedgerReviewRow{LedgerSnapshot: snap, UnitName: v.UnitName, StatusLabel: v.StatusLabel, PeriodLabel: v.PeriodLabel,
		Color: v.Color, Uploaded: v.Uploaded, Latest: latest}
}

// NewReviewPage builds the review page. The office's queue holds every newest version waiting for
// review (in.Waiting), not only those among the recent ones; the recent list leaves them out.
func NewReviewPage(p *models.Plan, in ReviewInput) ReviewPage {
	page := ReviewPage{Office: in.Office}
	isLatest := func(v models.ReturnVersion) bool { return in.Submissions[v.UnitCode][v.Period].LatestID == v.ID }
	for _, v := range in.Recent {
		row := NewReviewRow(p, v, isLatest(v), in.LaterFlags)
		if page.Office && row.Latest && v.Status == models.StatusSubmitted {
			continue // in the queue
		}
		page.Recent = append(page.Recent, row)
	}
	if page.Office {
		for _, v := range in.Waiting {
			if isLatest(v) {
				page.Pending = append(page.Pending, NewReviewRow(p, v, true, in.LaterFlags))
			}
		}
	}
	for _, snap := range in.Ledgers.Pending {
		page.LedgerPending = append(page.LedgerPending, NewLedgerReviewRow(p, snap, true))
	}
	for _, snap := range in.Ledgers.Recent {
		latest := in.Ledgers.Newest[snap.ID]
		if page.Office && latest && snap.Status == models.StatusSubmitted {
			continue // in the queue above
		}
		page.LedgerRecent = append(page.LedgerRecent, NewLedgerReviewRow(p, snap, latest))
	}
	for _, rows := range [][]ReviewRow{page.Pending, page.Recent} {
		for i := range rows {
			rows[i].ReviewedBy = ShownName(in.Names, rows[i].ReviewedBy)
			rows[i].UploadedBy = ShownName(in.Names, rows[i].UploadedBy)
		}
	}
	for _, rows := range [][]LedgerReviewRow{page.LedgerPending, page.LedgerRecent} {
		for i := range rows {
			rows[i].ReviewedBy = ShownName(in.Names, rows[i].ReviewedBy)
			rows[i].UploadedBy = ShownName(in.Names, rows[i].UploadedBy)
		}
	}
	return page
}
