package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"ruralkpi/importers"
	"ruralkpi/importers/returns"
	"ruralkpi/models"
	"ruralkpi/store"
)

// runTemplate writes the pre-filled monthly template of a county and month.
func runTemplate(env Env, args []string) error {
	fs := newFlags(env, "template", "Writes a unit's pre-filled monthly return template.", "", "db", "county", "period", "o")
	dbPath := fs.String("db", "", "database (for the last accepted figures): SQLite file `PATH` or postgres:// URL")
	planPath := fs.String("plan", "", "plan `FILE` (JSON); default: the embedded plan")
	county := fs.String("county", "", "reporting unit `CODE`, e.g. 530302")
	period := fs.String("period", "", "month, `YYYY-MM`")
	outPath := fs.String("o", "", "output `FILE.xlsx` (- for standard output)")
	if err := fs.parse(args); err != nil {
		return err
	}
	if len(fs.positional()) > 0 {
		return fs.misuse("unexpected argument %q", fs.positional()[0])
	}
	format, err := outputFormat(*outPath, ".xlsx")
	if err != nil {
		return fs.misuse("%v", err)
	}
	plan, store, err := openPlanStore(*dbPath, *planPath, existingDB)
	if err != nil {
		return err
	}
	defer store.Close()
	in, err := returns.TemplateFor(store, plan, *county, *period, "", time.Now())
	if err != nil {
		return userError(err)
	}
	var buf bytes.Buffer
	if err := returns.WriteTemplate(&buf, in); err != nil {
		return userError(err)
	}
	o, err := writeOutput(env, *outPath, format, buf.Bytes())
	if err != nil {
		return err
	}
	o.done("wrote %s (%s %s)", *outPath, *county, *period)
	return nil
}

// runImport imports return files through the same path as the web upload; every problem of every
// refused file is printed and the exit status is non-zero if any file was refused.
func runImport(env Env, args []string) error {
	fs := newFlags(env, "import", "Imports monthly return files through the web upload's checks, the month lock included (also with --dry-run);\n"+
		"prints every problem and exits 1 if any file is refused.", "FILE…", "db")
	dbPath := fs.String("db", "", "database: SQLite file `PATH` or postgres:// URL")
	planPath := fs.String("plan", "", "plan `FILE` (JSON); default: the embedded plan")
	dryRun := fs.Bool("dry-run", false, "check and show what would be stored, store nothing")
	by := fs.String("by", "cli", "`NAME` recorded as the uploader")
	ignoreLock := fs.Bool("ignore-lock", false, "accept months locked after their deadline (loading past returns at deployment)")
	if err := fs.parse(args); err != nil {
		return err
	}
	if len(fs.positional()) == 0 {
		return fs.misuse("no file given")
	}
	plan, store, err := openPlanStore(*dbPath, *planPath, existingDB)
	if err != nil {
		return err
	}
	defer store.Close()
	refused := 0
	for _, path := range fs.positional() {
		if !importFile(env, store, plan, path, returns.ImportRequest{FileName: filepath.Base(path), UploadedBy: *by, By: models.Actor{Username: *by, IP: cliActor().IP}, DryRun: *dryRun, IgnoreLock: *ignoreLock}) {
			refused++
		}
	}
	if refused > 0 {
		return fmt.Errorf("%d of %d file(s) refused; nothing was stored for them", refused, len(fs.positional()))
	}
	return nil
}

// importFile imports one file and reports the outcome; it returns whether the file was accepted.
func importFile(env Env, store *store.Store, plan *models.Plan, path string, req returns.ImportRequest) bool {
	lim := importers.DefaultLimits()
	data, err := readLimited(path, lim.MaxFileBytes)
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s: %v\n", path, err)
		return false
	}
	req.File, req.Now = data, time.Now()
	out, err := returns.Import(store, plan, lim, req)
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s: %s\n", path, models.ErrorMessage(err))
		if models.ErrorCode(err) == models.EInternal {
			fmt.Fprintf(env.Stderr, "%s: %v\n", path, err)
		}
		return false
	}
	if !out.OK() {
		fmt.Fprintf(env.Stderr, "%s: refused, %d problem(s):\n", path, len(out.Problems))
		for _, p := range out.Problems {
			fmt.Fprintf(env.Stderr, "  %s\n", p)
		}
		return false
	}
	switch {
	case req.DryRun:
		fmt.Fprintf(env.Stdout, "%s: OK (dry run) %s %s, %d value(s), %d milestone(s), would be version %d\n", path,
			out.Return.UnitCode, out.Return.Period, len(out.Return.Values), len(out.Return.Milestones), out.Previous.Number+1)
		for _, c := range out.Changes {
			if c.Kind != models.ReturnChangeSame {
				fmt.Fprintf(env.Stdout, "  %-24s %s: %q → %q\n", c.Indicator, c.Kind, c.Old, c.New)
			}
		}
	default:
		fmt.Fprintf(env.Stdout, "%s: stored %s %s as version %d\n", path, out.Version.UnitCode, out.Version.Period, out.Version.Number)
	}
	for _, w := range out.Warnings {
		fmt.Fprintf(env.Stdout, "  warning: %s\n", w)
	}
	return true
}

// readLimited reads a file, refusing one over the limit without reading it whole.
func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("文件过大：上限为 %d MB", limit>>20)
	}
	return data, nil
}

// userError turns an application error into its user-facing message.
func userError(err error) error {
	if models.ErrorCode(err) == models.EInternal {
		return err
	}
	return errors.New(models.ErrorMessage(err))
}
