package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"ruralkpi/store"
)

func runBackup(env Env, args []string) error {
	fs := newFlags(env, "backup", "Writes a consistent copy of the database while the server runs (SQLite VACUUM INTO; on PostgreSQL it says how to use pg_dump).", "", "db", "o")
	dbPath := fs.String("db", "", "database: SQLite file `PATH` or postgres:// URL")
	out := fs.String("o", "", "backup `FILE` to create (must not exist; - for standard output)")
	planPath := fs.String("plan", "", "plan `FILE` (JSON); default: the embedded plan")
	if err := fs.parse(args); err != nil {
		return err
	}
	if len(fs.positional()) > 0 {
		return fs.misuse("unexpected argument %q", fs.positional()[0])
	}
	if *out != stdoutName {
		if _, err := os.Stat(*out); err == nil {
			return fmt.Errorf("%s already exists; a backup never overwrites", *out)
		} else if !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	if store.IsPostgresURL(*dbPath) {
		return store.ErrBackupPostgres
	}
	_, store, err := openPlanStore(*dbPath, *planPath, existingDB)
	if err != nil {
		return err
	}
	defer store.Close()
	// SQLite writes the copy to a path (beside the backup, where there is room for it); it then
	// goes through the one output rule like every file.
	near := ""
	if *out != stdoutName {
		near = filepath.Dir(*out)
	}
	dir, err := os.MkdirTemp(near, ".ruralkpi-backup-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	copyPath := filepath.Join(dir, "backup.db")
	if err := store.Backup(copyPath); err != nil {
		return err
	}
	src, err := os.Open(copyPath)
	if err != nil {
		return err
	}
	defer src.Close()
	o, err := openOutput(env, *out, "")
	if err != nil {
		return err
	}
	defer o.close()
	if _, err := io.Copy(o, src); err != nil {
		return fmt.Errorf("cli: write %s: %w", *out, err)
	}
	if err := o.commit(); err != nil {
		return err
	}
	o.done("backed up %s to %s", *dbPath, *out)
	return nil
}
