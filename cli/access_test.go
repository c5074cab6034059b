package cli

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ruralkpi/models"
	"ruralkpi/store"
)

func runCLI(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run(append([]string{"ruralkpi"}, args...), Env{Stdout: &out, Stderr: &errOut, Stdin: strings.NewReader(stdin)})
	return out.String(), errOut.String(), code
}

func TestUserAndTokenCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "cli.db")
	steps := []struct {
		name     string
		stdin    string
		args     []string
		wantCode int
		wantOut  string
	}{
		{"add", "first password\n", []string{"user", "add", "--db", db, "--username", "clerk", "--role", "county", "--unit", "530302"}, 0, "created county user"},
		{"list", "", []string{"user", "list", "--db", db}, 0, "clerk     county  530302  active"},
		{"set-role to another unit", "", []string{"user", "set-role", "--db", db, "--username", "clerk", "--role", "county", "--unit", "530303"}, 0, "set-role done"},
		{"set-role refuses a bad unit", "", []string{"user", "set-role", "--db", db, "--username", "clerk", "--role", "county", "--unit", "nowhere"}, 1, ""},
		{"reset-password", "second password\n", []string{"user", "reset-password", "--db", db, "--username", "clerk"}, 0, "reset-password done"},
		{"reset-password refuses a short one", "short\n", []string{"user", "reset-password", "--db", db, "--username", "clerk"}, 1, ""},
		{"disable", "", []string{"user", "disable", "--db", db, "--username", "clerk"}, 0, "disable done"},
		{"token for a disabled user", "", []string{"token", "create", "--db", db, "--user", "clerk"}, 1, ""},
		{"enable", "", []string{"user", "enable", "--db", db, "--username", "clerk"}, 0, "enable done"},
		{"unknown user", "", []string{"user", "disable", "--db", db, "--username", "ghost"}, 1, ""},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			out, errOut, code := runCLI(t, st.stdin, st.args...)
			if code != st.wantCode || !strings.Contains(out, st.wantOut) {
				t.Errorf("code %d, out %q, err %q; want code %d and %q", code, out, errOut, st.wantCode, st.wantOut)
			}
		})
	}
	out, errOut, code := runCLI(t, "", "token", "create", "--db", db, "--user", "clerk", "--name", "nightly")
	token := strings.TrimSpace(out)
	if code != 0 || strings.Count(out, "\n") != 1 || !strings.HasPrefix(token, "rk_") {
		t.Fatalf("token create printed %q (%s), code %d", out, errOut, code)
	}
	store, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	u, err := store.TokenUser(token, time.Now())
	if err != nil || u.Username != "clerk" || u.UnitCode != "530303" || u.Disabled {
		t.Errorf("token user: %+v %v", u, err)
	}
	if !models.CheckPassword(u.PasswordHash, "second password") {
		t.Error("password was not reset")
	}
	entries, _ := store.AuditEntries(models.AuditFilter{Actor: "cli"})
	if len(entries) != 6 { // add, set-role, reset-password, disable, enable, token
		t.Errorf("want 6 audited CLI changes, got %d", len(entries))
	}
}
