// Package cli implements the ruralkpi command line: one binary with subcommands (serve, user,
// version, and the import/export commands that later features add).
package cli

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sort"
	"strings"

	"ruralkpi/models"
	"ruralkpi/plans"
	"ruralkpi/store"
)

// Env is what a command may touch: its output streams, the process environment and what the
// build was stamped with.
type Env struct {
	Stdout io.Writer
	Stderr io.Writer
	Stdin  io.Reader
	Build  Build
}

// Build is the version and revision the Makefile stamps into the binary with -ldflags; empty in a
// plain `go build`, where the version falls back to what Go records.
type Build struct {
	Version  string
	Revision string
}

// command is one subcommand.
type command struct {
	summary string
	run     func(env Env, args []string) error
}

// errUsage marks a usage error: the message has been printed with the usage.
var errUsage = errors.New("usage")

func commands() map[string]command {
	return map[string]command{
		"export":   {"export a report (export monthly|briefing …)", runExport},
		"serve":    {"start the web server (creates the database if it does not exist)", runServe},
		"user":     {"manage users (user add|list|disable|enable|reset-password|set-role)", runUser},
		"token":    {"create a personal API token (token create --user NAME)", runToken},
		"version":  {"print the version", runVersion},
		"backup":   {"write a consistent copy of the database while it is in use", runBackup},
		"template": {"write a county's pre-filled monthly return template (.xlsx)", runTemplate},
		"import":   {"import monthly return files (the web upload's checks; --dry-run)", runImport},
		"ledger":   {"service-point ledgers (ledger import|template|villages …)", runLedger},
		"seed":     {"write a test data set into a new database (seed --synthetic national --db PATH)", runSeed},
		"remind":   {"show (--dry-run) or send the reminders due now", runRemind},
		"migrate":  {"copy a SQLite database into an empty PostgreSQL one and verify it (migrate --from PATH --to URL)", runMigrate},
	}
}

// Run runs the command line and returns the process exit code: 0 done, 1 failed, 2 misused.
func Run(args []string, env Env) int {
	cmds := commands()
	if len(args) > 2 && args[1] == "help" { // help COMMAND [SUBCOMMAND] is COMMAND [SUBCOMMAND] --help
		return Run(append(append([]string{args[0]}, args[2:]...), "--help"), env)
	}
	if len(args) < 2 || isHelp(args[1]) || args[1] == "help" {
		if len(args) < 2 {
			usage(env.Stderr, cmds)
			return 2
		}
		usage(env.Stdout, cmds)
		return 0
	}
	cmd, ok := cmds[args[1]]
	if !ok {
		fmt.Fprintf(env.Stderr, "ruralkpi: unknown command %q\n\n", args[1])
		usage(env.Stderr, cmds)
		return 2
	}
	if err := cmd.run(env, args[2:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		if errors.Is(err, errUsage) {
			return 2
		}
		fmt.Fprintf(env.Stderr, "ruralkpi %s: %v\n", args[1], err)
		return 1
	}
	return 0
}

func isHelp(arg string) bool { return arg == "-h" || arg == "-help" || arg == "--help" }

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "Usage: ruralkpi <command> [flags]\n\nCommands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'ruralkpi <command> --help' (or 'ruralkpi help <command>') for a command's flags. Flags may come before or after file names.")
}

// subcommand is one command of a group (export, ledger, token, user).
type subcommand struct {
	name string
	run  func(env Env, args []string) error
}

// runGroup dispatches to a group's subcommand. Its usage lists each subcommand's own usage line,
// taken from the subcommand's flag set, so that it names every flag.
func runGroup(env Env, group, about string, subs []subcommand, args []string) error {
	printUsage := func(w io.Writer) {
		fmt.Fprintf(w, "Usage: ruralkpi %s <command> [flags]\n\n%s\n\nCommands:\n", group, about)
		for _, sc := range subs {
			var buf bytes.Buffer
			_ = sc.run(Env{Stdout: &buf, Stderr: io.Discard}, []string{"--help"})
			line, _, _ := strings.Cut(buf.String(), "\n")
			fmt.Fprintf(w, "  %s\n", strings.TrimPrefix(line, "Usage: "))
		}
		fmt.Fprintf(w, "\nRun 'ruralkpi %s <command> --help' for a command's flags.\n", group)
	}
	if len(args) == 0 || isHelp(args[0]) {
		if len(args) == 0 {
			printUsage(env.Stderr)
			return errUsage
		}
		printUsage(env.Stdout)
		return flag.ErrHelp
	}
	for _, sc := range subs {
		if sc.name == args[0] {
			return sc.run(env, args[1:])
		}
	}
	fmt.Fprintf(env.Stderr, "ruralkpi %s: unknown command %q\n\n", group, args[0])
	printUsage(env.Stderr)
	return errUsage
}

// flagSet is a command's flags and what its usage needs: a sentence on what the command does,
// which flags are required and which arguments follow. The usage line is generated from the flags,
// so it cannot omit one.
type flagSet struct {
	*flag.FlagSet
	env      Env
	name     string   // e.g. "ledger import"
	about    string   // what the command does, one or two sentences
	args     string   // positional arguments, e.g. "FILE…"; empty for none
	required []string // flags that must be given, in the order the usage line shows them
	pos      []string // positional arguments after parse
}

// newFlags makes a command's flag set. Flag usage strings name their value in backquotes
// ("database: SQLite file `PATH` or postgres:// URL"), which the usage line shows.
func newFlags(env Env, name, about, args string, required ...string) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr) // the flag package's own error messages
	fs.Usage = func() {}     // printed by parse, to the right stream
	return &flagSet{FlagSet: fs, env: env, name: name, about: about, args: args, required: required}
}

// parse parses the command's arguments. Flags may come before and after positional arguments
// (`ledger import FILE --county …`); "--" ends the flags. --help prints the usage to standard
// output; a bad or missing flag prints it to standard error and returns errUsage.
func (f *flagSet) parse(args []string) error {
	f.pos = nil
	for {
		if err := f.FlagSet.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				f.printUsage(f.env.Stdout)
				return err
			}
			f.printUsage(f.env.Stderr)
			return errUsage
		}
		rest := f.FlagSet.Args()
		if len(rest) == 0 {
			break
		}
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			f.pos = append(f.pos, rest...)
			break
		}
		f.pos = append(f.pos, rest[0])
		args = rest[1:]
	}
	// A required flag given an empty value (--db "", an unset shell variable) is as missing as
	// one not given: it must be refused as misuse, not reach the command as "".
	given := map[string]bool{}
	f.Visit(func(fl *flag.Flag) { given[fl.Name] = strings.TrimSpace(fl.Value.String()) != "" })
	var missing []string
	for _, name := range f.required {
		if !given[name] {
			missing = append(missing, dashed(name))
		}
	}
	switch len(missing) {
	case 0:
		return nil
	case 1:
		return f.misuse("%s is required", missing[0])
	default:
		return f.misuse("%s and %s are required", strings.Join(missing[:len(missing)-1], ", "), missing[len(missing)-1])
	}
}

// positional returns the arguments that are not flags.
func (f *flagSet) positional() []string { return f.pos }

// misuse says what is wrong with the command line, prints the usage to standard error and returns
// errUsage (exit status 2).
func (f *flagSet) misuse(format string, args ...any) error {
	fmt.Fprintf(f.env.Stderr, "ruralkpi %s: %s\n\n", f.name, fmt.Sprintf(format, args...))
	f.printUsage(f.env.Stderr)
	return errUsage
}

// parseAndOpen parses a command that takes no arguments and opens its existing database with the
// plan: the start of the user and token commands. The caller closes the store.
func (f *flagSet) parseAndOpen(args []string, dbPath, planPath *string) (*store.Store, error) {
	if err := f.parse(args); err != nil {
		return nil, err
	}
	if len(f.positional()) > 0 {
		return nil, f.misuse("unexpected argument %q", f.positional()[0])
	}
	_, st, err := openPlanStore(*dbPath, *planPath, existingDB)
	return st, err
}

func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// flagWord is how a flag appears in a usage line: "--db PATH", "--dry-run".
func flagWord(fl *flag.Flag) string {
	value, _ := flag.UnquoteUsage(fl)
	if isBool(fl) {
		return dashed(fl.Name)
	}
	if value == "" || value == "value" || value == "string" || value == "int" {
		value = strings.ToUpper(fl.Name)
	}
	return dashed(fl.Name) + " " + value
}

func isBool(fl *flag.Flag) bool {
	b, ok := fl.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// usageLine is "ruralkpi NAME required flags [optional flags] ARGS", from the flag set.
func (f *flagSet) usageLine() string {
	words := []string{"ruralkpi", f.name}
	required := map[string]bool{}
	for _, name := range f.required {
		required[name] = true
		if fl := f.Lookup(name); fl != nil {
			words = append(words, flagWord(fl))
		}
	}
	f.VisitAll(func(fl *flag.Flag) {
		if !required[fl.Name] {
			words = append(words, "["+flagWord(fl)+"]")
		}
	})
	if f.args != "" {
		words = append(words, f.args)
	}
	return strings.Join(words, " ")
}

// printUsage writes the usage line, what the command does and its flags with their defaults.
func (f *flagSet) printUsage(w io.Writer) {
	fmt.Fprintf(w, "Usage: %s\n\n%s\n", f.usageLine(), f.about)
	n := 0
	f.VisitAll(func(*flag.Flag) { n++ })
	if n == 0 {
		return
	}
	fmt.Fprintln(w, "\nFlags:")
	f.VisitAll(func(fl *flag.Flag) {
		_, text := flag.UnquoteUsage(fl)
		if fl.DefValue != "" && fl.DefValue != "0" && fl.DefValue != "false" {
			text += fmt.Sprintf(" (default %s)", fl.DefValue)
		}
		fmt.Fprintf(w, "  %s\n    \t%s\n", flagWord(fl), text)
	})
}

// loadPlan reads the plan file at path, or the embedded default when path is empty.
func loadPlan(path string) (*models.Plan, error) {
	var data []byte
	var err error
	if path == "" {
		data, err = plans.Default()
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("cli: read plan: %w", err)
	}
	p, err := models.LoadPlan(bytes.NewReader(data))
	if err != nil {
		name := path
		if name == "" {
			name = "embedded plan"
		}
		return nil, fmt.Errorf("cli: %s: %w", name, err)
	}
	return p, nil
}

// dbMode says whether a command may create the database it is given.
type dbMode int

const (
	// existingDB refuses a database file that does not exist: a mistyped --db must fail, not
	// create an empty database and report success (an empty "successful" nightly backup).
	existingDB dbMode = iota
	// createDB creates a missing database: serve, user add on a new deployment, export --demo.
	createDB
)

// openPlanStore loads the plan (the embedded one when planPath is empty) and opens the database
// with it: what every command that touches data starts with, and the one place that decides
// whether a missing database may be created.
func openPlanStore(dbPath, planPath string, mode dbMode) (*models.Plan, *store.Store, error) {
	if strings.TrimSpace(dbPath) == "" {
		return nil, nil, errors.New("--db is required")
	}
	if mode == existingDB {
		if err := requireDatabase(dbPath, "--db"); err != nil {
			return nil, nil, err
		}
	}
	plan, err := planFor(dbPath, planPath)
	if err != nil {
		return nil, nil, err
	}
	store, err := store.Open(dbPath)
	if err != nil {
		return nil, nil, err
	}
	if err := store.SeedPlan(plan); err != nil {
		_ = store.Close()
		return nil, nil, err
	}
	return plan, store, nil
}

// requireDatabase refuses a database that does not exist or that ruralkpi never set up (an empty
// file, another program's database, an empty PostgreSQL database): Open would create or migrate
// it, and the command would report success on nothing. flagName is the flag that named it.
func requireDatabase(db, flagName string) error {
	state, err := store.InspectDatabase(db)
	if err != nil {
		return err
	}
	switch state {
	case store.DatabaseMissing:
		return fmt.Errorf("database %s does not exist (check %s; only serve, user add and export --demo create one)", db, flagName)
	case store.DatabaseForeign:
		return fmt.Errorf("database %s holds no ruralkpi tables (check %s; only serve, user add and export --demo set one up)", shownDB(db), flagName)
	}
	return nil
}

// planFor is the plan a command works with: the file given, else the plan kept in the database
// (one written by `seed --synthetic national`), else the embedded one.
func planFor(dbPath, planPath string) (*models.Plan, error) {
	if planPath != "" || dbPath == "" {
		return loadPlan(planPath)
	}
	if state, err := store.InspectDatabase(dbPath); err != nil || state != store.DatabaseReady {
		return loadPlan("")
	}
	store, err := store.Open(dbPath)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	p, ok, err := store.StoredPlan()
	if err != nil || ok {
		return p, err
	}
	return loadPlan("")
}

func runVersion(env Env, args []string) error {
	fs := newFlags(env, "version", "Prints the version and the revision the binary was built from.", "")
	if err := fs.parse(args); err != nil {
		return err
	}
	if len(fs.positional()) > 0 {
		return fs.misuse("takes no arguments")
	}
	fmt.Fprintln(env.Stdout, "ruralkpi", buildVersion(env.Build))
	return nil
}

// buildVersion is the version the Makefile stamped (git describe and the commit), or else what Go
// records in the binary (module version and VCS revision).
func buildVersion(b Build) string {
	version, revision := b.Version, b.Revision
	if version == "" {
		info, ok := debug.ReadBuildInfo()
		if !ok {
			return "unknown"
		}
		version = info.Main.Version
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" {
				revision = s.Value
			}
		}
	}
	if len(revision) >= 12 {
		version += " (" + revision[:12] + ")"
	} else if version == "" || version == "(devel)" {
		// A plain go build outside a git checkout records nothing: say so rather than "(devel)".
		version = "(devel) — no version or revision stamped: build with make build"
	}
	return version
}

// shownDB is a --db value fit for output and logs: a PostgreSQL URL without its password.
func shownDB(db string) string { return store.RedactURL(db) }
