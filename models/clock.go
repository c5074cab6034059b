package models

import (
	"fmt"
	"time"
)

// DemoToday is the demo's date: the day before September 2025's returns are due (the 5th), when
// some units have filed, one was sent back and filed again, and two have not filed yet.
const DemoToday = "2025-10-04"

// ClockAt returns the one clock a server runs on when it is told the date (`serve --demo` or
// `--today`): it reads that day, with the wall clock's time of day running on, so that sessions and
// throttles still expire while deadlines, locks, forecasts and default months read the set date.
func ClockAt(day time.Time, wall func() time.Time) func() time.Time {
	w := wall().In(ReportingZone())
	d := day.In(ReportingZone())
	start := time.Date(d.Year(), d.Month(), d.Day(), w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), ReportingZone())
	offset := start.Sub(w)
	return func() time.Time { return wall().Add(offset) }
}

// ParseToday reads a `--today` value (YYYY-MM-DD) as that day in the reporting zone.
func ParseToday(s string) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01-02", s, ReportingZone())
	if err != nil {
		return time.Time{}, fmt.Errorf("models: --today %q is not a date written YYYY-MM-DD", s)
	}
	return t, nil
}

// ReportingMonth is the month whose return is being collected on a day: the month before.
func ReportingMonth(now time.Time) Period {
	t := now.In(ReportingZone())
	return Period{Year: t.Year(), Month: int(t.Month())}.AddMonths(-1)
}
