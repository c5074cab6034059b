package models

import (
	"math"
	"strconv"
	"strings"
)

// NumberDecimals and PercentDecimals are how many decimals a figure and a percentage are shown with.
// Pages, the CSV export, the monthly workbook and the briefing all round the same way
// (RoundHalfAway), so that one figure reads the same everywhere.
const (
	NumberDecimals  = 2
	PercentDecimals = 1
)

// RoundHalfAway rounds v to the given decimals, halves away from zero (四舍五入): 6.25 → 6.3 at one
// decimal, 0.125 → 0.13 at two, as Excel shows them.
func RoundHalfAway(v float64, decimals int) float64 {
	scale := math.Pow(10, float64(decimals))
	return math.Round(v*scale) / scale
}

// FormatNumber writes a figure the way Chinese reports do: rounded to NumberDecimals, thousands
// separators, no trailing zeros; "—" when the figure is not a number.
func FormatNumber(v float64) string {
	s := PlainNumber(v)
	if s == "" {
		return "—"
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// PlainNumber writes a figure for machines (the CSV export): the digits FormatNumber shows, without
// thousands separators; "" when the figure is not a number.
func PlainNumber(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	s := strconv.FormatFloat(RoundHalfAway(v, NumberDecimals), 'f', NumberDecimals, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		return "0"
	}
	return s
}

// FormatPercent writes a share (1 = 100%) as a percentage rounded to PercentDecimals, with its
// sign: 0.0625 → "6.3%"; "—" when the share is not a number.
func FormatPercent(share float64) string {
	s := PlainPercent(share)
	if s == "" {
		return "—"
	}
	return s + "%"
}

// PlainPercent writes a share as FormatPercent does, without the % sign (the CSV export names the
// unit in its header); "" when the share is not a number.
func PlainPercent(share float64) string {
	if math.IsNaN(share) || math.IsInf(share, 0) {
		return ""
	}
	s := strconv.FormatFloat(RoundHalfAway(share*100, PercentDecimals), 'f', PercentDecimals, 64)
	if s == "-0.0" {
		return "0.0"
	}
	return s
}
