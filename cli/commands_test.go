package cli

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// allCommands is every command a user can run, as "serve" or "user add": the top-level commands
// of commands() and, for a group, the subcommands its usage lists. Tests that must cover every
// command take their list from here, so a new command cannot be left out of them.
func allCommands(t *testing.T) []string {
	t.Helper()
	var names []string
	for name := range commands() {
		_, out, _ := run(t, "", name, "--help")
		if !strings.HasPrefix(out, "Usage: ruralkpi "+name+" <command>") {
			names = append(names, name)
			continue
		}
		_, list, _ := strings.Cut(out, "\nCommands:\n")
		for _, line := range strings.Split(list, "\n") {
			if rest, ok := strings.CutPrefix(line, "  ruralkpi "+name+" "); ok {
				sub, _, _ := strings.Cut(rest, " ")
				names = append(names, name+" "+sub)
			}
		}
	}
	sort.Strings(names)
	if len(names) < 20 {
		t.Fatalf("found only %d commands: %v", len(names), names)
	}
	return names
}

// TestEveryCommandRefusesAMissingDatabase: only serve, user add (a new deployment), export --demo
// and seed (which writes a new database) may create one. Every other command that takes a database
// refuses one that does not exist, an empty file and a SQLite file that is not ruralkpi's — a
// mistyped --db must never yield an empty "successful" backup, report or list — and leaves them as
// they were. sqlite:PATH names the same file as PATH.
func TestEveryCommandRefusesAMissingDatabase(t *testing.T) {
	creates := map[string]string{
		"serve":    "creates the database of a new deployment",
		"user add": "creates the database of a new deployment",
		"seed":     "writes a new database and refuses an existing file",
		"version":  "opens no database",
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "some.xlsx")
	if err := os.WriteFile(file, []byte("not a workbook"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := func(name string) string { return filepath.Join(dir, "out", name) }
	cases := databaseCommands(file, out)
	for _, name := range allCommands(t) {
		if _, ok := cases[name]; !ok && creates[name] == "" {
			t.Errorf("command %q is neither checked here nor said to create its database", name)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "out"), 0o755); err != nil {
		t.Fatal(err)
	}
	foreign := filepath.Join(dir, "other.db")
	other, err := sql.Open("sqlite3", foreign)
	if err == nil {
		_, err = other.Exec("CREATE TABLE notes (id integer)")
		other.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "nosuch.db")
	dbs := []struct{ name, db, want string }{
		{"missing", missing, "database " + missing + " does not exist"},
		{"missing sqlite:", "sqlite:" + missing, "does not exist"},
		{"empty file", empty, "database " + empty + " holds no ruralkpi tables"},
		{"another program's", foreign, "holds no ruralkpi tables"},
	}
	sizes := func() map[string]int64 {
		m := map[string]int64{}
		for _, d := range []string{dir, filepath.Join(dir, "out")} {
			entries, _ := os.ReadDir(d)
			for _, e := range entries {
				if fi, err := e.Info(); err == nil && !e.IsDir() {
					m[filepath.Join(d, e.Name())] = fi.Size()
				}
			}
		}
		return m
	}
	before := sizes()
	for name, args := range cases {
		for _, db := range dbs {
			t.Run(name+"/"+db.name, func(t *testing.T) {
				argv := append([]string{}, args...)
				for i, a := range argv {
					if a == "DB" {
						argv[i] = db.db
					}
				}
				// No standard input: reset-password must name the database before it asks for a password.
				code, stdout, errOut := run(t, "", argv...)
				if code != 1 || !strings.Contains(errOut, db.want) {
					t.Errorf("exit %d, stdout %q, stderr %q; want 1 and %q", code, stdout, errOut, db.want)
				}
				if after := sizes(); len(after) != len(before) {
					t.Errorf("files made: %v, had %v", after, before)
				} else {
					for f, n := range before {
						if after[f] != n {
							t.Errorf("%s changed size: %d → %d", f, n, after[f])
						}
					}
				}
			})
		}
	}
}

// TestSQLitePrefixNamesTheSameFile: --db sqlite:PATH is the file PATH (README, Command line), for
// the commands that need an existing database as for those that create one.
func TestSQLitePrefixNamesTheSameFile(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "d.db")
	if code, _, errOut := run(t, "a-long-password\n", "user", "add", "--db", "sqlite:"+db, "--username", "liwei", "--role", "office"); code != 0 {
		t.Fatalf("user add on sqlite:%s: %d %s", db, code, errOut)
	}
	if code, out, errOut := run(t, "", "user", "list", "--db", "sqlite:"+db); code != 0 || !strings.Contains(out, "liwei") {
		t.Errorf("user list --db sqlite:PATH: exit %d, %q %q", code, out, errOut)
	}
	backup := filepath.Join(dir, "b.db")
	if code, _, errOut := run(t, "", "backup", "--db", "sqlite:"+db, "-o", backup); code != 0 {
		t.Errorf("backup --db sqlite:PATH: exit %d, %q", code, errOut)
	}
	if code, out, errOut := run(t, "", "user", "list", "--db", backup); code != 0 || !strings.Contains(out, "liwei") {
		t.Errorf("user list on the backup: exit %d, %q %q", code, out, errOut)
	}
}

// TestDocsCommandsUseRealFlags: every `ruralkpi COMMAND …` the README, docs/ and testdata/README.md
// show names a command that exists and only flags that command has, so that an operator who
// copies one gets no "flag provided but not defined".
func TestDocsCommandsUseRealFlags(t *testing.T) {
	flagsOf := map[string]map[string]bool{}
	for _, name := range allCommands(t) {
		_, out, _ := run(t, "", append(strings.Fields(name), "--help")...)
		flags := map[string]bool{}
		_, list, _ := strings.Cut(out, "\nFlags:\n")
		for _, m := range regexp.MustCompile(`(?m)^  (--?[a-z][a-z-]*)`).FindAllStringSubmatch(list, -1) {
			flags[m[1]] = true
		}
		flagsOf[name] = flags
	}
	docs, _ := filepath.Glob(filepath.Join("..", "docs", "*.md"))
	docs = append(docs, filepath.Join("..", "README.md"), filepath.Join("..", "testdata", "README.md"))
	use := regexp.MustCompile(`\bruralkpi ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?([^\x60\n]*)`)
	checked := 0
	for _, doc := range docs {
		b, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		text := strings.ReplaceAll(string(b), "\\\n", " ") // shell line continuations
		for _, m := range use.FindAllStringSubmatch(text, -1) {
			name, rest := m[1], m[3]
			if _, ok := flagsOf[name]; !ok {
				if _, ok := flagsOf[name+" "+m[2]]; !ok {
					continue // prose: "ruralkpi tracks …", or a group named alone
				}
				name += " " + m[2]
			} else if m[2] != "" {
				rest = " " + m[2] + rest
			}
			rest, _, _ = strings.Cut(rest, "#") // a shell comment
			for _, f := range regexp.MustCompile(`(?:^|[\s\[(])(--[a-z][a-z-]*)`).FindAllStringSubmatch(rest, -1) {
				checked++
				if !flagsOf[name][f[1]] {
					t.Errorf("%s: `ruralkpi %s%s` uses %s, which %s does not have", filepath.Base(doc), name, rest, f[1], name)
				}
			}
		}
	}
	if checked < 50 {
		t.Errorf("checked only %d flags in the docs", checked)
	}
}

// TestHelpCommand: `ruralkpi help export monthly` is `ruralkpi export monthly --help` (it printed
// the list of commands, whatever followed help).
func TestHelpCommand(t *testing.T) {
	for _, name := range allCommands(t) {
		cmd := strings.Fields(name)
		_, want, _ := run(t, "", append(cmd, "--help")...)
		code, out, errOut := run(t, "", append([]string{"help"}, cmd...)...)
		if code != 0 || out != want || errOut != "" {
			t.Errorf("help %s: exit %d, stdout %.80q, stderr %q; want its --help", name, code, out, errOut)
		}
	}
}

// TestSeedRefusesAnExistingFile: seed writes a new database; an existing file, named as PATH or as
// sqlite:PATH (which it took for a new one), is refused before any work.
func TestSeedRefusesAnExistingFile(t *testing.T) {
	existing := filepath.Join(t.TempDir(), "some.db")
	if err := os.WriteFile(existing, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, db := range []string{existing, "sqlite:" + existing} {
		code, out, errOut := run(t, "", "seed", "--synthetic", "national", "--db", db)
		if code != 1 || !strings.Contains(errOut, "exists: seed writes a new database file") || out != "" {
			t.Errorf("seed --db %s: exit %d, %q %q", db, code, out, errOut)
		}
	}
	if fi, err := os.Stat(existing); err != nil || fi.Size() != 0 {
		t.Errorf("the existing file was written: %v %v", fi, err)
	}
}

// databaseCommands are the arguments of every command that needs an existing database, DB standing
// for the database under test (migrate's --from).
func databaseCommands(file string, out func(string) string) map[string][]string {
	return map[string][]string{
		"backup":              {"backup", "--db", "DB", "-o", out("b.db")},
		"export monthly":      {"export", "monthly", "--db", "DB", "-o", out("m.xlsx")},
		"export briefing":     {"export", "briefing", "--db", "DB", "-o", out("b.html")},
		"template":            {"template", "--db", "DB", "--county", "530302", "--period", "2024-06", "-o", out("t.xlsx")},
		"import":              {"import", "--db", "DB", "--dry-run", file},
		"user list":           {"user", "list", "--db", "DB"},
		"user disable":        {"user", "disable", "--db", "DB", "--username", "x"},
		"user enable":         {"user", "enable", "--db", "DB", "--username", "x"},
		"user reset-password": {"user", "reset-password", "--db", "DB", "--username", "x"},
		"user set-role":       {"user", "set-role", "--db", "DB", "--username", "x", "--role", "leader"},
		"token create":        {"token", "create", "--db", "DB", "--user", "x"},
		"ledger import":       {"ledger", "import", "--db", "DB", "--county", "530302", "--period", "2024-06", "--dry-run", file},
		"ledger template":     {"ledger", "template", "--db", "DB", "--county", "530302", "-o", out("l.xlsx")},
		"ledger villages":     {"ledger", "villages", "--db", "DB", "--county", "530302", file},
		"remind":              {"remind", "--db", "DB", "--dry-run"},
		"migrate":             {"migrate", "--from", "DB", "--to", "postgres://nobody@127.0.0.1:1/none?sslmode=disable"},
	}
}

// TestEveryCommandRefusesAnEmptyDatabaseFlag: --db "" (an unset shell variable in a cron line) is
// misuse, refused with exit 2 and the usage like a --db left out, by the commands that create their
// database as by those that need one, and makes no file.
func TestEveryCommandRefusesAnEmptyDatabaseFlag(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "some.xlsx")
	if err := os.WriteFile(file, []byte("not a workbook"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := func(name string) string { return filepath.Join(dir, name) }
	t.Chdir(dir) // a blank --db taken as a file name would land here, where the test sees it
	cases := databaseCommands(file, out)
	cases["serve"] = []string{"serve", "--db", "DB"}
	cases["user add"] = []string{"user", "add", "--db", "DB", "--username", "x", "--role", "office"}
	cases["seed"] = []string{"seed", "--synthetic", "national", "--db", "DB"}
	for _, name := range allCommands(t) {
		if _, ok := cases[name]; !ok && name != "version" {
			t.Errorf("command %q is not checked here", name)
		}
	}
	for name, args := range cases {
		for _, empty := range []string{"", "  "} {
			t.Run(fmt.Sprintf("%s/%q", name, empty), func(t *testing.T) {
				argv := append([]string{}, args...)
				flagName := "--db"
				for i, a := range argv {
					if a == "DB" {
						argv[i] = empty
						flagName = argv[i-1]
					}
				}
				code, _, errOut := run(t, "", argv...)
				if want := flagName + " is required"; code != 2 || !strings.Contains(errOut, want) || !strings.Contains(errOut, "Usage:") {
					t.Errorf("exit %d, stderr %q; want 2, %q and the usage", code, errOut, want)
				}
				if entries, _ := os.ReadDir(dir); len(entries) != 1 {
					t.Errorf("files made: %d entries in %s", len(entries), dir)
				}
			})
		}
	}
}
