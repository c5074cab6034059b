// Package teststore opens the SQLite stores the tests of other packages need (store's own tests
// cannot import it: it imports store). Every store is closed when the test ends. Only tests import it.
package teststore

import (
	"path/filepath"
	"testing"

	"ruralkpi/internal/testkit"
	"ruralkpi/models"
	"ruralkpi/store"
)

// Open opens (or creates) the database file at path and closes it when the test ends.
func Open(tb testing.TB, path string) *store.Store {
	tb.Helper()
	s, err := store.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

// Seeded is a fresh database in the test's temp dir holding the plan p; path names its file, for
// tests that open it a second time.
func Seeded(tb testing.TB, p *models.Plan) (s *store.Store, path string) {
	tb.Helper()
	path = filepath.Join(tb.TempDir(), "test.db")
	s = Open(tb, path)
	if err := s.SeedPlan(p); err != nil {
		tb.Fatal(err)
	}
	return s, path
}

// Demo is a fresh database holding the shipped plan and the demo data, and that plan.
func Demo(tb testing.TB) (*store.Store, *models.Plan) {
	tb.Helper()
	p := testkit.Plan(tb)
	s, _ := Seeded(tb, p)
	if err := s.SeedDemo(p); err != nil {
		tb.Fatal(err)
	}
	return s, p
}
