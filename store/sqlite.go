package store

import "strings"

// Everything the store says that only SQLite understands is here; PostgreSQL's is in postgres.go, and
// dialect.go chooses between them. Beyond these, the ledger staging file
// (ledger_staging.go) is a scratch SQLite database by design, attached to the application's
// connection for one INSERT … SELECT.

// sqlitePragmas are the connection settings every SQLite connection needs: WAL for readers beside a
// writer, a busy timeout, enforced foreign keys and immediate transactions so that concurrent writers
// queue instead of failing with "database is locked".
const sqlitePragmas = "_journal_mode=WAL&_busy_timeout=5000&_foreign_keys=on&_txlock=immediate"

// SQLiteDSN turns a file path into a DSN with the settings the application relies on.
func SQLiteDSN(path string) string {
	if strings.Contains(path, "?") {
		return path + "&" + sqlitePragmas
	}
	return "file:" + path + "?" + sqlitePragmas
}

// SQLite statements used by the store.
const (
	// sqliteAttachStaging attaches a ledger staging file to a pinned connection.
	sqliteAttachStaging = "ATTACH DATABASE ? AS ledger_staging"
	// sqliteDetachStaging detaches it again.
	sqliteDetachStaging = "DETACH DATABASE ledger_staging"
	// sqliteVacuumInto writes a consistent copy of the database to a new file (Backup).
	sqliteVacuumInto = "VACUUM INTO ?"
	// sqliteDeferForeignKeys checks foreign keys at commit instead of per row (the synthetic seed).
	sqliteDeferForeignKeys = "PRAGMA defer_foreign_keys = ON"
	// sqliteJoinedValuesSQL reads each version's figures as one joined string (indicator US value RS …):
	// one row per version instead of one per figure.
	sqliteJoinedValuesSQL = `SELECT version_id, group_concat(indicator || char(31) || CAST(value AS TEXT), char(30))
		FROM return_values WHERE version_id IN ? GROUP BY version_id`
)

// auditTriggers make the audit table append-only at the database level.
func auditTriggers() []string {
	return []string{
		`CREATE TRIGGER IF NOT EXISTS audit_entries_no_update BEFORE UPDATE ON audit_entries
	 BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END`,
		`CREATE TRIGGER IF NOT EXISTS audit_entries_no_delete BEFORE DELETE ON audit_entries
	 BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END`,
	}
}
