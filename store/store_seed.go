package store

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"ruralkpi/models"
)

// settingPlan keeps the plan a database was written for (the national synthetic set's), so that
// `serve --db PATH` serves that database with its own plan.
const settingPlan = "plan"

// StorePlan keeps the plan in the database, for StoredPlan.
func (s *Store) StorePlan(p *models.Plan) error {
	data, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("store: encode plan: %w", err)
	}
	if err := s.db.Save(&models.Setting{Key: settingPlan, Value: string(data)}).Error; err != nil {
		return fmt.Errorf("store: store plan: %w", err)
	}
	return nil
}

// StoredPlan returns the plan kept in the database by StorePlan; ok is false when there is none.
func (s *Store) StoredPlan() (p *models.Plan, ok bool, err error) {
	var st models.Setting
	err = s.db.Where("key = ?", settingPlan).Take(&st).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: read stored plan: %w", err)
	}
	p, err = models.LoadPlan(strings.NewReader(st.Value))
	if err != nil {
		return nil, false, fmt.Errorf("store: stored plan: %w", err)
	}
	return p, true, nil
}

// SeedSynthetic writes the national synthetic data set (SyntheticCountry) into an empty database:
// the plan (kept in the database, see StoredPlan), village counts, allocations, every return and
// the users office and leader. Rows go in with multi-row INSERTs, a few months per transaction;
// progress is told each step.
func (s *Store) SeedSynthetic(p *models.Plan, allocs []models.Allocation, villages map[string]int, progress func(string)) error {
	empty, err := s.IsEmpty()
	if err != nil {
		return err
	}
	var users int64
	if err := s.db.Model(&models.User{}).Count(&users).Error; err != nil {
		return fmt.Errorf("store: count users: %w", err)
	}
	if !empty || users > 0 {
		return models.Errorf(models.EConflict, "the database already holds returns or users; seed a new database file")
	}
	if err := s.SeedPlan(p); err != nil {
		return err
	}
	if err := s.StorePlan(p); err != nil {
		return err
	}
	progress(fmt.Sprintf("plan: %d units, %d indicators", len(p.ReportingUnits()), len(p.Indicators)))
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("store: seed: %w", err)
	}
	now := time.Now()
	err = bulk(sqlDB, func(tx *sql.Tx) error {
		t := time.Now()
		defer func() { progress(fmt.Sprintf("allocations took %s", time.Since(t))) }()
		for code, n := range villages {
			if _, err := tx.Exec(s.dialect.placeholders("UPDATE unit_records SET admin_villages = ? WHERE code = ?"), n, code); err != nil {
				return err
			}
		}
		progress(fmt.Sprintf("villages took %s", time.Since(t)))
		ins, err := newBulkInsert(tx, s.dialect, "allocations", []string{"indicator", "year", "unit_code", "value", "updated_by", "updated_at"})
		if err != nil {
			return err
		}
		defer ins.close()
		for _, a := range allocs {
			if err := ins.add(a.Indicator, a.Year, a.UnitCode, a.Value, "seed", now); err != nil {
				return err
			}
		}
		return ins.flush()
	})
	if err != nil {
		return fmt.Errorf("store: seed allocations: %w", err)
	}
	progress(fmt.Sprintf("%d allocations", len(allocs)))
	if err := s.seedSyntheticReturns(sqlDB, p, now, progress); err != nil {
		return err
	}
	// Seeding is set-up, not anybody's change: the users are written without audit entries.
	if err := s.write(func(tx *gorm.DB) error {
		for _, nu := range models.SyntheticUsers() {
			if _, err := createUserTx(tx, p, nu, now); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	progress("users office and leader")
	return nil
}

// seedSyntheticReturns writes every return as version 1, approved, twelve months per transaction.
func (s *Store) seedSyntheticReturns(sqlDB *sql.DB, p *models.Plan, now time.Time, progress func(string)) error {
	var (
		tx                   *sql.Tx
		rets, vers, vals, ms *bulkInsert
		month                models.Period
		id, valID, msID      int
		months, returns      int
	)
	begin := func() error {
		var err error
		if tx, err = sqlDB.Begin(); err != nil {
			return err
		}
		// Batches of figures may fill before the batch of their versions: check keys at commit
		// (SQLite), or write the versions first (PostgreSQL's foreign keys are not deferrable).
		if s.dialect == dialectSQLite {
			if _, err := tx.Exec(sqliteDeferForeignKeys); err != nil {
				return err
			}
		}
		if rets, err = newBulkInsert(tx, s.dialect, "returns", []string{"id", "unit_code", "period", "created_at"}); err != nil {
			return err
		}
		if vers, err = newBulkInsert(tx, s.dialect, "return_versions", []string{"id", "return_id", "number", "unit_code", "period", "status",
			"source", "file_name", "file_hash", "uploaded_by", "uploaded_at", "reviewed_by", "review_note", "warnings"}); err != nil {
			return err
		}
		if vals, err = newBulkInsert(tx, s.dialect, "return_values", []string{"id", "version_id", "indicator", "value", "note"}); err != nil {
			return err
		}
		ms, err = newBulkInsert(tx, s.dialect, "milestone_reports", []string{"id", "version_id", "indicator", "state", "done_on", "note"})
		if s.dialect == dialectPostgres {
			vals.parent, ms.parent = vers, vers
		}
		return err
	}
	commit := func() error {
		for _, b := range []*bulkInsert{rets, vers, vals, ms} {
			if err := b.flush(); err != nil {
				return err
			}
			b.close()
		}
		err := tx.Commit()
		tx = nil
		return err
	}
	var failed error
	models.EachSyntheticReturn(p, func(r models.SyntheticReturn) {
		if failed != nil {
			return
		}
		if r.Period != month {
			if tx != nil && months%12 == 0 {
				if failed = commit(); failed != nil {
					return
				}
				progress(fmt.Sprintf("returns up to %s: %d", month, returns))
			}
			if tx == nil {
				if failed = begin(); failed != nil {
					return
				}
			}
			month = r.Period
			months++
		}
		id++
		returns++
		period := r.Period.String()
		if failed = rets.add(id, r.Unit, period, now); failed != nil {
			return
		}
		if failed = vers.add(id, id, 1, r.Unit, period, models.StatusApproved, models.SourceDemo, "", "", "seed", now, "seed", "", "[]"); failed != nil {
			return
		}
		for _, o := range r.Observations {
			valID++
			if failed = vals.add(valID, id, o.Indicator, o.Value, ""); failed != nil {
				return
			}
		}
		for _, m := range r.Milestones {
			msID++
			if failed = ms.add(msID, id, m.Indicator, m.State, "", ""); failed != nil {
				return
			}
		}
	})
	if failed == nil && tx != nil {
		failed = commit()
	}
	if failed != nil {
		if tx != nil {
			_ = tx.Rollback()
		}
		return fmt.Errorf("store: seed returns: %w", failed)
	}
	if err := s.resetSequences("returns", "return_versions", "return_values", "milestone_reports"); err != nil {
		return fmt.Errorf("store: seed returns: %w", err)
	}
	progress(fmt.Sprintf("%d returns, %d figures, %d milestone states", returns, valID, msID))
	return nil
}

// bulkInsert writes rows with one prepared multi-row INSERT per batch: SQLite binds at most 32,766
// values per statement, and one statement per row would spend the time in cgo calls.
type bulkInsert struct {
	d  dialect
	tx *sql.Tx
	// parent is flushed before this batch is written (rows here refer to rows there).
	parent *bulkInsert
	table  string
	cols   []string
	batch  int
	stmt   *sql.Stmt
	args   []any
	queued int
}

func newBulkInsert(tx *sql.Tx, d dialect, table string, cols []string) (*bulkInsert, error) {
	b := &bulkInsert{d: d, tx: tx, table: table, cols: cols, batch: 8000 / len(cols)}
	stmt, err := tx.Prepare(b.sql(b.batch))
	if err != nil {
		return nil, err
	}
	b.stmt = stmt
	return b, nil
}

func (b *bulkInsert) sql(rows int) string {
	var q bytes.Buffer
	row := "(" + strings.TrimSuffix(strings.Repeat("?,", len(b.cols)), ",") + ")"
	fmt.Fprintf(&q, "INSERT INTO %s (%s) VALUES ", b.table, strings.Join(b.cols, ","))
	for i := range rows {
		if i > 0 {
			q.WriteByte(',')
		}
		q.WriteString(row)
	}
	return b.d.placeholders(q.String())
}

func (b *bulkInsert) add(values ...any) error {
	b.args = append(b.args, values...)
	b.queued++
	if b.queued < b.batch {
		return nil
	}
	if b.parent != nil {
		if err := b.parent.flush(); err != nil {
			return err
		}
	}
	if _, err := b.stmt.Exec(b.args...); err != nil {
		return fmt.Errorf("insert into %s: %w", b.table, err)
	}
	b.args, b.queued = b.args[:0], 0
	return nil
}

func (b *bulkInsert) flush() error {
	if b.queued == 0 {
		return nil
	}
	if _, err := b.tx.Exec(b.sql(b.queued), b.args...); err != nil {
		return fmt.Errorf("insert into %s: %w", b.table, err)
	}
	b.args, b.queued = b.args[:0], 0
	return nil
}

func (b *bulkInsert) close() { _ = b.stmt.Close() }

// bulk runs fn in one transaction on the connection pool.
func bulk(db *sql.DB, fn func(tx *sql.Tx) error) error {
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}
