package store

import (
	"context"
	"errors"
	"fmt"

	"ruralkpi/models"
)

// DiffStagedLedger compares points staged by a dry run (validated, not stored) with the unit's
// newest snapshot up to the month, the one the upload would follow, counted by countLedgerDiff like
// DiffLedgerSnapshots; ok is false when the unit has no snapshot yet. It finishes the staging.
func (s *Store) DiffStagedLedger(unit, period string, st *LedgerStaging) (d models.LedgerDiffCounts, ok bool, err error) {
	prev, err := s.LatestLedgerSnapshot(unit, period)
	if errors.Is(err, models.ErrNotFound) {
		return models.LedgerDiffCounts{}, false, nil
	}
	if err != nil {
		return models.LedgerDiffCounts{}, false, err
	}
	d.Previous = prev
	if err := st.Finish(); err != nil {
		return models.LedgerDiffCounts{}, false, err
	}
	if s.dialect == dialectPostgres {
		return s.diffStagedLedgerPostgres(d, st)
	}
	// Vanished points are looked up by code in the scratch file, which has no index until now.
	if _, err := st.db.Exec("CREATE INDEX IF NOT EXISTS points_code ON points (code)"); err != nil {
		return models.LedgerDiffCounts{}, false, fmt.Errorf("store: index staged ledger: %w", err)
	}
	ctx := context.Background()
	sqlDB, err := s.db.DB()
	if err != nil {
		return models.LedgerDiffCounts{}, false, fmt.Errorf("store: ledger connection: %w", err)
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return models.LedgerDiffCounts{}, false, fmt.Errorf("store: ledger connection: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, sqliteAttachStaging, st.path); err != nil {
		return models.LedgerDiffCounts{}, false, fmt.Errorf("store: attach ledger staging: %w", err)
	}
	defer conn.ExecContext(ctx, sqliteDetachStaging) //nolint:errcheck // the connection is released either way
	stagedPoints := ledgerPoints{table: "ledger_staging.points", where: "1 = 1"}
	count := func(query string, args ...any) (n int64, err error) {
		err = conn.QueryRowContext(ctx, query, args...).Scan(&n)
		return n, err
	}
	if err := countLedgerDiff(&d, stagedPoints, count); err != nil {
		return models.LedgerDiffCounts{}, false, fmt.Errorf("store: compare staged ledger: %w", err)
	}
	return d, true, nil
}
