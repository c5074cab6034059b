package cli

import (
	"errors"
	"fmt"
)

func runBackup(env Env, args []string) error {
	fs := newFlags(env, "backup", "backup --db PATH -o FILE")
	dbPath := fs.String("db", "", "SQLite database file")
	out := fs.String("o", "", "backup file to create (must not exist)")
	planPath := fs.String("plan", "", "plan file (JSON); default: the embedded plan")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		fs.Usage()
		return errors.New("-o is required")
	}
	_, store, err := openPlanStore(*dbPath, *planPath)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.Backup(*out); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "backed up %s to %s\n", *dbPath, *out)
	return nil
}
