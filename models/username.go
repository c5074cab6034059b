package models

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Usernames are a documented safe set: 3 to 32 characters of a-z, 0-9, dot, underscore and
// hyphen, starting with a letter or digit. They appear in URLs (/admin/users/NAME), file names,
// logs and the audit trail, so nothing else is allowed: no slashes, no markup, no spaces, no
// invisible characters.
const (
	UsernameMinLen = 3
	UsernameMaxLen = 32
)

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// CanonicalUsername returns the name a new user is stored under: NFKC-normalised (full-width
// ｏｆｆｉｃｅ is office) and lower-cased. It refuses a name outside the safe set, and a name that
// looks like one of the existing names (same skeleton once invisible characters are dropped and
// look-alike characters folded: office, 0ffice, off1ce, office\u200b), naming the one it resembles.
func CanonicalUsername(name string, existing []string) (string, error) {
	canon := TypedUsername(name)
	if canon == "" {
		return "", Errorf(EInvalid, "用户名不能为空。")
	}
	skel := usernameSkeleton(canon)
	for _, e := range existing {
		if strings.EqualFold(e, canon) {
			return "", Errorf(EConflict, "用户名 %q 已存在。", e)
		}
		if usernameSkeleton(strings.ToLower(norm.NFKC.String(e))) == skel {
			return "", Errorf(EConflict, "用户名与已有用户 %q 过于相似，容易混淆，请换一个。", e)
		}
	}
	n := len([]rune(canon))
	if n < UsernameMinLen || n > UsernameMaxLen || !usernamePattern.MatchString(canon) || strings.Contains(canon, "..") {
		return "", Errorf(EInvalid, "用户名须为 %d–%d 个字符，只能包含小写英文字母、数字和 . _ -，并以字母或数字开头（例如 county-530302）。",
			UsernameMinLen, UsernameMaxLen)
	}
	return canon, nil
}

// TypedUsername is a name as typed at sign-in (or for a new user) in the form users are stored
// under: spaces around it trimmed, NFKC-normalised (full-width letters of a Chinese input method are
// plain) and lower-cased. It does not check the safe set: a name outside it finds no user.
func TypedUsername(name string) string {
	return strings.ToLower(norm.NFKC.String(strings.TrimSpace(name)))
}

// usernameSkeleton folds what a reader cannot tell apart in a user list: invisible and format
// characters and separators are dropped, and letters and digits that look alike are one.
func usernameSkeleton(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Cf, r) || unicode.IsControl(r) || unicode.IsSpace(r) || unicode.Is(unicode.Mn, r):
		case r == '.' || r == '_' || r == '-':
		case r == '0':
			b.WriteByte('o')
		case r == '1' || r == 'i' || r == '|':
			b.WriteByte('l')
		case r == '5':
			b.WriteByte('s')
		default:
			b.WriteRune(r)
		}
	}
	out := b.String()
	for _, p := range [][2]string{{"rn", "m"}, {"vv", "w"}, {"cl", "d"}} {
		out = strings.ReplaceAll(out, p[0], p[1])
	}
	return out
}
