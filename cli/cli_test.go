package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ruralkpi/models"
)

func run(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run(append([]string{"ruralkpi"}, args...), Env{Stdout: &out, Stderr: &errOut, Stdin: strings.NewReader(stdin)})
	return code, out.String(), errOut.String()
}

func TestHelpAndUnknownCommand(t *testing.T) {
	if code, _, errOut := run(t, ""); code != 2 || !strings.Contains(errOut, "serve") {
		t.Errorf("no args: %d %q", code, errOut)
	}
	if code, _, errOut := run(t, "", "frobnicate"); code != 2 || !strings.Contains(errOut, "unknown command") {
		t.Errorf("unknown: %d %q", code, errOut)
	}
	for _, cmd := range []string{"serve", "version"} {
		if code, out, _ := run(t, "", cmd, "--help"); code != 0 || !strings.Contains(out, "Usage: ruralkpi "+cmd) {
			t.Errorf("%s --help: %d %q", cmd, code, out)
		}
	}
	if code, out, _ := run(t, "", "user", "add", "--help"); code != 0 || !strings.Contains(out, "--username") {
		t.Errorf("user add --help: %d %q", code, out)
	}
}

func TestServeConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  ServeConfig
		want string
	}{
		{"ok", ServeConfig{Addr: "127.0.0.1:3000", DBPath: "x.db", BodyLimit: 16 << 20}, ""},
		{"no db", ServeConfig{Addr: "127.0.0.1:3000", BodyLimit: 16 << 20}, "--db is required"},
		{"bad addr", ServeConfig{Addr: "3000", DBPath: "x.db", BodyLimit: 16 << 20}, "not host:port"},
		{"tiny body limit", ServeConfig{Addr: ":3000", DBPath: "x.db", BodyLimit: 10}, "below 1 MiB"},
		{"negative memory limit", ServeConfig{Addr: ":3000", DBPath: "x.db", BodyLimit: 16 << 20, MemoryLimitMiB: -1}, "is negative"},
		{"trusted proxies", ServeConfig{Addr: ":3000", DBPath: "x.db", BodyLimit: 16 << 20, TrustedProxies: []string{"10.0.0.5", "10.1.0.0/16", "::1"}}, ""},
		{"bad trusted proxy", ServeConfig{Addr: ":3000", DBPath: "x.db", BodyLimit: 16 << 20, TrustedProxies: []string{"nginx.internal"}}, "neither an IP address nor a CIDR range"},
		{"today not a date", ServeConfig{Addr: ":3000", DBPath: "x.db", BodyLimit: 16 << 20, Today: "2025-13-01"}, "--today"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("Validate() = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestDemoRefusedOnRealDatabase(t *testing.T) {
	db := filepath.Join(t.TempDir(), "real.db")
	code, out, errOut := run(t, "a-long-password\n", "user", "add", "--db", db, "--username", "zhang", "--role", "office")
	if code != 0 || !strings.Contains(out, `created office user "zhang"`) {
		t.Fatalf("user add: %d %q %q", code, out, errOut)
	}
	code, _, errOut = run(t, "", "serve", "--demo", "--db", db, "--addr", "127.0.0.1:0")
	if code != 1 || !strings.Contains(errOut, "refusing --demo") {
		t.Errorf("serve --demo on real db: %d %q", code, errOut)
	}
}

func TestUserAddErrors(t *testing.T) {
	db := filepath.Join(t.TempDir(), "u.db")
	tests := []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{"short password", "short\n", []string{"--username", "clerk-a", "--role", "office"}, "至少需要8个字符"},
		{"county without unit", "long-enough-pw\n", []string{"--username", "clerk-b", "--role", "county"}, "不是本方案的填报单位"},
		{"unknown role", "long-enough-pw\n", []string{"--username", "clerk-c", "--role", "boss"}, "未知角色"},
		{"no username", "long-enough-pw\n", []string{"--role", "office"}, "--username is required"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := run(t, tc.stdin, append([]string{"user", "add", "--db", db}, tc.args...)...)
			if code == 0 || !strings.Contains(errOut, tc.want) {
				t.Errorf("%d %q, want failure saying %q", code, errOut, tc.want)
			}
		})
	}
}

func TestPlanFlagRefusesBadPlan(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"code": "x", "name": "x", "start_period": "2023-08", "end_period": "2025-12", "years": [2023], "workstreams": [], "indicators": [{"code": "a", "name": "A", "kind": "sometimes", "workstream": "w", "rollup": "sum", "reporter": "county"}], "units": {"code": "1", "name": "c", "children": [{"code": "2", "name": "d"}]}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := run(t, "", "serve", "--db", filepath.Join(dir, "x.db"), "--plan", bad)
	if code != 1 || !strings.Contains(errOut, `indicators[0].kind: unknown kind "sometimes"`) {
		t.Errorf("bad plan: %d %q", code, errOut)
	}
}

func TestBackup(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "live.db")
	if code, _, errOut := run(t, "a-long-password\n", "user", "add", "--db", db, "--username", "wang", "--role", "office"); code != 0 {
		t.Fatalf("user add: %s", errOut)
	}
	backup := filepath.Join(dir, "backup.db")
	code, out, errOut := run(t, "", "backup", "--db", db, "-o", backup)
	if code != 0 || !strings.Contains(out, "backed up") {
		t.Fatalf("backup: %d %q %q", code, out, errOut)
	}
	// The copy is a working database holding the user.
	code, out, _ = run(t, "", "user", "list", "--db", backup)
	if code != 0 || !strings.Contains(out, "wang") {
		t.Errorf("user list on the backup: %d %q", code, out)
	}
	if code, _, errOut := run(t, "", "backup", "--db", db, "-o", backup); code != 1 || !strings.Contains(errOut, "already exists") {
		t.Errorf("backup over an existing file: %d %q", code, errOut)
	}
}

// TestServeClock: --demo runs on the demo's day, --today on any day (with or without --demo), and
// neither leaves the real clock; a set day's time of day runs on from the wall clock.
func TestServeClock(t *testing.T) {
	wall := time.Date(2026, 12, 2, 1, 30, 0, 0, time.UTC) // 09:30 in China
	tests := []struct {
		name    string
		cfg     ServeConfig
		wantDay string // "" for the real clock
	}{
		{"real clock", ServeConfig{}, ""},
		{"demo", ServeConfig{Demo: true}, models.DemoToday},
		{"today", ServeConfig{Today: "2024-03-01"}, "2024-03-01"},
		{"today beats the demo's day", ServeConfig{Demo: true, Today: "2025-06-30"}, "2025-06-30"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			now, today := tc.cfg.Clock(func() time.Time { return wall })
			got := now()
			if tc.wantDay == "" {
				if !got.Equal(wall) || !today.IsZero() {
					t.Errorf("now %v, today %v: want the wall clock and no set day", got, today)
				}
				return
			}
			if d := got.In(models.ReportingZone()).Format("2006-01-02"); d != tc.wantDay || today.IsZero() {
				t.Errorf("now is on %s (today %v), want %s", d, today, tc.wantDay)
			}
		})
	}
}
