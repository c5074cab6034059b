package models

import (
	"time"
)

// QualityHistoryMonths is how far back the unit's own months are read for the flag rules.
const QualityHistoryMonths = 7

// QualityDismissal records that the office looked at a data-quality flag and dismissed it, and why.
type QualityDismissal struct {
	ID     uint   `gorm:"primaryKey"`
	Key    string `gorm:"size:200;not null;uniqueIndex"`
	Reason string `gorm:"not null"`
	By     string `gorm:"size:64"`
	At     time.Time
}

// MonthsInYear counts the plan's months in a calendar year (the first year of a plan starting in
// August has 5): a flow's target pace is its allocation spread over them.
func MonthsInYear(p *Plan, year int) int {
	n := 0
	for m := 1; m <= 12; m++ {
		if p.ContainsPeriod(Period{Year: year, Month: m}.String()) {
			n++
		}
	}
	return n
}

// FirstMonthInYear is the first month of a calendar year the plan covers (8 for a plan starting in
// August that year, 1 otherwise); 0 when it covers none.
func FirstMonthInYear(p *Plan, year int) int {
	for m := 1; m <= 12; m++ {
		if p.ContainsPeriod(Period{Year: year, Month: m}.String()) {
			return m
		}
	}
	return 0
}

// VersionValues returns a version's figures by indicator.
func VersionValues(v ReturnVersion) map[string]float64 {
	out := make(map[string]float64, len(v.Values))
	for _, val := range v.Values {
		out[val.Indicator] = val.Value
	}
	return out
}
