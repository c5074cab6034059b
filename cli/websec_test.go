package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestUserAddRefusesUnsafeUsernames: `user add` applies the same username rules as the web form.
func TestUserAddRefusesUnsafeUsernames(t *testing.T) {
	db := filepath.Join(t.TempDir(), "u.db")
	if code, _, errOut := run(t, "long-enough-pw\n", "user", "add", "--db", db, "--username", "office", "--role", "office"); code != 0 {
		t.Fatalf("first user: %d %s", code, errOut)
	}
	for _, tc := range []struct{ name, want string }{
		{"../../x", "只能包含"}, {"a/b", "只能包含"}, {"<b>x</b>", "只能包含"}, {"office\u200b", "过于相似"}, {"0ffice", "过于相似"},
	} {
		code, _, errOut := run(t, "long-enough-pw\n", "user", "add", "--db", db, "--username", tc.name, "--role", "leader")
		if code == 0 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%q: %d %q, want failure saying %q", tc.name, code, errOut, tc.want)
		}
	}
}
