package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"ruralkpi/importers"
	"ruralkpi/models"
)

func runLedger(env Env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(env.Stderr, `Usage:
  ruralkpi ledger import   --db PATH --county CODE --period YYYY-MM [--dry-run] FILE.xlsx
  ruralkpi ledger template --db PATH --county CODE -o FILE.xlsx
  ruralkpi ledger villages --db PATH --county CODE FILE.xlsx   (replace the unit's village list)`)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	switch args[0] {
	case "import":
		return runLedgerImport(env, args[1:])
	case "template":
		return runLedgerTemplate(env, args[1:])
	case "villages":
		return runLedgerVillages(env, args[1:])
	default:
		return fmt.Errorf("unknown ledger command %q (want import, template or villages)", args[0])
	}
}

// ledgerFlags are the flags every ledger command shares.
type ledgerFlags struct {
	db, plan, county string
}

func openLedgerStore(f ledgerFlags) (*models.Store, models.Unit, error) {
	plan, err := loadPlan(f.plan)
	if err != nil {
		return nil, models.Unit{}, err
	}
	unit, ok := plan.Unit(f.county)
	if !ok {
		return nil, models.Unit{}, fmt.Errorf("unknown unit code %q", f.county)
	}
	store, err := openStore(f.db, plan)
	if err != nil {
		return nil, models.Unit{}, err
	}
	return store, unit, nil
}

func runLedgerImport(env Env, args []string) error {
	fs := newFlags(env, "ledger import", "ledger import --db PATH --county CODE --period YYYY-MM [--dry-run] FILE.xlsx")
	var f ledgerFlags
	fs.StringVar(&f.db, "db", "", "SQLite database file")
	fs.StringVar(&f.plan, "plan", "", "plan file (JSON); default: the embedded plan")
	fs.StringVar(&f.county, "county", "", "reporting unit code")
	period := fs.String("period", "", "month of the snapshot, YYYY-MM")
	dry := fs.Bool("dry-run", false, "check the file without storing it")
	memoryLimit := fs.Int("memory-limit", 32, "soft memory limit in MiB while importing (0: none; GOMEMLIMIT wins when set)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	applyMemoryLimit(*memoryLimit)
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("exactly one ledger file is required")
	}
	p, err := models.ParsePeriod(*period)
	if err != nil {
		return err
	}
	store, unit, err := openLedgerStore(f)
	if err != nil {
		return err
	}
	defer store.Close()
	file, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer file.Close()
	res, err := importers.ImportLedger(store, file, importers.LedgerRequest{UnitCode: unit.Code, Period: p,
		FileName: file.Name(), UploadedBy: "cli", By: cliActor(), DryRun: *dry, Limits: importers.DefaultLedgerLimits()})
	if err != nil {
		if ae := (*models.Error)(nil); errors.As(err, &ae) {
			return errors.New(ae.Message)
		}
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(env.Stderr, "warning: %s %s %s\n", w.Sheet, w.Cell, w.Message)
	}
	if len(res.Problems) > 0 {
		for _, pr := range res.Problems {
			fmt.Fprintf(env.Stderr, "%s!%s: %s\n", pr.Sheet, pr.Cell, pr.Message)
		}
		return fmt.Errorf("%d problems; nothing stored", len(res.Problems))
	}
	figures, err := json.Marshal(res.Indicators)
	if err != nil {
		return err
	}
	if res.Stored {
		fmt.Fprintf(env.Stdout, "stored %s %s version %d: %d points %s\n", unit.Code, p, res.Snapshot.Number, res.Points, figures)
	} else {
		fmt.Fprintf(env.Stdout, "dry run %s %s: %d points, no problems %s\n", unit.Code, p, res.Points, figures)
	}
	return nil
}

func runLedgerTemplate(env Env, args []string) error {
	fs := newFlags(env, "ledger template", "ledger template --db PATH --county CODE -o FILE.xlsx")
	var f ledgerFlags
	fs.StringVar(&f.db, "db", "", "SQLite database file")
	fs.StringVar(&f.plan, "plan", "", "plan file (JSON); default: the embedded plan")
	fs.StringVar(&f.county, "county", "", "reporting unit code")
	out := fs.String("o", "", "output file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		fs.Usage()
		return errors.New("-o is required")
	}
	store, unit, err := openLedgerStore(f)
	if err != nil {
		return err
	}
	defer store.Close()
	w, err := os.Create(*out)
	if err != nil {
		return err
	}
	if err := importers.WriteUnitLedgerTemplate(store, w, unit.Code, unit.Name); err != nil {
		_ = w.Close()
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %s\n", *out)
	return nil
}

func runLedgerVillages(env Env, args []string) error {
	fs := newFlags(env, "ledger villages", "ledger villages --db PATH --county CODE FILE.xlsx")
	var f ledgerFlags
	fs.StringVar(&f.db, "db", "", "SQLite database file")
	fs.StringVar(&f.plan, "plan", "", "plan file (JSON); default: the embedded plan")
	fs.StringVar(&f.county, "county", "", "reporting unit code")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("exactly one village list file is required")
	}
	store, unit, err := openLedgerStore(f)
	if err != nil {
		return err
	}
	defer store.Close()
	file, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer file.Close()
	list, err := importers.ParseLedgerVillages(file, importers.DefaultLedgerLimits())
	if err != nil {
		return err
	}
	if len(list.Problems) > 0 {
		for _, pr := range list.Problems {
			fmt.Fprintf(env.Stderr, "%s!%s: %s\n", pr.Sheet, pr.Cell, pr.Message)
		}
		return fmt.Errorf("%d problems; nothing stored", len(list.Problems))
	}
	vs := make([]models.AdminVillage, len(list.Villages))
	for i, v := range list.Villages {
		vs[i] = models.AdminVillage{Township: v.Township, Name: v.Name, Division: v.Division}
	}
	if err := store.ReplaceAdminVillages(unit.Code, vs, filepath.Base(file.Name()), cliActor(), time.Now()); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "stored %d villages for %s\n", len(vs), unit.Code)
	return nil
}
