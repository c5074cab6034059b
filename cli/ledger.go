package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"ruralkpi/importers/ledger"
	"ruralkpi/importers/xlsx"
	"ruralkpi/models"
	"ruralkpi/store"
)

func runLedger(env Env, args []string) error {
	return runGroup(env, "ledger", "Service-point ledgers: import a unit's snapshot, write its template, replace its village list.",
		[]subcommand{{"import", runLedgerImport}, {"template", runLedgerTemplate}, {"villages", runLedgerVillages}}, args)
}

// ledgerFlags are the flags every ledger command shares.
type ledgerFlags struct {
	db, plan, county string
}

// ledgerFlagSet declares the flags every ledger command shares.
func ledgerFlagSet(fs *flagSet, f *ledgerFlags) {
	fs.StringVar(&f.db, "db", "", "database: SQLite file `PATH` or postgres:// URL")
	fs.StringVar(&f.plan, "plan", "", "plan `FILE` (JSON); default: the embedded plan")
	fs.StringVar(&f.county, "county", "", "reporting unit `CODE`, e.g. 530302")
}

func openLedgerStore(f ledgerFlags) (*store.Store, models.Unit, error) {
	store, unit, _, err := openLedgerPlanStore(f)
	return store, unit, err
}

// openLedgerPlanStore is openLedgerStore with the plan, which an import needs for the month's lock.
func openLedgerPlanStore(f ledgerFlags) (*store.Store, models.Unit, *models.Plan, error) {
	plan, store, err := openPlanStore(f.db, f.plan, existingDB)
	if err != nil {
		return nil, models.Unit{}, nil, err
	}
	unit, ok := plan.Unit(f.county)
	if !ok {
		_ = store.Close()
		return nil, models.Unit{}, nil, fmt.Errorf("unknown unit code %q", f.county)
	}
	return store, unit, plan, nil
}

// openLedgerFile is openLedgerPlanStore with the file a command reads; on an error nothing is left
// open. The caller closes the store and the file.
func openLedgerFile(f ledgerFlags, path string) (*store.Store, models.Unit, *models.Plan, *os.File, error) {
	store, unit, plan, err := openLedgerPlanStore(f)
	if err != nil {
		return nil, models.Unit{}, nil, nil, err
	}
	file, err := os.Open(path)
	if err != nil {
		_ = store.Close()
		return nil, models.Unit{}, nil, nil, err
	}
	return store, unit, plan, file, nil
}

func runLedgerImport(env Env, args []string) error {
	fs := newFlags(env, "ledger import", "Imports a unit's service-point ledger snapshot for a month through the web upload's checks.", "FILE.xlsx", "db", "county", "period")
	var f ledgerFlags
	ledgerFlagSet(fs, &f)
	period := fs.String("period", "", "month of the snapshot, `YYYY-MM`")
	dry := fs.Bool("dry-run", false, "check the file without storing it")
	ignoreLock := fs.Bool("ignore-lock", false, "accept a month locked after its deadline (loading past ledgers at deployment); audited")
	memoryLimit := fs.Int("memory-limit", 32, "soft memory limit in `MiB` while importing (0: none; GOMEMLIMIT wins when set)")
	if err := fs.parse(args); err != nil {
		return err
	}
	applyMemoryLimit(*memoryLimit)
	if len(fs.positional()) != 1 {
		return fs.misuse("exactly one ledger file is required")
	}
	p, err := models.ParsePeriod(*period)
	if err != nil {
		return err
	}
	store, unit, plan, file, err := openLedgerFile(f, fs.positional()[0])
	if err != nil {
		return err
	}
	defer store.Close()
	defer file.Close()
	res, err := ledger.Import(store, file, ledger.Request{UnitCode: unit.Code, Period: p,
		FileName: file.Name(), UploadedBy: "cli", DryRun: *dry, Limits: xlsx.DefaultLimits(),
		By: cliActor(), Plan: plan, Now: time.Now(), IgnoreLock: *ignoreLock})
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
	fs := newFlags(env, "ledger template", "Writes a unit's ledger template, pre-filled with its newest ledger.", "", "db", "county", "o")
	var f ledgerFlags
	ledgerFlagSet(fs, &f)
	out := fs.String("o", "", "output `FILE.xlsx` (- for standard output)")
	if err := fs.parse(args); err != nil {
		return err
	}
	if len(fs.positional()) > 0 {
		return fs.misuse("unexpected argument %q", fs.positional()[0])
	}
	format, err := outputFormat(*out, ".xlsx")
	if err != nil {
		return fs.misuse("%v", err)
	}
	store, unit, err := openLedgerStore(f)
	if err != nil {
		return err
	}
	defer store.Close()
	o, err := openOutput(env, *out, format)
	if err != nil {
		return err
	}
	defer o.close()
	if err := ledger.WriteUnitTemplate(store, o, unit.Code, unit.Name); err != nil {
		return err
	}
	if err := o.commit(); err != nil {
		return err
	}
	o.done("wrote %s", *out)
	return nil
}

func runLedgerVillages(env Env, args []string) error {
	fs := newFlags(env, "ledger villages", "Replaces a unit's administrative-village list (the coverage denominator) with the one in the file.", "FILE.xlsx", "db", "county")
	var f ledgerFlags
	ledgerFlagSet(fs, &f)
	if err := fs.parse(args); err != nil {
		return err
	}
	if len(fs.positional()) != 1 {
		return fs.misuse("exactly one village list file is required")
	}
	store, unit, _, file, err := openLedgerFile(f, fs.positional()[0])
	if err != nil {
		return err
	}
	defer store.Close()
	defer file.Close()
	list, err := ledger.ParseVillages(file, xlsx.DefaultLimits())
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
