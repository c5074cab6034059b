package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	neturl "net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"ruralkpi/models"
)

// PostgreSQL: several ruralkpi servers on one database. The differences from SQLite live here and
// in dialect.go:
//   - writers are not queued in the application: transactions run at once, READ COMMITTED. What a
//     write decides from what it read is backed by unique indexes (a unit's month and version
//     number, a file's hash, a username): a transaction that lost such a race, or a deadlock, is
//     run again (up to pgWriteAttempts times), and then sees what the other committed (the same
//     file again is then refused as such). Uploads of one unit's month also take an advisory lock
//     (lockTx), so that they queue instead of colliding. A write that keeps losing, or that cannot
//     reach the database, fails with ErrBusy (503 with Retry-After).
//     (SERIALIZABLE was tried first: its predicate locks on shared index pages made concurrent
//     uploads of different units abort each other — 4 of 114 uploads busy and p50 1.8 s under the
//     load tool.)
//   - the change log's ids are handed out in commit order (a transaction-scoped advisory lock), so
//     that a server following the log never steps over a row that commits late, and every change
//     is announced with NOTIFY so that the other servers apply it at once (Watch also polls);
//   - the audit trail is append-only by a trigger, as on SQLite;
//   - migrations take an advisory lock, so that servers started together migrate one at a time.

// pgJoinedValuesSQL is sqliteJoinedValuesSQL in PostgreSQL's words (string_agg, chr).
const pgJoinedValuesSQL = `SELECT version_id, string_agg(indicator || chr(31) || CAST(value AS TEXT), chr(30))
	FROM return_values WHERE version_id IN ? GROUP BY version_id`

// pgChannel is the NOTIFY channel on which committed changes to progress data are announced.
const pgChannel = "ruralkpi_changes"

// Advisory lock keys (any two distinct 64-bit numbers that no other application on the database uses).
const (
	pgLockChangeLog int64 = 0x72_6b_70_69_01 // "rkpi" 1: the change log's commit order
	pgLockMigrate   int64 = 0x72_6b_70_69_02 // "rkpi" 2: one migration at a time
)

// pgMaxConns bounds one server's connections: PostgreSQL's default max_connections is 100, and a
// province runs a few servers beside pg_dump and psql sessions.
const pgMaxConns = 20

// pgWriteAttempts is how often a write that lost a serialization conflict is run again before the
// caller gets ErrBusy (503 with Retry-After).
const pgWriteAttempts = 10

// openPostgres connects to the PostgreSQL database at url (a libpq URL) and migrates it.
func openPostgres(url string) (*Store, error) {
	db, err := gorm.Open(postgres.Open(url), &gorm.Config{Logger: logger.Default.LogMode(logger.Silent)})
	if err != nil {
		return nil, fmt.Errorf("store: open postgres: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("store: open postgres: %w", err)
	}
	sqlDB.SetMaxOpenConns(pgMaxConns)
	sqlDB.SetMaxIdleConns(pgMaxConns)
	// Connections are recycled now and then, so that a failover or a restarted server is picked up.
	sqlDB.SetConnMaxLifetime(30 * time.Minute)
	gate := newWriteGate()
	gate.open = true
	s := &Store{db: db, dsn: url, dialect: dialectPostgres, gate: gate, touch: newTouches()}
	if err := s.Migrate(); err != nil {
		_ = sqlDB.Close()
		return nil, err
	}
	s.startFlusher()
	return s, nil
}

// migratePostgres runs the migrations under an advisory lock, so that servers started together
// migrate one at a time (the second finds nothing to do).
func (s *Store) migratePostgres(migrate func() error) error {
	ctx := context.Background()
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", pgLockMigrate); err != nil {
		return fmt.Errorf("store: migrate: lock: %w", err)
	}
	defer conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", pgLockMigrate) //nolint:errcheck // released with the session anyway
	return migrate()
}

// pgAuditGuards make the audit table append-only on PostgreSQL: UPDATE, DELETE and TRUNCATE fail.
func pgAuditGuards() []string {
	return []string{
		`CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS
		 $$ BEGIN RAISE EXCEPTION 'audit entries are append-only'; END $$`,
		`CREATE OR REPLACE TRIGGER audit_entries_no_update BEFORE UPDATE OR DELETE ON audit_entries
		 FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()`,
		`CREATE OR REPLACE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
		 FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only()`,
	}
}

// announceTx orders and announces a change-log row on PostgreSQL, inside the write's transaction:
// the advisory lock (held to commit) makes log ids commit in order, and the NOTIFY is delivered to
// the other servers when the transaction commits (never if it rolls back). On SQLite, with one
// writer at a time, there is nothing to do.
func announceTx(tx *gorm.DB) error {
	if dialectOf(tx) != dialectPostgres {
		return nil
	}
	if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", pgLockChangeLog).Error; err != nil {
		return fmt.Errorf("store: order data change: %w", err)
	}
	return nil
}

// notifyTx announces a recorded change to the other servers at commit.
func notifyTx(tx *gorm.DB, id uint64) error {
	if dialectOf(tx) != dialectPostgres {
		return nil
	}
	if err := tx.Exec("SELECT pg_notify(?, ?)", pgChannel, fmt.Sprint(id)).Error; err != nil {
		return fmt.Errorf("store: announce data change: %w", err)
	}
	return nil
}

// transactPostgres runs fn in one transaction, again (a few times, after a short random pause)
// when PostgreSQL aborted it for a conflict that running it again resolves; when it keeps losing,
// or the database cannot be reached, the caller gets ErrBusy wrapped with the cause.
func transactPostgres(db *gorm.DB, fn func(tx *gorm.DB) error) error {
	var err error
	for attempt := range pgWriteAttempts {
		if attempt > 0 {
			// Random, growing pauses: the writers that collided do not meet again.
			ceiling := min(10<<attempt, 300)
			time.Sleep(time.Duration(1+rand.IntN(ceiling)) * time.Millisecond)
		}
		err = db.Transaction(fn)
		if err == nil || !pgConflict(err) {
			break
		}
	}
	if err != nil && isPostgresBusy(err) && !errors.Is(err, models.ErrBusy) {
		return fmt.Errorf("%w: %w", models.ErrBusy, err)
	}
	return err
}

// pgConflict reports whether PostgreSQL aborted a transaction that may simply be run again:
// serialization_failure, deadlock_detected, or unique_violation (a key another writer took
// between this one's check and its insert; run again, the check sees it).
func pgConflict(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01" || pe.Code == "23505")
}

// lockTx takes a transaction-scoped advisory lock on what a write is about to decide (kind and its
// parts, e.g. "return", unit, month) on PostgreSQL, held to commit; SQLite's single writer needs none.
func lockTx(tx *gorm.DB, kind string, parts ...string) error {
	if dialectOf(tx) != dialectPostgres {
		return nil
	}
	key := kind + "|" + strings.Join(parts, "|")
	if err := tx.Exec("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", key).Error; err != nil {
		return fmt.Errorf("store: lock %s: %w", kind, err)
	}
	return nil
}

// isPostgresBusy reports whether err means PostgreSQL could not take the work now and nothing was
// written: a conflict that kept losing, a lock or statement timeout, too many connections, the
// server shutting down or starting, or the connection lost or refused.
func isPostgresBusy(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "40001", pe.Code == "40P01", // serialization failure, deadlock
			pe.Code == "55P03", pe.Code == "57014", // lock not available, statement cancelled (timeout)
			pe.Code == "53300",                                         // too many connections
			pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03", // admin/crash shutdown, cannot connect now
			strings.HasPrefix(pe.Code, "08"): // connection exception
			return true
		}
		return false
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "conn closed") || strings.Contains(msg, "connection refused") ||
		strings.Contains(msg, "connection reset") || strings.Contains(msg, "unexpected EOF") ||
		strings.Contains(msg, "failed to connect") || strings.Contains(msg, "broken pipe")
}

// listen wakes wake (without blocking) whenever another server announces a change on pgChannel,
// until ctx ends. A lost connection is opened again after a pause; Watch's polling covers the gap.
func (s *Store) listen(ctx context.Context, wake chan<- struct{}) {
	pause := time.Second
	for ctx.Err() == nil {
		err := s.listenOnce(ctx, wake)
		if ctx.Err() != nil {
			return
		}
		slog.Default().Warn("read model: listening for changes failed; polling meanwhile", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
		pause = min(2*pause, 30*time.Second)
	}
}

func (s *Store) listenOnce(ctx context.Context, wake chan<- struct{}) error {
	conn, err := pgx.Connect(ctx, s.dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+pgChannel); err != nil {
		return err
	}
	// Something may have been committed while no connection listened.
	select {
	case wake <- struct{}{}:
	default:
	}
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		select {
		case wake <- struct{}{}:
		default:
		}
	}
}

// resetSequences moves the id sequences of tables past their highest id on PostgreSQL, after rows
// were written with explicit ids (the synthetic seed, a migration); SQLite needs nothing.
func (s *Store) resetSequences(tables ...string) error {
	if s.dialect != dialectPostgres {
		return nil
	}
	for _, t := range tables {
		q := `SELECT setval(pg_get_serial_sequence('` + t + `', 'id'), COALESCE((SELECT MAX(id) FROM ` + t + `), 0) + 1, false)`
		if err := s.db.Exec(q).Error; err != nil {
			return fmt.Errorf("store: reset id sequence of %s: %w", t, err)
		}
	}
	return nil
}

// PostgresHoldsStore reports whether the PostgreSQL database at url has been set up by ruralkpi
// (its tables exist), without creating anything: commands other than serve and user add refuse a
// database that was never set up, as they refuse a SQLite file that does not exist.
func PostgresHoldsStore(url string) (bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return false, fmt.Errorf("store: connect to %s: %w", RedactURL(url), err)
	}
	defer conn.Close(context.Background())
	var ok bool
	if err := conn.QueryRow(ctx, "SELECT to_regclass('unit_records') IS NOT NULL").Scan(&ok); err != nil {
		return false, fmt.Errorf("store: look for ruralkpi's tables in %s: %w", RedactURL(url), err)
	}
	return ok, nil
}

// RedactURL is a --db value fit for logs and messages: a PostgreSQL URL's password is replaced by
// xxxxx; anything else is returned as is.
func RedactURL(db string) string {
	if !IsPostgresURL(db) {
		return db
	}
	u, err := neturl.Parse(db)
	if err != nil {
		return "postgres://(unparsable URL)"
	}
	return u.Redacted()
}
