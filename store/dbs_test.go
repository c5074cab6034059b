package store

import (
	"path/filepath"
	"ruralkpi/internal/testkit"
	"testing"

	"ruralkpi/internal/pgtest"
	"ruralkpi/models"
)

// Every store test that is not about one engine runs on both: forEachDB runs it as the sub-tests
// "sqlite" (a new file) and "postgres" (a new schema on RURALKPI_TEST_PG, dropped afterwards;
// skipped loudly without it, failed in CI — internal/pgtest).
//
// Tests of one engine on purpose: SQLite's write queue and its busy/full codes
// (TestWriteQueueBoundedWait, TestReadsNoteActivityInMemory, TestDatabaseErrorCodes) and the audit
// refusal made with a SQLite trigger (TestRevokeAPITokenAuditInSameTransaction); PostgreSQL's
// concurrent writers, error codes, append-only trigger, NOTIFY and restart (postgres_test.go,
// postgres_fault_test.go).

// testDatabase is a fresh --db value of the engine: a new SQLite file or a new PostgreSQL database.
func testDatabase(t testing.TB, engine string) string {
	t.Helper()
	if engine == "postgres" {
		return pgtest.URL(t)
	}
	return filepath.Join(t.TempDir(), "test.db")
}

// openEmptyStoreOn opens a fresh store of the engine, closed when the test ends.
func openEmptyStoreOn(t testing.TB, engine string) *Store {
	t.Helper()
	return openStoreAt(t, testDatabase(t, engine))
}

// openStoreAt opens the store on db (a SQLite file or a postgres:// URL), closed when the test ends.
func openStoreAt(t testing.TB, db string) *Store {
	t.Helper()
	s, err := Open(db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// engines are the databases every store test runs on.
var engines = []string{"sqlite", "postgres"}

// forEachDB runs fn on a fresh store of each engine with the default plan seeded.
func forEachDB(t *testing.T, fn func(t *testing.T, s *Store, p *models.Plan)) {
	t.Helper()
	for _, engine := range engines {
		t.Run(engine, func(t *testing.T) {
			p := testkit.Plan(t)
			s := openEmptyStoreOn(t, engine)
			if err := s.SeedPlan(p); err != nil {
				t.Fatal(err)
			}
			fn(t, s, p)
		})
	}
}

// forEachEmptyDB runs fn on a fresh, empty store of each engine.
func forEachEmptyDB(t *testing.T, fn func(t *testing.T, s *Store)) {
	t.Helper()
	for _, engine := range engines {
		t.Run(engine, func(t *testing.T) { fn(t, openEmptyStoreOn(t, engine)) })
	}
}

// forEachDatabase runs fn with a fresh --db value of each engine, for tests that open it
// themselves (more than one store on one database, reopening).
func forEachDatabase(t *testing.T, fn func(t *testing.T, db string)) {
	t.Helper()
	for _, engine := range engines {
		t.Run(engine, func(t *testing.T) { fn(t, testDatabase(t, engine)) })
	}
}
