package dashboards

import (
	"time"

	"ruralkpi/models"
)

// FollowUpRow is a follow-up (督办) as the pages list it.
type FollowUpRow struct {
	models.FollowUp
	UnitName, IndicatorName, StatusLabel string
	Overdue, CanAnswer                   bool
}

// FollowUpsPrefill is what a link to the follow-ups page fills in the office's form
// (?unit=CODE&indicator=CODE&title=…&due=…).
type FollowUpsPrefill struct{ Unit, Indicator, Title, Due string }

// FollowUpsPage is the follow-ups page (/followups): open ones (overdue counted) and closed ones.
type FollowUpsPage struct {
	Office                        bool
	Open, Closed                  []FollowUpRow
	OpenCount, Overdue            int
	Units                         []models.Unit
	Indicators                    []models.Indicator
	PrefillUnit, PrefillIndicator string
	PrefillTitle, PrefillDue      string
}

// FollowUpDue is a new follow-up's first due day: two weeks on from now, YYYY-MM-DD in China.
func FollowUpDue(now time.Time) string {
	return now.In(models.ReportingZone()).AddDate(0, 0, 14).Format("2006-01-02")
}

// NewFollowUpRow names a follow-up's unit, indicator and state; viewer, when not nil, decides
// whether the row offers the answer form.
func NewFollowUpRow(p *models.Plan, f models.FollowUp, viewer *models.User, now time.Time) FollowUpRow {
	row := FollowUpRow{FollowUp: f, UnitName: p.UnitName(f.UnitCode), IndicatorName: f.Indicator, StatusLabel: models.FollowUpStatus(f.Status).Label(),
		Overdue: models.FollowUpOverdue(f, now)}
	if viewer != nil {
		row.CanAnswer = f.Status != models.FollowUpClosed && models.MayActForUnit(*viewer, f.UnitCode)
	}
	if ind, ok := p.Indicator(f.Indicator); ok {
		row.IndicatorName = ind.Name
	}
	return row
}

// NewFollowUpsPage builds the follow-ups page from the follow-ups the viewer may see (list), the
// users' display names (names: closers are shown by them) and the form's prefill. A prefill for a
// unit without a due day gets FollowUpDue's: a 督办 opened from a red cell comes with its due day.
func NewFollowUpsPage(p *models.Plan, list []models.FollowUp, names map[string]string, viewer models.User, prefill FollowUpsPrefill, now time.Time) FollowUpsPage {
	page := FollowUpsPage{Office: viewer.Role == models.RoleOffice, Units: p.ReportingUnits(), Indicators: p.Indicators,
		PrefillUnit: prefill.Unit, PrefillIndicator: prefill.Indicator, PrefillTitle: prefill.Title, PrefillDue: prefill.Due}
	if page.PrefillDue == "" && page.PrefillUnit != "" {
		page.PrefillDue = FollowUpDue(now)
	}
	for _, f := range list {
		row := NewFollowUpRow(p, f, &viewer, now)
		if f.Status == models.FollowUpClosed {
			row.ClosedBy = ShownName(names, f.ClosedBy) // the page names who closed it as people read it
			page.Closed = append(page.Closed, row)
			continue
		}
		page.Open = append(page.Open, row)
		page.OpenCount++
		if row.Overdue {
			page.Overdue++
		}
	}
	return page
}

// OpenFollowUpRows lists the follow-ups of list not yet closed; with overdueOnly, only those past
// their due day. The rows offer no answer form (the home pages link to the follow-ups page).
func OpenFollowUpRows(p *models.Plan, list []models.FollowUp, now time.Time, overdueOnly bool) []FollowUpRow {
	var out []FollowUpRow
	for _, f := range list {
		if f.Status == models.FollowUpClosed || (overdueOnly && !models.FollowUpOverdue(f, now)) {
			continue
		}
		out = append(out, NewFollowUpRow(p, f, nil, now))
	}
	return out
}

// ShownName is a user's display name from names (user name → display name), or the user name when
// there is none: pages show people by their display names, never by their user names.
func ShownName(names map[string]string, user string) string {
	if n, ok := names[user]; ok {
		return n
	}
	return user
}
