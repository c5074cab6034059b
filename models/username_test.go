package models

import (
	"strings"
	"testing"
)

// TestCanonicalUsername: the safe set is enforced, names are normalised, and look-alikes of
// existing names are refused with the name they resemble.
func TestCanonicalUsername(t *testing.T) {
	existing := []string{"office", "county-530302", "leader"}
	tests := []struct {
		in, want, refusal string
	}{
		{"clerk", "clerk", ""},
		{"Clerk.Wang_2", "clerk.wang_2", ""},
		{"ｃｌｅｒｋ２", "clerk2", ""}, // full-width, NFKC
		{"county-530303", "county-530303", ""},
		{"../../x", "", "只能包含"},
		{"a/b", "", "只能包含"},
		{`<b>x</b>`, "", "只能包含"},
		{"x y", "", "只能包含"},
		{"ab", "", "3–32"},
		{strings.Repeat("a", 33), "", "3–32"},
		{"-admin", "", "开头"},
		{".hidden", "", "开头"},
		{"a..b", "", "只能包含"},
		{"张三", "", "只能包含"},
		{"", "", "不能为空"},
		{"office", "", "已存在"},
		{"OFFICE", "", "已存在"},
		{"ｏｆｆｉｃｅ", "", "已存在"},
		{"office\u200b", "", "过于相似"},
		{"off\u00adice", "", "过于相似"},
		{"0ffice", "", "过于相似"},
		{"offlce", "", "过于相似"},
		{"of.fice", "", "过于相似"},
		{"county_530302", "", "过于相似"},
		{"county-53O3O2", "", "过于相似"},
		{"1eader", "", "过于相似"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := CanonicalUsername(tt.in, existing)
			if tt.refusal == "" {
				if err != nil || got != tt.want {
					t.Errorf("got %q, %v; want %q", got, err, tt.want)
				}
				return
			}
			if err == nil || !strings.Contains(ErrorMessage(err), tt.refusal) {
				t.Errorf("got %q, %v; want a refusal saying %q", got, err, tt.refusal)
			}
		})
	}
}

// TestTypedUsername: a name typed at sign-in is read as the users table stores it.
func TestTypedUsername(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"office", "office"}, {"  County-530302\t", "county-530302"}, {"ＬＥＡＤＥＲ", "leader"}, {"", ""}, {" 　", ""},
	} {
		t.Run(tt.in, func(t *testing.T) {
			if got := TypedUsername(tt.in); got != tt.want {
				t.Errorf("TypedUsername(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
