package cli

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"ruralkpi/models"
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

// TestCLIFreeTextLimits: `user add --name` and `token create --name` obey the same limits as the
// web forms, with the same message.
func TestCLIFreeTextLimits(t *testing.T) {
	db := filepath.Join(t.TempDir(), "l.db")
	long := strings.Repeat("长", models.MaxDisplayName+1)
	code, _, errOut := run(t, "long-enough-pw\n", "user", "add", "--db", db, "--username", "office", "--role", "office", "--name", long)
	if code == 0 || !strings.Contains(errOut, "不能超过 "+strconv.Itoa(models.MaxDisplayName)+" 个字") {
		t.Errorf("user add with a long name: %d %q", code, errOut)
	}
	if code, _, errOut := run(t, "long-enough-pw\n", "user", "add", "--db", db, "--username", "office", "--role", "office"); code != 0 {
		t.Fatalf("user add: %d %q", code, errOut)
	}
	code, _, errOut = run(t, "", "token", "create", "--db", db, "--user", "office", "--name", strings.Repeat("长", models.MaxTokenName+1))
	if code == 0 || !strings.Contains(errOut, "不能超过 "+strconv.Itoa(models.MaxTokenName)+" 个字") {
		t.Errorf("token create with a long name: %d %q", code, errOut)
	}
}
