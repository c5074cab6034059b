package reports

import (
	"time"

	"ruralkpi/models"
)

// Timeliness is how a unit's return for a month stands against its deadline: the completeness
// board's states (models.Timeliness), so that the board, the workbook and the briefing agree.
type Timeliness = models.Timeliness

// The timeliness states.
const (
	OnTime      = models.OnTime
	Late        = models.Late
	Missing     = models.Missing
	NotYetDue   = models.NotYetDue
	NotExpected = models.NotExpected
)

// ReturnRow is one reporting unit's return for a month as the 报送情况 sheet shows it.
type ReturnRow struct {
	Unit       string
	Timeliness Timeliness
	Deadline   time.Time
	// FirstUpload is when the first version arrived (zero when none): it decides on time or late,
	// so that a correction the office asked for does not make a return late.
	FirstUpload time.Time
	// Version is the newest version's number (0 when none) and Status its review status.
	Version int
	Status  string
}

// Approved reports whether the newest version has been approved by the office.
func (r ReturnRow) Approved() bool { return r.Status == models.StatusApproved }

// ReviewLabel names the newest version's review status in Chinese.
func (r ReturnRow) ReviewLabel() string {
	if r.Status == "" {
		return "—"
	}
	return models.ReviewStatus(r.Status).Label()
}

// ReturnsReceived classifies every reporting unit's return for the month from the stored versions
// of that month (any order, any unit), with the completeness board's rule (models.ClassifyTimeliness):
// on time when the first version arrived by the end of the deadline day, late after it; without a
// version, missing once that day is over and not yet due before; not expected before the unit starts.
func ReturnsReceived(p *models.Plan, period models.Period, versions []models.ReturnVersion, deadline, now time.Time) []ReturnRow {
	byUnit := map[string]models.Submission{}
	for _, v := range versions {
		if v.Period != period.String() {
			continue
		}
		a, seen := byUnit[v.UnitCode]
		if !seen || v.UploadedAt.Before(a.FirstUpload) {
			a.FirstUpload = v.UploadedAt
		}
		if v.Number > a.LatestNumber {
			a.LatestNumber, a.LatestStatus = v.Number, v.Status
		}
		byUnit[v.UnitCode] = a
	}
	return returnRows(p, period, func(unit string) (models.Submission, bool) { a, ok := byUnit[unit]; return a, ok }, deadline, now)
}

// ReturnsSubmitted is ReturnsReceived from the month's submissions (per unit: the first upload and
// the newest version, as the read model keeps them, unit → month → submission), without reading
// the versions.
func ReturnsSubmitted(p *models.Plan, period models.Period, subs map[string]map[string]models.Submission, deadline, now time.Time) []ReturnRow {
	key := period.String()
	return returnRows(p, period, func(unit string) (models.Submission, bool) { a, ok := subs[unit][key]; return a, ok }, deadline, now)
}

// returnRows classifies every reporting unit's return from its submission for the month.
func returnRows(p *models.Plan, period models.Period, sub func(unit string) (models.Submission, bool), deadline, now time.Time) []ReturnRow {
	units := p.ReportingUnits()
	out := make([]ReturnRow, 0, len(units))
	for _, u := range units {
		row := ReturnRow{Unit: u.Code, Deadline: deadline}
		start, err := models.ParsePeriod(p.UnitStart(u.Code))
		if err != nil {
			start = period
		}
		var first *time.Time
		if a, ok := sub(u.Code); ok {
			row.FirstUpload, row.Version, row.Status = a.FirstUpload, a.LatestNumber, a.LatestStatus
			first = &a.FirstUpload
		}
		row.Timeliness = models.ClassifyTimeliness(period, start, deadline, first, now)
		out = append(out, row)
	}
	return out
}
