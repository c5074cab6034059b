package models

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzSafeCell: SafeCell only ever adds one apostrophe, UnescapeCell takes it back off, and what
// SafeCell returns never starts (after spaces) with a formula character unless it is a plain number.
func FuzzSafeCell(f *testing.F) {
	for _, s := range []string{`=HYPERLINK("http://evil.example","x")`, "-3.5", "＝1", " @x", "\t=1", "abc", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := SafeCell(s)
		if got != s && got != "'"+s {
			t.Fatalf("SafeCell(%q) = %q", s, got)
		}
		if back := UnescapeCell(got); back != s {
			t.Fatalf("UnescapeCell(SafeCell(%q)) = %q", s, back)
		}
		first, _ := utf8.DecodeRuneInString(strings.TrimLeft(got, " \u00a0\u3000"))
		if strings.ContainsRune(cellTriggers, first) && !plainNumber.MatchString(got) {
			t.Fatalf("SafeCell(%q) = %q is still a formula", s, got)
		}
	})
}
