package store

import (
	"context"
	"errors"
	"fmt"

	"ruralkpi/models"
)

// DiffStagedLedger compares points staged by a dry run (validated, not stored) with the unit's
// newest snapshot up to the month, the one the upload would follow, counted in SQL like
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
	for _, q := range stagedDiffQueries(&d, "ledger_staging.points") {
		if err := conn.QueryRowContext(ctx, q.sql, prev.ID).Scan(q.dst); err != nil {
			return models.LedgerDiffCounts{}, false, fmt.Errorf("store: compare staged ledger: %w", err)
		}
	}
	return d, true, nil
}

// stagedDiffQuery counts one kind of difference into dst; its one parameter is the previous
// snapshot's id.
type stagedDiffQuery struct {
	dst *int64
	sql string
}

// stagedDiffQueries are the counts of DiffStagedLedger, comparing the staged points in table with
// the previous snapshot's.
func stagedDiffQueries(d *models.LedgerDiffCounts, table string) []stagedDiffQuery {
	both := `SELECT COUNT(*) FROM ` + table + ` c JOIN ledger_point_records p ON p.code = c.code AND p.snapshot_id = ? WHERE `
	return []stagedDiffQuery{
		{&d.Added, `SELECT COUNT(*) FROM ` + table + ` a WHERE NOT EXISTS
			(SELECT 1 FROM ledger_point_records b WHERE b.snapshot_id = ? AND b.code = a.code)`},
		{&d.Missing, `SELECT COUNT(*) FROM ledger_point_records a WHERE a.snapshot_id = ? AND NOT EXISTS
			(SELECT 1 FROM ` + table + ` b WHERE b.code = a.code)`},
		{&d.Closed, both + `c.status = 'closed' AND p.status <> 'closed'`},
		{&d.Merged, both + `c.status = 'merged' AND p.status <> 'merged'`},
		{&d.Changed, both + ledgerChangedSQL},
	}
}
