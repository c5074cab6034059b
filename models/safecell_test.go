package models

import (
	"strings"
	"testing"
)

// TestSafeCell checks the one cell escape: every way a cell can start a formula is defused, and
// numbers, negative ones included, stay numbers.
func TestSafeCell(t *testing.T) {
	hostile := []string{
		`=HYPERLINK("http://evil.example","x")`, "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
		"\t=1+1", "\r=1+1", "\n=1+1", " =1+1", "\u3000=1+1", "\u00a0@x",
		"＝HYPERLINK(\"http://evil.example\")", "＋1+1", "－1+1", "＠SUM(A1)", "=1", "-", "+", "@", "-1+1", "-1e5+A1", "--1",
	}
	for _, s := range hostile {
		t.Run("hostile "+s, func(t *testing.T) {
			if got := SafeCell(s); got != "'"+s {
				t.Errorf("SafeCell(%q) = %q, want it prefixed with an apostrophe", s, got)
			}
		})
	}
	kept := []string{"", "麒麟区", "3.5", "-3.5", "+2", "-1,234.5", "-12%", "1e6", "-1.5E-3", "abc=1", "'abc", "'-3", "0"}
	for _, s := range append(hostile, kept...) {
		t.Run("round trip "+s, func(t *testing.T) {
			if got := UnescapeCell(SafeCell(s)); got != s {
				t.Errorf("UnescapeCell(SafeCell(%q)) = %q", s, got)
			}
		})
	}
	for _, s := range []string{"'=typed", "''+x"} {
		t.Run("apostrophe kept "+s, func(t *testing.T) {
			if got := UnescapeCell(SafeCell(s)); got != s || !strings.HasPrefix(SafeCell(s), "''") {
				t.Errorf("SafeCell(%q) = %q, back %q", s, SafeCell(s), got)
			}
		})
	}
	for _, s := range kept {
		t.Run("kept "+s, func(t *testing.T) {
			if got := SafeCell(s); got != s {
				t.Errorf("SafeCell(%q) = %q, want it unchanged", s, got)
			}
		})
	}
}
