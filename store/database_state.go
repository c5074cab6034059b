package store

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
)

// DatabaseState is what a --db value names, seen without creating or changing anything.
type DatabaseState int

const (
	// DatabaseMissing is a SQLite file that does not exist.
	DatabaseMissing DatabaseState = iota
	// DatabaseForeign exists but holds no ruralkpi tables: an empty file, another program's
	// SQLite database, a PostgreSQL database nobody set up.
	DatabaseForeign
	// DatabaseReady holds ruralkpi's tables.
	DatabaseReady
)

// InspectDatabase says whether the database a --db value names (a PostgreSQL URL, a SQLite path
// or sqlite:PATH) exists and holds ruralkpi's tables. It creates nothing and writes nothing (a
// SQLite file is opened read-only), so that commands which must not create a database can refuse
// a mistyped --db before Open would make one.
func InspectDatabase(db string) (DatabaseState, error) {
	if IsPostgresURL(db) {
		ok, err := PostgresHoldsStore(db)
		if err != nil || !ok {
			return DatabaseForeign, err
		}
		return DatabaseReady, nil
	}
	path := sqlitePath(db)
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return DatabaseMissing, nil
	}
	if err != nil {
		return DatabaseMissing, fmt.Errorf("store: %s: %w", path, err)
	}
	if fi.IsDir() {
		return DatabaseForeign, fmt.Errorf("store: %s is a folder, not a database file", path)
	}
	conn, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		return DatabaseForeign, fmt.Errorf("store: open %s: %w", path, err)
	}
	defer conn.Close()
	var n int
	if err := conn.QueryRow("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'unit_records'").Scan(&n); err != nil {
		return DatabaseForeign, fmt.Errorf("store: open %s: %w", path, err)
	}
	if n == 0 {
		return DatabaseForeign, nil
	}
	return DatabaseReady, nil
}
