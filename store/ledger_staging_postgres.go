package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"ruralkpi/models"
)

// PostgreSQL cannot ATTACH the scratch SQLite file a ledger upload is staged in, so the staged
// points travel over the connection: in batches of multi-row INSERTs, read from the scratch file
// in staging order.

// pgStagedPointsTable is the temporary table a dry run's staged points are compared from.
const pgStagedPointsTable = "ledger_staging_points"

// copyStagedPointsTo inserts the staged points into table inside tx, in the order they were
// staged; with a snapshot id, into its snapshot_id column as well.
func copyStagedPointsTo(tx *gorm.DB, st *LedgerStaging, table string, snapshot *uint) error {
	pool, ok := tx.Statement.ConnPool.(interface {
		PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
	})
	if !ok {
		return errors.New("store: connection cannot prepare statements")
	}
	ctx := tx.Statement.Context
	if ctx == nil {
		ctx = context.Background()
	}
	columns, count := ledgerStagingColumns, ledgerStagingColumnCount
	if snapshot != nil {
		columns, count = "snapshot_id, "+columns, count+1
	}
	d := dialectOf(tx)
	rows, err := st.db.QueryContext(ctx, `SELECT `+ledgerStagingColumns+` FROM points ORDER BY rowid`)
	if err != nil {
		return fmt.Errorf("store: read staged ledger: %w", err)
	}
	defer rows.Close()
	var full *sql.Stmt
	defer func() {
		if full != nil {
			_ = full.Close()
		}
	}()
	args := make([]any, 0, ledgerInsertBatch*count)
	n := 0
	flush := func() error {
		if n == 0 {
			return nil
		}
		stmt := full
		if n != ledgerInsertBatch || stmt == nil {
			s, err := pool.PrepareContext(ctx, d.placeholders(ledgerInsertSQL(table, columns, count, n)))
			if err != nil {
				return fmt.Errorf("store: prepare staged ledger copy: %w", err)
			}
			if n == ledgerInsertBatch {
				full = s
			} else {
				defer s.Close()
			}
			stmt = s
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("store: copy staged ledger points: %w", err)
		}
		args, n = args[:0], 0
		return nil
	}
	for rows.Next() {
		var (
			code, name, township, village, operator, status, opened, changedOn string
			fused, direct                                                      bool
			income                                                             float64
			parcels, row                                                       int64
			lat, lon                                                           sql.NullFloat64
		)
		if err := rows.Scan(&code, &name, &township, &village, &operator, &status, &opened, &changedOn,
			&fused, &direct, &income, &parcels, &lat, &lon, &row); err != nil {
			return fmt.Errorf("store: read staged ledger: %w", err)
		}
		if snapshot != nil {
			args = append(args, *snapshot)
		}
		args = append(args, code, name, township, village, operator, status, opened, changedOn, fused, direct, income, parcels, lat, lon, row)
		n++
		if n == ledgerInsertBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: read staged ledger: %w", err)
	}
	return flush()
}

// diffStagedLedgerPostgres is DiffStagedLedger on PostgreSQL: the staged points go to a temporary
// table of a transaction that is rolled back after counting (a read: nothing is kept).
func (s *Store) diffStagedLedgerPostgres(d models.LedgerDiffCounts, st *LedgerStaging) (models.LedgerDiffCounts, bool, error) {
	errDone := errors.New("done")
	err := s.db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`CREATE TEMPORARY TABLE ` + pgStagedPointsTable + ` (code TEXT, name TEXT, township TEXT,
			village TEXT, operator TEXT, status TEXT, opened_on TEXT, changed_on TEXT, fused BOOLEAN, direct BOOLEAN,
			income DOUBLE PRECISION, parcels BIGINT, lat DOUBLE PRECISION, lon DOUBLE PRECISION, "row" BIGINT) ON COMMIT DROP`).Error; err != nil {
			return fmt.Errorf("store: stage ledger for comparison: %w", err)
		}
		if err := copyStagedPointsTo(tx, st, pgStagedPointsTable, nil); err != nil {
			return err
		}
		if err := tx.Exec(`CREATE INDEX ON ` + pgStagedPointsTable + ` (code)`).Error; err != nil {
			return fmt.Errorf("store: index staged ledger: %w", err)
		}
		if err := tx.Exec(`ANALYZE ` + pgStagedPointsTable).Error; err != nil {
			return fmt.Errorf("store: analyze staged ledger: %w", err)
		}
		count := func(query string, args ...any) (n int64, err error) {
			err = tx.Raw(query, args...).Scan(&n).Error
			return n, err
		}
		if err := countLedgerDiff(&d, ledgerPoints{table: pgStagedPointsTable, where: "1 = 1"}, count); err != nil {
			return fmt.Errorf("store: compare staged ledger: %w", err)
		}
		return errDone
	})
	if err != nil && !errors.Is(err, errDone) {
		return models.LedgerDiffCounts{}, false, err
	}
	return d, true, nil
}
