package models

import (
	"fmt"
	"strconv"
)

// Period is a calendar month, the unit of reporting.
type Period struct {
	Year  int
	Month int
}

// ParsePeriod reads a month written YYYY-MM.
func ParsePeriod(s string) (Period, error) {
	if !periodPattern.MatchString(s) {
		return Period{}, fmt.Errorf("models: period %q is not a month in the form YYYY-MM", s)
	}
	y, _ := strconv.Atoi(s[:4])
	m, _ := strconv.Atoi(s[5:])
	return Period{Year: y, Month: m}, nil
}

// MustPeriod is ParsePeriod for literals known to be valid; it panics otherwise.
func MustPeriod(s string) Period {
	p, err := ParsePeriod(s)
	if err != nil {
		panic(err)
	}
	return p
}

// String writes the month as YYYY-MM.
func (p Period) String() string { return fmt.Sprintf("%04d-%02d", p.Year, p.Month) }

// Index counts months from year 0, so that differences between periods are month counts.
func (p Period) Index() int { return p.Year*12 + p.Month - 1 }

// AddMonths returns the month n months later (earlier for negative n).
func (p Period) AddMonths(n int) Period {
	i := p.Index() + n
	return Period{Year: i / 12, Month: i%12 + 1}
}

// Before reports whether p comes before q.
func (p Period) Before(q Period) bool { return p.Index() < q.Index() }

// Label writes the month the way the UI shows it, e.g. 2024年6月.
func (p Period) Label() string { return fmt.Sprintf("%d年%d月", p.Year, p.Month) }

// PeriodsBetween lists every month from a to b inclusive.
func PeriodsBetween(a, b Period) []Period {
	var out []Period
	for p := a; !b.Before(p); p = p.AddMonths(1) {
		out = append(out, p)
	}
	return out
}
