package cli

import (
	"fmt"
	"time"

	"ruralkpi/models"
	"ruralkpi/store"
)

// runSeed writes a test data set into a new database: `seed --synthetic national --db PATH` is the
// national scale the performance figures are measured at (docs/performance.md).
func runSeed(env Env, args []string) error {
	fs := newFlags(env, "seed", "Writes a synthetic test data set into a new database (the national scale of docs/performance.md).", "", "synthetic", "db")
	kind := fs.String("synthetic", "", "data set to write: `national` (31 provinces, 333 cities, 2,850 counties, 36 months)")
	dbPath := fs.String("db", "", "database to create: SQLite file `PATH` or an empty postgres:// database")
	if err := fs.parse(args); err != nil {
		return err
	}
	if len(fs.positional()) > 0 {
		return fs.misuse("takes no arguments")
	}
	if *kind != "national" {
		return fs.misuse("unknown data set %q (want national)", *kind)
	}
	if store.IsPostgresURL(*dbPath) {
		// SeedSynthetic refuses a database that holds returns or users.
	} else if state, err := store.InspectDatabase(*dbPath); err != nil {
		return err
	} else if state != store.DatabaseMissing {
		return fmt.Errorf("%s exists: seed writes a new database file", *dbPath)
	}
	started := time.Now()
	p, allocs, villages, err := models.SyntheticCountry(models.NationalProvinces, models.NationalCities, models.NationalCounties)
	if err != nil {
		return err
	}
	store, err := store.Open(*dbPath)
	if err != nil {
		return err
	}
	defer store.Close()
	err = store.SeedSynthetic(p, allocs, villages, func(step string) {
		fmt.Fprintf(env.Stdout, "%6.1fs  %s\n", time.Since(started).Seconds(), step)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %s in %s; serve it with: ruralkpi serve --db %s (log in as office or leader, password %s)\n",
		shownDB(*dbPath), time.Since(started).Round(100*time.Millisecond), shownDB(*dbPath), models.DemoPassword)
	return nil
}
