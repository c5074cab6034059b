package store

import (
	"errors"
	"fmt"
	"os"
)

// ErrBackupPostgres is Backup's answer on PostgreSQL, whose own tools back up a running database.
var ErrBackupPostgres = errors.New("store: backup: the database is PostgreSQL: back it up with pg_dump " +
	"(pg_dump --format=custom --file=ruralkpi.dump URL) and restore with pg_restore " +
	"(pg_restore --dbname=URL --no-owner ruralkpi.dump); see docs/operations.md")

// Backup writes a consistent copy of the whole database to path while the server keeps running
// (SQLite's VACUUM INTO reads one snapshot; writers are not blocked). It refuses to overwrite a file.
func (s *Store) Backup(path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("store: backup: %s already exists", path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("store: backup: %w", err)
	}
	if s.dialect == dialectPostgres {
		return ErrBackupPostgres
	}
	if err := s.db.Exec(sqliteVacuumInto, path).Error; err != nil {
		return fmt.Errorf("store: backup to %s: %w", path, err)
	}
	return nil
}
