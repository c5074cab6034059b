package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

// TestUserAddCreatesANewDeployment: user add (like serve) may create the database of a new
// deployment; TestEveryCommandRefusesAMissingDatabase checks that the others refuse one.
func TestUserAddCreatesANewDeployment(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nosuch.db")
	// user add on a new deployment creates the database, as does serve (TestDemoRefusedOnRealDatabase).
	if code, _, errOut := run(t, "a-long-password\n", "user", "add", "--db", missing, "--username", "liwei", "--role", "office"); code != 0 {
		t.Fatalf("user add on a new database: %d %s", code, errOut)
	}
	if code, out, _ := run(t, "", "user", "list", "--db", missing); code != 0 || !strings.Contains(out, "liwei") {
		t.Errorf("user list after user add: %d %q", code, out)
	}
}

// TestOutputRule: -o - is standard output for every command that writes a file, the extension
// decides the format and a mismatch is refused, and every file has mode 0644.
func TestOutputRule(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	db := filepath.Join(dir, "demo.db")
	if code, _, errOut := run(t, "", "export", "monthly", "--db", db, "--demo", "--period", "2024-06", "-o", "first.xlsx"); code != 0 {
		t.Fatalf("demo export: %d %s", code, errOut)
	}
	toStdout := []struct {
		name   string
		args   []string
		prefix string
	}{
		{"template", []string{"template", "--db", db, "--county", "530302", "--period", "2024-06", "-o", "-"}, "PK"},
		{"export monthly", []string{"export", "monthly", "--db", db, "--period", "2024-06", "-o", "-"}, "PK"},
		{"ledger template", []string{"ledger", "template", "--db", db, "--county", "530302", "-o", "-"}, "PK"},
		{"backup", []string{"backup", "--db", db, "-o", "-"}, "SQLite format 3"},
	}
	for _, tc := range toStdout {
		t.Run("stdout/"+tc.name, func(t *testing.T) {
			code, out, errOut := run(t, "", tc.args...)
			if code != 0 || !strings.HasPrefix(out, tc.prefix) {
				t.Errorf("exit %d, stdout %.40q, stderr %q; want the file on standard output", code, out, errOut)
			}
			if _, err := os.Stat(filepath.Join(dir, "-")); !os.IsNotExist(err) {
				t.Errorf("a file named - was written")
			}
		})
	}
	refused := [][]string{
		{"export", "briefing", "--db", db, "--period", "2024-06", "-o", "x.txt"},
		{"export", "monthly", "--db", db, "--period", "2024-06", "-o", "x.csv"},
		{"template", "--db", db, "--county", "530302", "--period", "2024-06", "-o", "x.pdf"},
		{"ledger", "template", "--db", db, "--county", "530302", "-o", "x.html"},
	}
	for _, args := range refused {
		t.Run("mismatch/"+strings.Join(args[:2], " "), func(t *testing.T) {
			code, _, errOut := run(t, "", args...)
			if code != 2 || !strings.Contains(errOut, "-o "+args[len(args)-1]+": ") {
				t.Errorf("exit %d, stderr %q; want the extension refused", code, errOut)
			}
			if _, err := os.Stat(args[len(args)-1]); !os.IsNotExist(err) {
				t.Errorf("%s written", args[len(args)-1])
			}
		})
	}
	files := map[string][]string{
		"t.xlsx":      {"template", "--db", db, "--county", "530302", "--period", "2024-06", "-o", "t.xlsx"},
		"m.xlsx":      {"export", "monthly", "--db", db, "--period", "2024-06", "-o", "m.xlsx"},
		"b.html":      {"export", "briefing", "--db", db, "--period", "2024-06", "-o", "b.html"},
		"l.xlsx":      {"ledger", "template", "--db", db, "--county", "530302", "-o", "l.xlsx"},
		"backup.db":   {"backup", "--db", db, "-o", "backup.db"},
		"upper.XLSX":  {"export", "monthly", "--db", db, "--period", "2024-06", "-o", "upper.XLSX"},
		"brief.HTML":  {"export", "briefing", "--db", db, "--period", "2024-06", "-o", "brief.HTML"},
		"sub/t2.xlsx": {"template", "--db", db, "--county", "530302", "--period", "2024-06", "-o", filepath.Join("sub", "t2.xlsx")},
	}
	if err := os.Mkdir("sub", 0o755); err != nil {
		t.Fatal(err)
	}
	for name, args := range files {
		t.Run("mode/"+name, func(t *testing.T) {
			code, out, errOut := run(t, "", args...)
			if code != 0 {
				t.Fatalf("exit %d: %s %s", code, out, errOut)
			}
			fi, err := os.Stat(name)
			if err != nil || fi.Mode().Perm() != 0o644 {
				t.Errorf("%s: %v, mode %v; want 0644 like every output", name, err, fi.Mode().Perm())
			}
		})
	}
}

// TestHelpAndUsage: help asked for goes to standard output, usage on misuse to standard error, and
// every usage line names every flag of its command.
func TestHelpAndUsage(t *testing.T) {
	commands := [][]string{{}}
	groups := map[string]bool{}
	for _, name := range allCommands(t) {
		cmd := strings.Fields(name)
		if len(cmd) == 2 && !groups[cmd[0]] {
			groups[cmd[0]] = true
			commands = append(commands, cmd[:1])
		}
		commands = append(commands, cmd)
	}
	for _, cmd := range commands {
		name := strings.Join(cmd, " ")
		t.Run("help/"+name, func(t *testing.T) {
			code, out, errOut := run(t, "", append(append([]string{}, cmd...), "--help")...)
			if code != 0 || !strings.HasPrefix(out, "Usage: ruralkpi") || errOut != "" {
				t.Fatalf("exit %d, stdout %q, stderr %q; want usage on stdout", code, out, errOut)
			}
			if strings.Contains(out, "Flags:\n\n") || strings.HasSuffix(out, "Flags:\n") {
				t.Errorf("an empty Flags section:\n%s", out)
			}
			checkUsageNamesEveryFlag(t, out)
		})
		if len(cmd) == 0 {
			continue
		}
		t.Run("misuse/"+name, func(t *testing.T) {
			code, out, errOut := run(t, "", append(append([]string{}, cmd...), "--no-such-flag")...)
			if code != 2 || out != "" || !strings.Contains(errOut, "Usage: ruralkpi") {
				t.Errorf("exit %d, stdout %q, stderr %q; want usage on stderr and exit 2", code, out, errOut)
			}
		})
	}
	_, out, _ := run(t, "", "serve", "--help")
	for _, flag := range []string{"--body-limit", "--secure-cookies", "--memory-limit", "--addr", "--db", "--plan", "--demo"} {
		if !strings.Contains(firstLine(out), flag) {
			t.Errorf("serve usage line omits %s: %s", flag, firstLine(out))
		}
	}
	if _, out, _ := run(t, "", "import", "--help"); !strings.Contains(firstLine(out), "[--ignore-lock]") {
		t.Errorf("import usage line omits --ignore-lock: %s", firstLine(out))
	}
	if _, out, _ := run(t, "", "export", "monthly", "--help"); !strings.Contains(out, "--demo") {
		t.Errorf("export --demo undocumented: %s", out)
	}
	if code, out, errOut := run(t, ""); code != 2 || out != "" || !strings.Contains(errOut, "Usage: ruralkpi") {
		t.Errorf("no command: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// checkUsageNamesEveryFlag checks that every flag listed under Flags: is in a usage line.
func checkUsageNamesEveryFlag(t *testing.T, help string) {
	t.Helper()
	usage, flags, _ := strings.Cut(help, "\nFlags:\n")
	for _, m := range regexp.MustCompile(`(?m)^  (--?[a-z-]+)`).FindAllStringSubmatch(flags, -1) {
		if !regexp.MustCompile(`(^|[\s\[])` + regexp.QuoteMeta(m[1]) + `\b`).MatchString(usage) {
			t.Errorf("flag %s is not in the usage line:\n%s", m[1], help)
		}
	}
}

func firstLine(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }

// TestREADMEListsEveryFlag keeps the README's command table true to the flag sets.
func TestREADMEListsEveryFlag(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, table, _ := strings.Cut(string(readme), "## Command line")
	table, _, _ = strings.Cut(table, "\n## ")
	rows := map[string]string{}
	for _, line := range strings.Split(table, "\n") {
		if m := regexp.MustCompile("^\\| `([a-z]+(?: [a-z][a-z-]*)?)(?: --| -o|`| \\[| FILE)").FindStringSubmatch(line); m != nil {
			rows[m[1]] += line
		}
	}
	shown := map[string]string{} // README row → the flags of its commands' usage lines
	for _, name := range allCommands(t) {
		cmd := strings.Fields(name)
		row, ok := rows[name]
		if !ok { // the user commands share one row
			for _, line := range strings.Split(table, "\n") {
				if strings.HasPrefix(line, "| `") && (strings.Contains(line, "`"+name) || strings.Contains(line, "|"+cmd[len(cmd)-1]+" --")) {
					row, ok = line, true
				}
			}
		}
		if !ok {
			t.Errorf("README has no row for %s", name)
			continue
		}
		_, out, _ := run(t, "", append(cmd, "--help")...)
		for _, m := range flagWords.FindAllString(firstLine(out), -1) {
			if m != "-" && !strings.Contains(row, m) {
				t.Errorf("README row for %s omits %s", name, m)
			}
			shown[row] += " " + m + " "
		}
	}
	// And the other way round: a flag in a row's usage cell is a flag of its command(s).
	for row, flags := range shown {
		cell, _, _ := strings.Cut(strings.TrimPrefix(row, "| "), " |")
		for _, m := range flagWords.FindAllString(cell, -1) {
			if m != "-" && !strings.Contains(flags, " "+m+" ") {
				t.Errorf("README row %.60q names %s, which its command does not have", row, m)
			}
		}
	}
}

// flagWords finds the flags in a usage line.
var flagWords = regexp.MustCompile(`(--?[a-z][a-z-]*)`)

// TestFlagsAfterFile: `ledger import FILE --county …` is the natural order on a command line.
func TestFlagsAfterFile(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "d.db")
	if code, _, errOut := run(t, "a-long-password\n", "user", "add", "--db", db, "--username", "office", "--role", "office"); code != 0 {
		t.Fatal(errOut)
	}
	file := filepath.Join(dir, "missing.xlsx")
	code, _, errOut := run(t, "", "ledger", "import", file, "--db", db, "--county", "530302", "--period", "2024-06", "--dry-run")
	if code != 1 || !strings.Contains(errOut, "missing.xlsx") || strings.Contains(errOut, "exactly one") {
		t.Errorf("flags after the file: %d %q", code, errOut)
	}
	code, _, errOut = run(t, "", "import", file, "--db", db, "--dry-run")
	if code != 1 || !strings.Contains(errOut, "no such file") {
		t.Errorf("import FILE --db: %d %q", code, errOut)
	}
	// After --, everything is a file name.
	code, _, errOut = run(t, "", "import", "--db", db, "--", "--dry-run")
	if code != 1 || !strings.Contains(errOut, "--dry-run: open") {
		t.Errorf("import -- --dry-run: %d %q", code, errOut)
	}
}

func TestVersionStamp(t *testing.T) {
	var out bytes.Buffer
	code := Run([]string{"ruralkpi", "version"}, Env{Stdout: &out, Stderr: &out, Build: Build{Version: "v1.2.3-4-gabc", Revision: "abcdef1234567890"}})
	if code != 0 || out.String() != "ruralkpi v1.2.3-4-gabc (abcdef123456)\n" {
		t.Errorf("version: %d %q", code, out.String())
	}
	// A test binary, like a plain go build outside git, has neither a stamp nor a VCS revision.
	code, got, _ := run(t, "", "version")
	if code != 0 || !strings.HasPrefix(got, "ruralkpi ") {
		t.Errorf("unstamped version: %d %q", code, got)
	}
	if got := buildVersion(Build{}); !strings.Contains(got, "no version or revision stamped") {
		t.Errorf("unstamped version says %q", got)
	}
}

// TestServeRefusesBinaryWithoutAssets: a plain `go build` on a fresh clone has no ECharts and no
// map; serve must say so instead of serving blank charts.
func TestServeRefusesBinaryWithoutAssets(t *testing.T) {
	readme := &fstest.MapFile{Data: []byte("# kept so go:embed matches")}
	bare := fstest.MapFS{"vendor/README.md": readme, "maps/README.md": readme, "css/app.css": &fstest.MapFile{}}
	err := checkAssets(bare)
	if err == nil || !strings.Contains(err.Error(), "make assets") || !strings.Contains(err.Error(), "static/vendor/echarts.min.js") ||
		!strings.Contains(err.Error(), "static/maps/qujing.json") {
		t.Errorf("checkAssets without assets = %v", err)
	}
	full := fstest.MapFS{"vendor/echarts.min.js": &fstest.MapFile{Data: []byte("x")}, "maps/qujing.json": &fstest.MapFile{Data: []byte("{}")}}
	if err := checkAssets(full); err != nil {
		t.Errorf("checkAssets with assets = %v", err)
	}
}
