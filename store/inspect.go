package store

import (
	"database/sql"
	"fmt"
)

// SQL is the connection pool under the store, for tests and diagnostics that must look beneath
// the store's methods (fingerprinting every table, making the audit table refuse inserts, seeding
// a row as it is). Application code changes data only through the store's methods: a write here
// bypasses the write queue, the audit trail and the read model.
func (s *Store) SQL() (*sql.DB, error) {
	db, err := s.db.DB()
	if err != nil {
		return nil, fmt.Errorf("store: connection pool: %w", err)
	}
	return db, nil
}

// Restarted is a second store over the same database with no read model and no write queue, as
// the application finds the data after a restart: benchmarks build its read model to measure the
// build at start. It shares the connection pool; close only the original.
func (s *Store) Restarted() *Store {
	return &Store{db: s.db}
}
