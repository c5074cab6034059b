package cli

import (
	"fmt"
	"time"

	"ruralkpi/store"
)

// runMigrate moves a city from its SQLite file to PostgreSQL: everything is copied into an empty
// database and verified (row counts of every table, SHA-256 of every original file). It writes no
// audit entry of its own (store.CopyAll says why); the audit trail is copied as it is.
func runMigrate(env Env, args []string) error {
	fs := newFlags(env, "migrate", "Copies every table of a SQLite database into an empty PostgreSQL database and verifies the copy "+
		"(row counts, SHA-256 of every original file). Stop the servers using the source first.", "", "from", "to")
	from := fs.String("from", "", "SQLite database `PATH` to copy (left unchanged)")
	to := fs.String("to", "", "empty PostgreSQL database `URL` (postgres://…) to copy into")
	if err := fs.parse(args); err != nil {
		return err
	}
	if len(fs.positional()) > 0 {
		return fs.misuse("unexpected argument %q", fs.positional()[0])
	}
	if store.IsPostgresURL(*from) {
		return fs.misuse("--from must be a SQLite database file, not %s", store.RedactURL(*from))
	}
	if !store.IsPostgresURL(*to) {
		return fs.misuse("--to must be a postgres:// or postgresql:// URL, not %q", *to)
	}
	if err := requireDatabase(*from, "--from"); err != nil {
		return err
	}
	started := time.Now()
	src, err := store.Open(*from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := store.Open(*to)
	if err != nil {
		return err
	}
	defer dst.Close()
	rep, err := src.CopyAll(dst, func(step string) {
		fmt.Fprintf(env.Stdout, "%6.1fs  %s\n", time.Since(started).Seconds(), step)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "copied %s to %s in %s: %d rows in %d tables, every count equal; %d original files, every SHA-256 equal\n",
		*from, store.RedactURL(*to), time.Since(started).Round(100*time.Millisecond), rep.Rows(), len(rep.Tables), rep.Files)
	fmt.Fprintf(env.Stdout, "serve it with: ruralkpi serve --db %s\n", store.RedactURL(*to))
	return nil
}
