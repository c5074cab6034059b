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
)

// Env is what a command may touch: its output streams and the process environment.
type Env struct {
	Stdout io.Writer
	Stderr io.Writer
	Stdin  io.Reader
}

// command is one subcommand.
type command struct {
	summary string
	run     func(env Env, args []string) error
}

// errUsage marks a usage error: the message has been printed with the flags.
var errUsage = errors.New("usage")

func commands() map[string]command {
	return map[string]command{
		"export":   {"export a report (export monthly|briefing …)", runExport},
		"serve":    {"start the web server", runServe},
		"user":     {"manage users (user add|list|disable|enable|reset-password|set-role)", runUser},
		"token":    {"create a personal API token (token create --user NAME)", runToken},
		"version":  {"print the version", runVersion},
		"backup":   {"write a consistent copy of the database while it is in use", runBackup},
		"template": {"write a county's pre-filled monthly return template (.xlsx)", runTemplate},
		"import":   {"import monthly return files (the web upload's checks; --dry-run)", runImport},
		"ledger":   {"service-point ledgers (ledger import|template|villages …)", runLedger},
		"seed":     {"write a test data set into a new database (seed --synthetic national --db PATH)", runSeed},
	}
}

// Run runs the command line and returns the process exit code.
func Run(args []string, env Env) int {
	cmds := commands()
	if len(args) < 2 || args[1] == "-h" || args[1] == "--help" || args[1] == "help" {
		usage(env.Stderr, cmds)
		if len(args) < 2 {
			return 2
		}
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
	fmt.Fprintln(w, "\nRun 'ruralkpi <command> --help' for a command's flags.")
}

// newFlags makes a flag set that prints its usage to the command's stderr.
func newFlags(env Env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "Usage: ruralkpi %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// applyMemoryLimit sets a soft memory limit in MiB unless it is 0 or the GOMEMLIMIT environment
// variable already sets one. A province-scale ledger import stays under 64 MiB of process memory
// with a 32 MiB limit (see docs/ledger.md).
func applyMemoryLimit(mib int) {
	if mib <= 0 || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(int64(mib) << 20)
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

// openPlanStore loads the plan (the embedded one when planPath is empty) and opens the database
// with it: what every command that touches data starts with.
func openPlanStore(dbPath, planPath string) (*models.Plan, *models.Store, error) {
	plan, err := planFor(dbPath, planPath)
	if err != nil {
		return nil, nil, err
	}
	store, err := openStore(dbPath, plan)
	if err != nil {
		return nil, nil, err
	}
	return plan, store, nil
}

// planFor is the plan a command works with: the file given, else the plan kept in the database
// (one written by `seed --synthetic national`), else the embedded one.
func planFor(dbPath, planPath string) (*models.Plan, error) {
	if planPath != "" || dbPath == "" {
		return loadPlan(planPath)
	}
	if _, err := os.Stat(dbPath); err != nil {
		return loadPlan("")
	}
	store, err := models.Open(dbPath)
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

// openStore opens the database and stores the plan's units, indicators and targets.
func openStore(dbPath string, p *models.Plan) (*models.Store, error) {
	if strings.TrimSpace(dbPath) == "" {
		return nil, errors.New("--db is required")
	}
	store, err := models.Open(dbPath)
	if err != nil {
		return nil, err
	}
	if err := store.SeedPlan(p); err != nil {
		_ = store.Close()
		return nil, err
	}
	return store, nil
}

func runVersion(env Env, args []string) error {
	fs := newFlags(env, "version", "version")
	if err := fs.Parse(args); err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, "ruralkpi", buildVersion())
	return nil
}

// buildVersion reads the version from the build information Go embeds (module version or VCS revision).
func buildVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	version := info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			version += " (" + s.Value[:12] + ")"
		}
	}
	return version
}
