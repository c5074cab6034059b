package models

import (
	"testing"
	"time"
)

// TestFormatLocalTime: one way a moment is written on pages, exports and messages — to the minute in
// China Standard Time, whatever zone the time carries.
func TestFormatLocalTime(t *testing.T) {
	tests := []struct {
		name string
		at   time.Time
		want string
	}{
		{"UTC evening is the next morning", time.Date(2024, 7, 2, 16, 30, 59, 0, time.UTC), "2024-07-03 00:30"},
		{"already in China", time.Date(2025, 10, 4, 9, 5, 0, 0, ReportingZone()), "2025-10-04 09:05"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := FormatLocalTime(tc.at); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
