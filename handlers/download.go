package handlers

import (
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
)

// maxDownloadNameRunes caps the name part of a download's file name (without the extension):
// long enough for "麒麟区-2024-06-第3版-更正", short enough for every file system and dialog.
const maxDownloadNameRunes = 80

// downloadName makes a name stored from an upload safe to offer for saving: no directories, no
// control, format or bidirectional characters (U+202E would show "xslx.hta" as "ath.xlsx"), none of
// the characters Windows forbids, at most maxDownloadNameRunes characters, and always the extension
// ext of what was validated, whatever extension the uploader gave. fallback names a file whose
// name has nothing left.
func downloadName(name, ext, fallback string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	var b strings.Builder
	for _, r := range name {
		switch {
		case r == utf8.RuneError || unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp, unicode.Co, unicode.Cs):
		case strings.ContainsRune(`<>:"/\|?*`, r):
			b.WriteRune('_')
		default:
			b.WriteRune(r)
		}
	}
	stem := strings.TrimSpace(b.String())
	stem = strings.TrimSuffix(stem, path.Ext(stem))
	if r := []rune(stem); len(r) > maxDownloadNameRunes {
		stem = string(r[:maxDownloadNameRunes])
	}
	stem = strings.Trim(stem, ". ") // Windows drops trailing dots and spaces
	if stem == "" {
		stem = fallback
	}
	return stem + ext
}

// attachment makes the response a download named name: Content-Disposition attachment with an
// ASCII filename for old clients and the UTF-8 name as an RFC 5987 filename*. The name is cleaned
// by downloadName, keeping its own extension.
func attachment(c *fiber.Ctx, name string) {
	name = downloadName(name, path.Ext(name), "download")
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '%' || r == ';' {
			return '_'
		}
		return r
	}, name)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+ascii+`"; filename*=UTF-8''`+rfc5987(name))
}

// rfc5987 percent-encodes every byte of s but RFC 5987's attr-char.
func rfc5987(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
