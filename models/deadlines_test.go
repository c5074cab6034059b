package models

import (
	"testing"
	"time"
)

// TestFormatLocalTime: one way each kind of moment is written on pages, exports and messages — in
// China Standard Time, whatever zone the time carries (the office's home had written its own
// "01-02 15:04" beside the briefing's "1月2日 15:04").
func TestFormatLocalTime(t *testing.T) {
	evening := time.Date(2024, 7, 2, 16, 30, 59, 0, time.UTC) // 00:30 on the 3rd in China
	inChina := time.Date(2025, 10, 4, 9, 5, 7, 0, ReportingZone())
	tests := []struct {
		name   string
		format func(time.Time) string
		at     time.Time
		want   string
	}{
		{"UTC evening is the next morning", FormatLocalTime, evening, "2024-07-03 00:30"},
		{"already in China", FormatLocalTime, inChina, "2025-10-04 09:05"},
		{"to the second for the audit trail", FormatLocalSecond, evening, "2024-07-03 00:30:59"},
		{"short, in a list of the current months", FormatShortLocalTime, evening, "7月3日 00:30"},
		{"short, already in China", FormatShortLocalTime, inChina, "10月4日 09:05"},
		{"the day, as a sentence writes it", FormatLocalDate, evening, "2024年7月3日"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.format(tc.at); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
