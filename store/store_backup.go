package store

import (
	"errors"
	"fmt"
	"os"
)

// Backup writes a consistent copy of the whole database to path while the server keeps running
// (SQLite's VACUUM INTO reads one snapshot; writers are not blocked). It refuses to overwrite a file.
func (s *Store) Backup(path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("store: backup: %s already exists", path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("store: backup: %w", err)
	}
	if err := s.db.Exec(sqliteVacuumInto, path).Error; err != nil {
		return fmt.Errorf("store: backup to %s: %w", path, err)
	}
	return nil
}
