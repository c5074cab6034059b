package reports

import (
	"time"

	"ruralkpi/models"
)

// Timeliness is how a unit's return for a month stands against its deadline.
type Timeliness string

// The timeliness states; the words match the completeness board's.
const (
	OnTime      Timeliness = "on_time"
	Late        Timeliness = "late"
	Missing     Timeliness = "missing"
	NotYetDue   Timeliness = "pending"
	NotExpected Timeliness = "not_expected"
)

// Label names the state in Chinese.
func (t Timeliness) Label() string {
	switch t {
	case OnTime:
		return "按时"
	case Late:
		return "逾期报送"
	case Missing:
		return "未报送"
	case NotYetDue:
		return "未到期"
	case NotExpected:
		return "无需报送"
	}
	return string(t)
}

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
	switch r.Status {
	case models.StatusApproved:
		return "已通过"
	case models.StatusSubmitted:
		return "待审核"
	case models.StatusReturned:
		return "已退回"
	case "":
		return "—"
	}
	return r.Status
}

// DeadlineDay is the day of the following month a return is due by, unless the office sets another.
const DeadlineDay = 5

// ReportingZone is the zone deadlines are read in: China Standard Time, without daylight saving.
func ReportingZone() *time.Location { return time.FixedZone("CST", 8*3600) }

// DefaultDeadline is the due day of a month's return: the 5th of the following month.
func DefaultDeadline(p models.Period) time.Time {
	next := p.AddMonths(1)
	return time.Date(next.Year, time.Month(next.Month), DeadlineDay, 0, 0, 0, 0, ReportingZone())
}

// ReturnsReceived classifies every reporting unit's return for the month from the stored versions
// of that month (any order, any unit). A return is on time when its first version arrived before the
// end of the deadline day; a unit without any version is missing once that day is over, not yet due
// before; a unit that starts reporting later is not expected.
func ReturnsReceived(p *models.Plan, period models.Period, versions []models.ReturnVersion, deadline, now time.Time) []ReturnRow {
	type agg struct {
		first  time.Time
		number int
		status string
	}
	byUnit := map[string]*agg{}
	for _, v := range versions {
		if v.Period != period.String() {
			continue
		}
		a := byUnit[v.UnitCode]
		if a == nil {
			a = &agg{first: v.UploadedAt}
			byUnit[v.UnitCode] = a
		}
		if v.UploadedAt.Before(a.first) {
			a.first = v.UploadedAt
		}
		if v.Number > a.number {
			a.number, a.status = v.Number, v.Status
		}
	}
	d := deadline.In(ReportingZone())
	dayEnd := time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, ReportingZone())
	units := p.ReportingUnits()
	out := make([]ReturnRow, 0, len(units))
	for _, u := range units {
		row := ReturnRow{Unit: u.Code, Deadline: deadline}
		a := byUnit[u.Code]
		switch {
		case a != nil:
			row.FirstUpload, row.Version, row.Status = a.first, a.number, a.status
			row.Timeliness = OnTime
			if !a.first.Before(dayEnd) {
				row.Timeliness = Late
			}
		case period.String() < p.UnitStart(u.Code):
			row.Timeliness = NotExpected
		case now.Before(dayEnd):
			row.Timeliness = NotYetDue
		default:
			row.Timeliness = Missing
		}
		out = append(out, row)
	}
	return out
}
