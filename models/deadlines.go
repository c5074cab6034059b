package models

import (
	"fmt"
	"strings"
	"time"
)

// PeriodDeadline is a due date the office set for a month's returns, replacing the default.
type PeriodDeadline struct {
	Period    string `gorm:"primaryKey;size:7"`
	Due       string `gorm:"size:10;not null"` // YYYY-MM-DD
	SetBy     string `gorm:"size:64"`
	UpdatedAt time.Time
}

// Reopening lets one unit submit a locked month again until it expires.
type Reopening struct {
	ID        uint   `gorm:"primaryKey"`
	UnitCode  string `gorm:"size:32;not null;index:idx_reopening"`
	Period    string `gorm:"size:7;not null;index:idx_reopening"`
	Reason    string `gorm:"not null"`
	By        string `gorm:"size:64"`
	At        time.Time
	ExpiresAt time.Time
}

// Deadline settings and defaults.
const (
	// DefaultDeadlineDay is the day of the next month a return is due by: the plan asks for monthly
	// reporting, and the office's habit is the 5th.
	DefaultDeadlineDay = 5
	// DefaultLockAfterDays is how many days after its deadline a month locks.
	DefaultLockAfterDays = 10
	// ReopenLifetime is how long an office reopening of a locked month lasts.
	ReopenLifetime = 7 * 24 * time.Hour
)

// ReportingZone is the zone deadlines are read in: China Standard Time, which has no daylight saving.
func ReportingZone() *time.Location { return time.FixedZone("CST", 8*3600) }

// FormatLocalTime is a moment as pages, exports and messages show it: to the minute, in the
// reporting zone (China Standard Time), whatever the server's zone.
func FormatLocalTime(t time.Time) string { return t.In(ReportingZone()).Format("2006-01-02 15:04") }

// FormatLocalSecond is FormatLocalTime to the second, for the audit trail (page and export alike),
// where the order of entries a second apart matters.
func FormatLocalSecond(t time.Time) string {
	return t.In(ReportingZone()).Format("2006-01-02 15:04:05")
}

// FormatShortLocalTime is a moment of the current months in a list, without its year: 7月5日 09:30.
func FormatShortLocalTime(t time.Time) string { return t.In(ReportingZone()).Format("1月2日 15:04") }

// FormatLocalDate is the day of a moment in China as sentences write it: 2024年7月5日.
func FormatLocalDate(t time.Time) string { return t.In(ReportingZone()).Format("2006年1月2日") }

// DefaultDeadline is the due date of a month's return: the 5th of the next month.
func DefaultDeadline(p Period) time.Time {
	next := p.AddMonths(1)
	return time.Date(next.Year, time.Month(next.Month), DefaultDeadlineDay, 0, 0, 0, 0, ReportingZone())
}

// ParseDate reads a date written YYYY-MM-DD as midnight in the reporting zone.
func ParseDate(s string) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(s), ReportingZone())
	if err != nil {
		return time.Time{}, Errorf(EInvalid, "日期 %q 格式不正确，应为 年-月-日，例如 2024-07-05。", s)
	}
	return t, nil
}

// DayEnd is the first instant after the day of t: something due on a day is on time until then.
func DayEnd(t time.Time) time.Time {
	t = t.In(ReportingZone())
	return time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, ReportingZone())
}

// LockTime is when a month locks: lockAfterDays whole days after the deadline day has ended.
func LockTime(deadline time.Time, lockAfterDays int) time.Time {
	return DayEnd(deadline).AddDate(0, 0, lockAfterDays)
}

// SubmitCheck is everything the rule for accepting a unit's return for a month needs.
type SubmitCheck struct {
	Period        Period
	UnitStart     Period    // first month the unit reports
	Deadline      time.Time // the month's due date
	LockAfterDays int       // negative: months never lock
	Now           time.Time
	Reopened      bool   // the office reopened the month for this unit and the reopening has not expired
	LatestStatus  string // status of the unit's newest version (or ledger snapshot) for the month, "" when none
	// Subject names what is submitted in the refusal: "月报" when empty, "网点台账" for a ledger.
	Subject string
}

// CanSubmit says whether a unit may upload a return for the month now, and if not, why (in Chinese,
// for the county clerk). A month the office returned can always be corrected; a locked month only
// after the office reopens it for the unit.
func CanSubmit(c SubmitCheck) (bool, string) {
	if c.Period.Before(c.UnitStart) {
		return false, fmt.Sprintf("本单位自%s起报送，%s无需报送。", c.UnitStart.Label(), c.Period.Label())
	}
	first := time.Date(c.Period.Year, time.Month(c.Period.Month), 1, 0, 0, 0, 0, ReportingZone())
	if c.Now.Before(first) {
		return false, fmt.Sprintf("%s尚未开始，不能提前报送。", c.Period.Label())
	}
	if c.LatestStatus == StatusReturned || c.Reopened || c.LockAfterDays < 0 {
		return true, ""
	}
	lock := LockTime(c.Deadline, c.LockAfterDays)
	if !c.Now.Before(lock) {
		subject := c.Subject
		if subject == "" {
			subject = "月报"
		}
		return false, fmt.Sprintf("%s%s已于%s锁定，如需补报或更正，请联系工作专班办公室重新开放。", c.Period.Label(), subject, FormatLocalDate(lock.Add(-time.Second)))
	}
	return true, ""
}

// Timeliness is how a unit's return for a month stands against its deadline.
type Timeliness string

// The timeliness states of the completeness board.
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

// ClassifyTimeliness says whether a unit's return was on time, late or is missing. The first upload
// counts: a correction after the office returns a version does not make a return late.
func ClassifyTimeliness(period, unitStart Period, deadline time.Time, firstUpload *time.Time, now time.Time) Timeliness {
	return classifyByEnd(period, unitStart, DayEnd(deadline), firstUpload, now)
}

// classifyByEnd is ClassifyTimeliness with the end of the deadline day already worked out.
func classifyByEnd(period, unitStart Period, end time.Time, firstUpload *time.Time, now time.Time) Timeliness {
	if period.Before(unitStart) {
		return NotExpected
	}
	if firstUpload != nil {
		if firstUpload.Before(end) {
			return OnTime
		}
		return Late
	}
	if now.Before(end) {
		return NotYetDue
	}
	return Missing
}

// Submission is what the completeness board needs of a unit's return for a month.
type Submission struct {
	FirstUpload  time.Time
	LatestStatus string
	LatestNumber int
	LatestID     uint
	ReviewNote   string
	// LatestUpload is when the newest version was uploaded.
	LatestUpload time.Time
}

// TimelinessGrid classifies every unit's return for every month: deadlines holds the office's due
// dates by month (others default), starts each unit's first reporting month, subs the uploads.
func TimelinessGrid(units []string, starts map[string]Period, periods []Period, deadlines map[string]time.Time,
	subs map[string]map[string]Submission, now time.Time) map[string]map[string]Timeliness {
	ends := make([]time.Time, len(periods))
	for i, p := range periods {
		due, ok := deadlines[p.String()]
		if !ok {
			due = DefaultDeadline(p)
		}
		ends[i] = DayEnd(due)
	}
	out := make(map[string]map[string]Timeliness, len(units))
	for _, u := range units {
		out[u] = make(map[string]Timeliness, len(periods))
		for i, p := range periods {
			key := p.String()
			var first *time.Time
			if sub, ok := subs[u][key]; ok {
				first = &sub.FirstUpload
			}
			out[u][key] = classifyByEnd(p, starts[u], ends[i], first, now)
		}
	}
	return out
}

// ReportingMonths lists the months whose returns can be expected by now: from the plan's start to
// the month before now, capped at the plan's end.
func ReportingMonths(start, end Period, now time.Time) []Period {
	n := now.In(ReportingZone())
	last := Period{Year: n.Year(), Month: int(n.Month())}.AddMonths(-1)
	if end.Before(last) {
		last = end
	}
	return PeriodsBetween(start, last)
}

// Board is the completeness board's data for one month, with the grid of every month.
type Board struct {
	Deadline      time.Time
	LockDate      string
	LockAfterDays int
	Grid          map[string]map[string]Timeliness
	Submissions   map[string]map[string]Submission
	Locked        map[string]bool // unit cannot submit the month now
	Reopened      map[string]bool // unit has a live reopening of the month
}
