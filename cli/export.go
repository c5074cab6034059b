package cli

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"ruralkpi/handlers"
	"ruralkpi/models"
	"ruralkpi/reports"
	"ruralkpi/store"
)

// exportFlags are the flags every export shares.
type exportFlags struct {
	db, plan, period, out, chromium string
	demo                            bool
}

func runExport(env Env, args []string) error {
	return runGroup(env, "export", "Exports a report for a month. --demo fills an empty (or new) database with the demo first, to try the reports.",
		[]subcommand{{"monthly", runExportMonthly}, {"briefing", runExportBriefing}}, args)
}

// parseExportFlags parses the flags every export shares; formats are the output extensions, the
// default first.
func parseExportFlags(env Env, name, about string, args []string, withChromium bool) (exportFlags, string, error) {
	fs := newFlags(env, "export "+name, about, "", "db", "o")
	var f exportFlags
	fs.StringVar(&f.db, "db", "", "database: SQLite file `PATH` or postgres:// URL")
	fs.StringVar(&f.plan, "plan", "", "plan `FILE` (JSON); default: the embedded plan")
	fs.StringVar(&f.period, "period", "", "month `YYYY-MM`; default: the newest month with returns")
	formats := []string{".xlsx"}
	if withChromium {
		formats = []string{".pdf", ".html"}
		fs.StringVar(&f.out, "o", "", "output `FILE.pdf|FILE.html` (the extension decides; - for a PDF on standard output)")
		fs.StringVar(&f.chromium, "chromium", "", "Chromium executable `PATH`; default: chromium or google-chrome on PATH")
	} else {
		fs.StringVar(&f.out, "o", "", "output `FILE.xlsx` (- for standard output)")
	}
	fs.BoolVar(&f.demo, "demo", false, "fill an empty or new database with the demo first, as make run shows it on "+models.DemoToday+" (refused on real data)")
	if err := fs.parse(args); err != nil {
		return f, "", err
	}
	if len(fs.positional()) > 0 {
		return f, "", fs.misuse("unexpected argument %q", fs.positional()[0])
	}
	format, err := outputFormat(f.out, formats...)
	if err != nil {
		return f, "", fs.misuse("%v", err)
	}
	return f, format, nil
}

// exportInput opens the store and loads the report input for the month.
func exportInput(f exportFlags) (*store.Store, *models.Plan, reports.Input, error) {
	mode := existingDB
	if f.demo {
		mode = createDB
	}
	plan, st, err := openPlanStore(f.db, f.plan, mode)
	if err != nil {
		return nil, nil, reports.Input{}, err
	}
	fail := func(err error) (*store.Store, *models.Plan, reports.Input, error) {
		_ = st.Close()
		return nil, nil, reports.Input{}, err
	}
	now := time.Now()
	if f.demo {
		// The demo as `make run` (serve --demo) shows it, on its day: the reports are the ones a
		// leader would download from that server.
		today, err := models.ParseToday(models.DemoToday)
		if err != nil {
			return fail(err)
		}
		if err := st.SeedDemoAsOf(plan, today); err != nil {
			return fail(err)
		}
		now = models.ClockAt(today, time.Now)()
	}
	period, err := reports.ResolvePeriod(st, plan, f.period)
	if err != nil {
		return fail(fmt.Errorf("--period: %s", models.ErrorMessage(err)))
	}
	in, err := reports.Load(st, plan, period, now)
	if err != nil {
		return fail(err)
	}
	return st, plan, in, nil
}

func runExportMonthly(env Env, args []string) error {
	f, format, err := parseExportFlags(env, "monthly", "Writes the monthly consolidated workbook (汇总表).", args, false)
	if err != nil {
		return err
	}
	st, _, in, err := exportInput(f)
	if err != nil {
		return err
	}
	defer st.Close()
	var buf bytes.Buffer
	if err := reports.WriteMonthly(&buf, in, reports.MonthlyOptions{}); err != nil {
		return err
	}
	o, err := writeOutput(env, f.out, format, buf.Bytes())
	if err != nil {
		return err
	}
	o.done("wrote %s: monthly workbook for %s (%d bytes)", f.out, in.Period, buf.Len())
	return nil
}

func runExportBriefing(env Env, args []string) error {
	f, format, err := parseExportFlags(env, "briefing", "Writes the leaders' briefing (月度通报): a PDF printed by headless Chromium, or a self-contained HTML page.", args, true)
	if err != nil {
		return err
	}
	asHTML := format == ".html"
	chromium := ""
	if !asHTML {
		// Look for Chromium before any work, so that its absence is said first and plainly.
		if chromium, err = reports.FindChromium(f.chromium); err != nil {
			return fmt.Errorf("%w\n(write the page instead with -o FILE.html and print it from a browser)", err)
		}
	}
	st, plan, in, err := exportInput(f)
	if err != nil {
		return err
	}
	defer st.Close()
	s := &handlers.Server{Plan: plan, Store: st}
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
	o, err := writeOutput(env, f.out, format, page)
	if err != nil {
		return err
	}
	o.done("wrote %s: briefing for %s (%d bytes)", f.out, in.Period, len(page))
	return nil
}
