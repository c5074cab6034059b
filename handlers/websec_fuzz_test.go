package handlers

import (
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// browserRead is how a browser reads a Location path: tabs and line breaks dropped, backslashes
// taken for slashes.
func browserRead(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		if r == '\\' {
			return '/'
		}
		return r
	}, s)
	return strings.TrimLeft(s, " \x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f")
}

// FuzzSafeNext: whatever comes in, what safeNext returns is "/" or a path that a browser, after its
// own normalisation and after percent-decoding, reads as a path of this site.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/", "/returns?county=530302", "/\t/evil.example/", "/%09/evil.example", "//evil.example", "/\\evil.example",
		"/%5C%5Cevil.example", "/%252F%252Fevil.example", "https://evil.example", "javascript:alert(1)", "/\u3000/evil.example"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next)
		if got == "/" {
			return
		}
		if got != next {
			t.Fatalf("safeNext(%q) = %q: neither kept nor refused", next, got)
		}
		for s, i := got, 0; i < 4; i++ {
			read := browserRead(s)
			u, err := url.Parse(read)
			if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(read, "/") || strings.HasPrefix(read, "//") {
				t.Fatalf("safeNext kept %q, which a browser reads as %q", next, read)
			}
			d, err := url.PathUnescape(s)
			if err != nil || d == s {
				break
			}
			s = d
		}
	})
}

// FuzzDownloadName: a download name never carries a control, format or bidi character, a path or
// a reserved character, is never longer than the limit, and always ends in the extension asked for.
func FuzzDownloadName(f *testing.F) {
	for _, s := range []string{"麒麟区月报.hta", "a\u202Exslx.hta", `..\..\x.xlsx`, "", ".", "   .xlsx", "\u200b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got := downloadName(name, ".xlsx", "fallback")
		if !strings.HasSuffix(got, ".xlsx") || utf8.RuneCountInString(got) > maxDownloadNameRunes+len(".xlsx") {
			t.Fatalf("downloadName(%q) = %q", name, got)
		}
		for _, r := range got {
			if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || strings.ContainsRune(`<>:"/\|?*`, r) {
				t.Fatalf("downloadName(%q) = %q keeps %U", name, got, r)
			}
		}
	})
}
