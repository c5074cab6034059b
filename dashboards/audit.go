package dashboards

import "ruralkpi/models"

// AuditPageLimit caps the entries the audit page shows; the export has them all.
const AuditPageLimit = 500

// AuditQuery is the audit page's filter as typed (echoed into its form).
type AuditQuery struct {
	Actor, Action, Subject, From, To string
}

// AuditRow is an audit entry on the audit page, its time in China and its action named.
type AuditRow struct {
	models.AuditEntry
	When, ActionLabel string
}

// AuditPage is the office's audit trail browser (/audit).
type AuditPage struct {
	Filter      AuditQuery
	Actions     [][2]string
	Rows        []AuditRow
	Limit       int
	Truncated   bool
	ExportQuery string
}

// NewAuditPage builds the audit page from the entries the filter matched (read with a limit of
// AuditPageLimit+1, so that a longer list shows as truncated); exportQuery is the query string the
// export link carries.
func NewAuditPage(q AuditQuery, entries []models.AuditEntry, exportQuery string) AuditPage {
	page := AuditPage{Filter: q, Actions: models.AuditActions(), Limit: AuditPageLimit, ExportQuery: exportQuery}
	if len(entries) > AuditPageLimit {
		entries, page.Truncated = entries[:AuditPageLimit], true
	}
	for _, e := range entries {
		page.Rows = append(page.Rows, AuditRow{AuditEntry: e, When: models.FormatLocalSecond(e.At), ActionLabel: models.AuditAction(e.Action).Label()})
	}
	return page
}
