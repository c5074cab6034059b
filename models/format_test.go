package models

import (
	"math"
	"testing"
)

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		name        string
		in          float64
		want, plain string
	}{
		{"zero", 0, "0", "0"},
		{"two decimals at most", 1234567.891, "1,234,567.89", "1234567.89"},
		{"negative", -1500, "-1,500", "-1500"},
		{"one decimal kept", 5.9, "5.9", "5.9"},
		{"tiny negative is zero", -0.001, "0", "0"},
		{"no separator below a thousand", 506, "506", "506"},
		{"separator", 1688, "1,688", "1688"},
		{"trailing zero dropped", 1234567.5, "1,234,567.5", "1234567.5"},
		{"rounds up", 0.126, "0.13", "0.13"},
		{"a half rounds away from zero", 0.125, "0.13", "0.13"},
		{"a negative half rounds away from zero", -0.125, "-0.13", "-0.13"},
		{"not a number", math.NaN(), "—", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FormatNumber(tt.in); got != tt.want {
				t.Errorf("FormatNumber(%v) = %q, want %q", tt.in, got, tt.want)
			}
			if got := PlainNumber(tt.in); got != tt.plain {
				t.Errorf("PlainNumber(%v) = %q, want %q", tt.in, got, tt.plain)
			}
		})
	}
}

func TestFormatPercent(t *testing.T) {
	tests := []struct {
		name        string
		in          float64
		want, plain string
	}{
		{"a half rounds away from zero", 0.0625, "6.3%", "6.3"},
		{"one decimal always", 0.5, "50.0%", "50.0"},
		{"over a hundred", 1.234, "123.4%", "123.4"},
		{"tiny negative is zero", -0.0001, "0.0%", "0.0"},
		{"negative half", -0.0625, "-6.3%", "-6.3"},
		{"infinite", math.Inf(1), "—", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FormatPercent(tt.in); got != tt.want {
				t.Errorf("FormatPercent(%v) = %q, want %q", tt.in, got, tt.want)
			}
			if got := PlainPercent(tt.in); got != tt.plain {
				t.Errorf("PlainPercent(%v) = %q, want %q", tt.in, got, tt.plain)
			}
		})
	}
}
