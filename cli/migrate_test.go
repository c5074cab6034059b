package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ruralkpi/internal/pgtest"
	"ruralkpi/models"
	"ruralkpi/store"
)

// migrate copies the demo database into PostgreSQL with every count and every original's SHA-256
// equal, adds no audit entry of its own, and refuses to copy into a database that holds data.
func TestMigrateDemoToPostgres(t *testing.T) {
	pg := pgtest.URL(t)
	db := filepath.Join(t.TempDir(), "demo.db")
	// export --demo creates and fills a demo database.
	if code, _, errOut := run(t, "", "export", "monthly", "--db", db, "--demo", "--period", "2024-06", "-o", filepath.Join(t.TempDir(), "m.xlsx")); code != 0 {
		t.Fatalf("demo database: %d %s", code, errOut)
	}
	if code, _, errOut := run(t, "first-long-password\n", "user", "add", "--db", db, "--username", "first", "--role", "office"); code != 0 {
		t.Fatalf("user add: %d %s", code, errOut)
	}
	ledger := filepath.Join(t.TempDir(), "ledger.xlsx")
	if err := os.WriteFile(ledger, cliLedgerFile(t, "潇湘村"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := run(t, "", "ledger", "import", "--db", db, "--county", "530302", "--period", "2024-06", "--ignore-lock", ledger); code != 0 {
		t.Fatalf("ledger import: %d %s", code, errOut)
	}
	code, out, errOut := run(t, "", "migrate", "--from", db, "--to", pg)
	if code != 0 || !strings.Contains(out, "every count equal") || !strings.Contains(out, "; 1 original files, every SHA-256 equal") {
		t.Fatalf("migrate: %d\n%s\n%s", code, out, errOut)
	}
	audit := func(path string) int {
		s, err := store.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		entries, err := s.AuditEntries(models.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return len(entries)
	}
	if a, b := audit(db), audit(pg); a == 0 || a != b {
		t.Errorf("audit entries: %d in the source, %d in the target", a, b)
	}
	if code, _, errOut := run(t, "", "migrate", "--from", db, "--to", pg); code != 1 || !strings.Contains(errOut, "not empty") {
		t.Errorf("migrate into a non-empty database: %d %s", code, errOut)
	}
	if code, _, errOut := run(t, "", "migrate", "--from", db, "--to", filepath.Join(t.TempDir(), "x.db")); code != 2 || !strings.Contains(errOut, "postgres://") {
		t.Errorf("migrate to a file: %d %s", code, errOut)
	}
	// The target serves commands like any database.
	if code, out, errOut := run(t, "", "user", "list", "--db", pg); code != 0 || !strings.Contains(out, "first") {
		t.Errorf("user list on the target: %d %s %s", code, out, errOut)
	}
}

// backup is SQLite's: on a PostgreSQL URL it writes nothing and says to use pg_dump/pg_restore.
func TestBackupOnPostgresPointsToPgDump(t *testing.T) {
	out := filepath.Join(t.TempDir(), "b.db")
	code, _, errOut := run(t, "", "backup", "--db", "postgres://ruralkpi:secret@127.0.0.1:1/ruralkpi", "-o", out)
	if code != 1 || !strings.Contains(errOut, "pg_dump") || !strings.Contains(errOut, "pg_restore") || strings.Contains(errOut, "secret") {
		t.Errorf("backup on PostgreSQL: %d %q", code, errOut)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("backup on PostgreSQL wrote a file")
	}
}
