package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"ruralkpi/handlers"
	"ruralkpi/models"
	"ruralkpi/reports"
)

// exportFlags are the flags every export shares.
type exportFlags struct {
	db, plan, period, out, chromium string
	demo                            bool
}

func runExport(env Env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(env.Stderr, "Usage: ruralkpi export monthly|briefing --db PATH --period YYYY-MM -o FILE\n\n"+
			"  monthly   the monthly consolidated workbook (汇总表), .xlsx\n"+
			"  briefing  the leaders' briefing (月度通报): .pdf printed by headless Chromium, or .html")
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	switch args[0] {
	case "monthly":
		return runExportMonthly(env, args[1:])
	case "briefing":
		return runExportBriefing(env, args[1:])
	default:
		return fmt.Errorf("unknown export %q (want monthly or briefing)", args[0])
	}
}

func parseExportFlags(env Env, name, synopsis string, args []string, withChromium bool) (exportFlags, error) {
	fs := newFlags(env, "export "+name, synopsis)
	var f exportFlags
	fs.StringVar(&f.db, "db", "", "SQLite database file")
	fs.StringVar(&f.plan, "plan", "", "plan file (JSON); default: the embedded plan")
	fs.StringVar(&f.period, "period", "", "month YYYY-MM; default: the newest month with returns")
	fs.StringVar(&f.out, "o", "", "output file")
	fs.BoolVar(&f.demo, "demo", false, "fill an empty database with the demo first (refused on real data)")
	if withChromium {
		fs.StringVar(&f.chromium, "chromium", "", "Chromium executable; default: chromium or google-chrome on PATH")
	}
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	if f.out == "" {
		fs.Usage()
		return f, errors.New("-o FILE is required")
	}
	return f, nil
}

// exportInput opens the store and loads the report input for the month.
func exportInput(f exportFlags) (*models.Store, *models.Plan, reports.Input, error) {
	plan, store, err := openPlanStore(f.db, f.plan)
	if err != nil {
		return nil, nil, reports.Input{}, err
	}
	fail := func(err error) (*models.Store, *models.Plan, reports.Input, error) {
		_ = store.Close()
		return nil, nil, reports.Input{}, err
	}
	if f.demo {
		if err := store.SeedDemo(plan); err != nil {
			return fail(err)
		}
	}
	period, err := reports.ResolvePeriod(store, plan, f.period)
	if err != nil {
		return fail(fmt.Errorf("--period: %s", models.ErrorMessage(err)))
	}
	in, err := reports.Load(store, plan, period, time.Now())
	if err != nil {
		return fail(err)
	}
	return store, plan, in, nil
}

// writeOutput writes the file whole or not at all: a temp file renamed into place.
func writeOutput(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".ruralkpi-export-*")
	if err != nil {
		return fmt.Errorf("cli: create %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("cli: write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("cli: write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("cli: write %s: %w", path, err)
	}
	return nil
}

func runExportMonthly(env Env, args []string) error {
	f, err := parseExportFlags(env, "monthly", "export monthly --db PATH [--period YYYY-MM] -o FILE.xlsx", args, false)
	if err != nil {
		return err
	}
	store, _, in, err := exportInput(f)
	if err != nil {
		return err
	}
	defer store.Close()
	var buf bytes.Buffer
	if err := reports.WriteMonthly(&buf, in, reports.MonthlyOptions{}); err != nil {
		return err
	}
	if err := writeOutput(f.out, buf.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %s: monthly workbook for %s (%d bytes)\n", f.out, in.Period, buf.Len())
	return nil
}

func runExportBriefing(env Env, args []string) error {
	f, err := parseExportFlags(env, "briefing", "export briefing --db PATH [--period YYYY-MM] -o FILE.pdf|FILE.html [--chromium PATH]", args, true)
	if err != nil {
		return err
	}
	asHTML := strings.EqualFold(filepath.Ext(f.out), ".html")
	chromium := ""
	if !asHTML {
		// Look for Chromium before any work, so that its absence is said first and plainly.
		if chromium, err = reports.FindChromium(f.chromium); err != nil {
			return fmt.Errorf("%w\n(write the page instead with -o FILE.html and print it from a browser)", err)
		}
	}
	store, plan, in, err := exportInput(f)
	if err != nil {
		return err
	}
	defer store.Close()
	s := &handlers.Server{Plan: plan, Store: store}
	if _, err := handlers.New(s); err != nil {
		return err
	}
	page, err := s.BriefingHTML(reports.BuildBriefing(in))
	if err != nil {
		return err
	}
	if !asHTML {
		if page, err = reports.PrintPDF(context.Background(), chromium, page); err != nil {
			return err
		}
	}
	if err := writeOutput(f.out, page); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %s: briefing for %s (%d bytes)\n", f.out, in.Period, len(page))
	return nil
}
