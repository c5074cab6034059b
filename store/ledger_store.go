package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"ruralkpi/models"
)

// ReplaceAdminVillages replaces a unit's reference list in one transaction and sets the unit's
// village count (the coverage denominator) to the list's length, with its ledger.villages audit
// entry (fileName names the imported file).
func (s *Store) ReplaceAdminVillages(unit string, villages []models.AdminVillage, fileName string, by models.Actor, now time.Time) error {
	var ch models.Change
	err := s.write(func(tx *gorm.DB) error {
		if err := tx.Where("unit_code = ?", unit).Delete(&models.AdminVillage{}).Error; err != nil {
			return fmt.Errorf("store: clear admin villages of %s: %w", unit, err)
		}
		for i := range villages {
			villages[i].ID, villages[i].UnitCode, villages[i].UpdatedBy, villages[i].UpdatedAt = 0, unit, by.Username, now
		}
		if len(villages) > 0 {
			if err := tx.CreateInBatches(villages, 1000).Error; err != nil {
				return fmt.Errorf("store: store admin villages of %s: %w", unit, err)
			}
		}
		if err := tx.Model(&models.UnitRecord{}).Where("code = ?", unit).Update("admin_villages", len(villages)).Error; err != nil {
			return fmt.Errorf("store: set village count of %s: %w", unit, err)
		}
		if err := auditTx(tx, models.AuditEntry{At: now, Actor: by.Username, IP: by.IP, Action: models.AuditLedgerVillages, Subject: unit,
			After: models.AuditJSON(map[string]any{"villages": len(villages), "file": fileName})}); err != nil {
			return err
		}
		var err error
		ch, err = changed(tx, models.Change{Kind: models.ChangeVillages, Unit: unit})
		return err
	})
	if err == nil {
		s.afterCommit(ch)
	}
	return err
}

// AdminVillages returns a unit's reference list, by township and name.
func (s *Store) AdminVillages(unit string) ([]models.AdminVillage, error) {
	var out []models.AdminVillage
	if err := s.db.Where("unit_code = ?", unit).Order("township, name").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: list admin villages of %s: %w", unit, err)
	}
	return out, nil
}

// NewLedgerSnapshot is what a validated ledger import hands the store. The points come either in
// memory (Points) or, for large uploads, in a staging file (Staged).
type NewLedgerSnapshot struct {
	UnitCode string
	Period   string
	FileName string
	// File is a small original, kept whole; Original (OriginalSize bytes) a large one, kept in
	// chunks read one at a time (StoredFileChunk). At most one of them is set.
	File         []byte
	Original     io.ReaderAt
	OriginalSize int64
	UploadedBy   string
	UploadedAt   time.Time
	// By is who stored it, for the ledger.upload audit entry written with it.
	By         models.Actor
	Warnings   string
	Indicators string
	Points     []models.LedgerPoint
	Staged     *LedgerStaging
	// Admit, when set, runs first inside the write transaction (with the transaction's store): the
	// month's lock is checked where the snapshot is written, so it cannot close in between.
	Admit func(tx *Store) error
}

// ledgerInsertBatch is the number of points per INSERT: 16 columns × 1000 stays well under
// SQLite's limit of 32,766 bound variables.
const ledgerInsertBatch = 1000

// SaveLedgerSnapshot stores a validated ledger as the unit's next snapshot for the month, with its
// original file, in one transaction. Validation must be done before: the transaction only writes,
// so that other units' uploads wait for as short a time as possible.
func (s *Store) SaveLedgerSnapshot(ns NewLedgerSnapshot) (models.LedgerSnapshot, error) {
	var ch models.Change
	var snap models.LedgerSnapshot
	var err error
	if ns.Staged == nil {
		snap, ch, err = s.saveLedgerSnapshot(s.db, ns, len(ns.Points), func(tx *gorm.DB, id uint) error {
			return insertLedgerPoints(tx, id, ns.Points)
		})
	} else {
		snap, ch, err = s.saveStagedLedgerSnapshot(ns)
	}
	if err != nil {
		return models.LedgerSnapshot{}, err
	}
	// After the pinned connection is back in the pool: the read model reloads through it.
	s.afterCommit(ch)
	return snap, nil
}

// saveStagedLedgerSnapshot copies a staged ledger's points from its staging file.
func (s *Store) saveStagedLedgerSnapshot(ns NewLedgerSnapshot) (models.LedgerSnapshot, models.Change, error) {
	if err := ns.Staged.Finish(); err != nil {
		return models.LedgerSnapshot{}, models.Change{}, err
	}
	if s.dialect == dialectPostgres {
		return s.saveLedgerSnapshot(s.db, ns, ns.Staged.Count(), func(tx *gorm.DB, id uint) error {
			return copyStagedPointsTo(tx, ns.Staged, "ledger_point_records", &id)
		})
	}
	// ATTACH is per connection and not allowed inside a transaction: pin one connection, attach the
	// staging file, and run the transaction on that connection.
	ctx := context.Background()
	sqlDB, err := s.db.DB()
	if err != nil {
		return models.LedgerSnapshot{}, models.Change{}, fmt.Errorf("store: ledger connection: %w", err)
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return models.LedgerSnapshot{}, models.Change{}, fmt.Errorf("store: ledger connection: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, sqliteAttachStaging, ns.Staged.path); err != nil {
		return models.LedgerSnapshot{}, models.Change{}, fmt.Errorf("store: attach ledger staging: %w", err)
	}
	defer conn.ExecContext(ctx, sqliteDetachStaging) //nolint:errcheck // the connection is released either way
	gdb, err := gorm.Open(sqlite.Dialector{Conn: conn}, &gorm.Config{Logger: logger.Default.LogMode(logger.Silent), SkipDefaultTransaction: true})
	if err != nil {
		return models.LedgerSnapshot{}, models.Change{}, fmt.Errorf("store: ledger connection: %w", err)
	}
	return s.saveLedgerSnapshot(gdb, ns, ns.Staged.Count(), func(tx *gorm.DB, id uint) error {
		return copyStagedPoints(ctx, func(ctx context.Context, q string, args ...any) error {
			return tx.WithContext(ctx).Exec(q, args...).Error
		}, id)
	})
}

func (s *Store) saveLedgerSnapshot(db *gorm.DB, ns NewLedgerSnapshot, count int, writePoints func(tx *gorm.DB, id uint) error) (models.LedgerSnapshot, models.Change, error) {
	var snap models.LedgerSnapshot
	// Hashed outside the transaction: it is pure CPU work.
	hash := ""
	switch {
	case ns.Original != nil:
		var err error
		if hash, err = models.FileHashReader(io.NewSectionReader(ns.Original, 0, ns.OriginalSize)); err != nil {
			return models.LedgerSnapshot{}, models.Change{}, err
		}
	case ns.File != nil:
		hash = models.FileHash(ns.File)
	}
	at := ns.UploadedAt
	if at.IsZero() {
		at = time.Now()
	}
	var ch models.Change
	err := s.writeOn(db, func(tx *gorm.DB) error {
		if err := lockTx(tx, "ledger", ns.UnitCode, ns.Period); err != nil {
			return err
		}
		if ns.Admit != nil {
			if err := ns.Admit(s.inTx(tx, nil)); err != nil {
				return err
			}
		}
		if hash != "" {
			var n int64
			if err := tx.Model(&models.LedgerSnapshot{}).Where("unit_code = ? AND period = ? AND file_hash = ?", ns.UnitCode, ns.Period, hash).Count(&n).Error; err != nil {
				return fmt.Errorf("store: look up ledger file hash: %w", err)
			}
			if n > 0 {
				return models.ErrDuplicateFile
			}
			store := func() error { return storeFileTx(tx, hash, ns.FileName, ns.File) }
			if ns.Original != nil {
				store = func() error { return storeFileChunksTx(tx, hash, ns.FileName, ns.Original, ns.OriginalSize) }
			}
			if err := store(); err != nil {
				return err
			}
		}
		var maxNumber int
		if err := tx.Model(&models.LedgerSnapshot{}).Where("unit_code = ? AND period = ?", ns.UnitCode, ns.Period).
			Select("COALESCE(MAX(number), 0)").Scan(&maxNumber).Error; err != nil {
			return fmt.Errorf("store: next ledger snapshot number: %w", err)
		}
		snap = models.LedgerSnapshot{UnitCode: ns.UnitCode, Period: ns.Period, Number: maxNumber + 1, FileName: ns.FileName,
			FileHash: hash, UploadedBy: ns.UploadedBy, UploadedAt: at, Points: count, Warnings: ns.Warnings, Indicators: ns.Indicators,
			Status: models.StatusSubmitted}
		if err := tx.Create(&snap).Error; err != nil {
			return fmt.Errorf("store: store ledger snapshot: %w", err)
		}
		if err := writePoints(tx, snap.ID); err != nil {
			return err
		}
		if err := auditTx(tx, models.AuditEntry{At: at, Actor: ns.By.Username, IP: ns.By.IP, Action: models.AuditLedgerUpload, Subject: ns.UnitCode + " " + ns.Period,
			After: models.AuditJSON(map[string]any{"version": snap.Number, "file": snap.FileName, "hash": snap.FileHash, "points": count})}); err != nil {
			return err
		}
		var err error
		ch, err = changed(tx, models.Change{Kind: models.ChangeLedger, Unit: ns.UnitCode, Periods: []string{ns.Period}})
		return err
	})
	if err != nil {
		return models.LedgerSnapshot{}, models.Change{}, err
	}
	return snap, ch, nil
}

// storeFileTx keeps an uploaded file once per content hash.
func storeFileTx(tx *gorm.DB, hash, name string, data []byte) error {
	var stored int64
	if err := tx.Model(&models.StoredFile{}).Where("hash = ?", hash).Count(&stored).Error; err != nil {
		return fmt.Errorf("store: look up stored file: %w", err)
	}
	if stored > 0 {
		return nil
	}
	if err := tx.Create(&models.StoredFile{Hash: hash, Name: name, Size: int64(len(data)), Data: data}).Error; err != nil {
		return fmt.Errorf("store: store file: %w", err)
	}
	return nil
}

// LatestLedgerSnapshot returns the newest snapshot of a unit's ledger for a month at or before upTo.
func (s *Store) LatestLedgerSnapshot(unit, upTo string) (models.LedgerSnapshot, error) {
	var snap models.LedgerSnapshot
	err := s.db.Where("unit_code = ? AND period <= ?", unit, upTo).Order("period DESC, number DESC").Take(&snap).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return models.LedgerSnapshot{}, models.ErrNotFound
	}
	if err != nil {
		return models.LedgerSnapshot{}, fmt.Errorf("store: latest ledger snapshot of %s: %w", unit, err)
	}
	return snap, nil
}

// LedgerSnapshots lists a unit's snapshots, newest first.
func (s *Store) LedgerSnapshots(unit string) ([]models.LedgerSnapshot, error) {
	var out []models.LedgerSnapshot
	if err := s.db.Where("unit_code = ?", unit).Order("period DESC, number DESC").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: list ledger snapshots of %s: %w", unit, err)
	}
	return out, nil
}

// LedgerPoints returns every point of a snapshot, in sheet order.
func (s *Store) LedgerPoints(snapshotID uint) ([]models.LedgerPoint, error) {
	var out []models.LedgerPoint
	var batch []models.LedgerPointRecord
	err := s.db.Where("snapshot_id = ?", snapshotID).Order("id").FindInBatches(&batch, 5000, func(tx *gorm.DB, _ int) error {
		for _, r := range batch {
			out = append(out, r.Point())
		}
		return nil
	}).Error
	if err != nil {
		return nil, fmt.Errorf("store: read ledger points of snapshot %d: %w", snapshotID, err)
	}
	return out, nil
}

// FindLedgerPoints searches a snapshot's points, a page at a time.
func (s *Store) FindLedgerPoints(snapshotID uint, q models.LedgerPointQuery) (models.LedgerPointPage, error) {
	db := s.db.Model(&models.LedgerPointRecord{}).Where("snapshot_id = ?", snapshotID)
	if q.Search != "" {
		like := "%" + q.Search + "%"
		db = db.Where("code LIKE ? OR name LIKE ? OR village LIKE ?", like, like, like)
	}
	if q.Township != "" {
		db = db.Where("township = ?", q.Township)
	}
	if q.Status != "" {
		db = db.Where("status = ?", q.Status)
	}
	if q.Fused != nil {
		db = db.Where("fused = ?", *q.Fused)
	}
	if q.Direct != nil {
		db = db.Where("direct = ?", *q.Direct)
	}
	var page models.LedgerPointPage
	if err := db.Count(&page.Total).Error; err != nil {
		return models.LedgerPointPage{}, fmt.Errorf("store: count ledger points: %w", err)
	}
	col := map[string]string{"name": "name", "income": "income", "parcels": "parcels", "opened": "opened_on", "township": "township"}[q.Sort]
	if col == "" {
		col = "code"
	}
	if q.Desc {
		col += " DESC"
	}
	per := q.PerPage
	if per <= 0 || per > 500 {
		per = 50
	}
	pg := max(q.Page, 1)
	if err := db.Order(col).Order("id").Limit(per).Offset((pg - 1) * per).Find(&page.Points).Error; err != nil {
		return models.LedgerPointPage{}, fmt.Errorf("store: list ledger points: %w", err)
	}
	return page, nil
}

// PointHistory follows a point code through a unit's snapshots.
func (s *Store) PointHistory(unit, code string) ([]models.LedgerPointHistory, error) {
	var rows []struct {
		models.LedgerPointRecord
		SnapPeriod string
		SnapNumber int
	}
	err := s.db.Table("ledger_point_records AS p").
		Select("p.*, s.period AS snap_period, s.number AS snap_number").
		Joins("JOIN ledger_snapshots s ON s.id = p.snapshot_id").
		Where("s.unit_code = ? AND p.code = ?", unit, code).
		Order("s.period, s.number").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: history of point %s: %w", code, err)
	}
	out := make([]models.LedgerPointHistory, 0, len(rows))
	for _, r := range rows {
		out = append(out, models.LedgerPointHistory{Snapshot: models.LedgerSnapshot{ID: r.SnapshotID, UnitCode: unit, Period: r.SnapPeriod, Number: r.SnapNumber}, Point: r.LedgerPointRecord})
	}
	return out, nil
}

// insertLedgerPoints writes in-memory points with one prepared multi-row INSERT per batch. GORM's
// Create reflects over every field of every row, which made writing the slowest step of a large
// import; the statement here is the INSERT GORM would send, prepared once per transaction.
func insertLedgerPoints(tx *gorm.DB, snapshot uint, points []models.LedgerPoint) error {
	if len(points) == 0 {
		return nil
	}
	db, ok := tx.Statement.ConnPool.(interface {
		PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
	})
	if !ok {
		return errors.New("store: connection cannot prepare statements")
	}
	ctx := tx.Statement.Context
	columns := "snapshot_id, " + ledgerStagingColumns
	fullRows := min(ledgerInsertBatch, len(points))
	d := dialectOf(tx)
	full, err := db.PrepareContext(ctx, d.placeholders(ledgerInsertSQL("ledger_point_records", columns, ledgerStagingColumnCount+1, fullRows)))
	if err != nil {
		return fmt.Errorf("store: prepare ledger point insert: %w", err)
	}
	defer full.Close()
	args := make([]any, 0, fullRows*(ledgerStagingColumnCount+1))
	for start := 0; start < len(points); start += ledgerInsertBatch {
		batch := points[start:min(start+ledgerInsertBatch, len(points))]
		args = args[:0]
		for _, p := range batch {
			args = appendLedgerPointArgs(append(args, snapshot), p)
		}
		stmt := full
		if len(batch) != fullRows { // the last, shorter batch
			if stmt, err = db.PrepareContext(ctx, d.placeholders(ledgerInsertSQL("ledger_point_records", columns, ledgerStagingColumnCount+1, len(batch)))); err != nil {
				return fmt.Errorf("store: prepare ledger point insert: %w", err)
			}
			defer stmt.Close()
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("store: store ledger points: %w", err)
		}
	}
	return nil
}

// LedgerSources returns the office's choice of source per indicator (missing means the ledger).
func (s *Store) LedgerSources() (map[string]models.LedgerSource, error) {
	var rows []models.Setting
	if err := s.db.Where("key LIKE ?", ledgerSourcePrefix+"%").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: read ledger sources: %w", err)
	}
	out := map[string]models.LedgerSource{}
	for _, r := range rows {
		out[strings.TrimPrefix(r.Key, ledgerSourcePrefix)] = models.LedgerSource(r.Value)
	}
	return out, nil
}

// SetLedgerSource records whether the ledger or the return counts for an indicator, with its
// ledger.source audit entry (before: the source in force until now, read in the same transaction;
// the ledger when none was chosen).
func (s *Store) SetLedgerSource(indicator string, src models.LedgerSource, by models.Actor, now time.Time) error {
	if src != models.LedgerSourceLedger && src != models.LedgerSourceReturn {
		return models.Errorf(models.EInvalid, "数据来源 %q 无效，应为 ledger 或 return。", src)
	}
	var ch models.Change
	err := s.write(func(tx *gorm.DB) error {
		before := models.LedgerSourceLedger
		var cur []models.Setting
		if err := tx.Where("key = ?", ledgerSourcePrefix+indicator).Limit(1).Find(&cur).Error; err != nil {
			return fmt.Errorf("store: read ledger source: %w", err)
		}
		if len(cur) == 1 && cur[0].Value != "" {
			before = models.LedgerSource(cur[0].Value)
		}
		if err := tx.Save(&models.Setting{Key: ledgerSourcePrefix + indicator, Value: string(src)}).Error; err != nil {
			return fmt.Errorf("store: set ledger source: %w", err)
		}
		if err := auditTx(tx, models.AuditEntry{At: now, Actor: by.Username, IP: by.IP, Action: models.AuditLedgerSource, Subject: indicator,
			Before: models.AuditJSON(map[string]any{"source": before}), After: models.AuditJSON(map[string]any{"source": src})}); err != nil {
			return err
		}
		var err error
		ch, err = changed(tx, models.Change{Kind: models.ChangeLedgerSource, Indicator: indicator})
		return err
	})
	if err == nil {
		s.afterCommit(ch)
	}
	return err
}

// BrowseLedger gathers a unit's ledger page: the chosen snapshot (0 for the newest), a page of its
// points, and its derived figures beside those of the unit's return for the same month.
func (s *Store) BrowseLedger(unit string, snapshotID uint, q models.LedgerPointQuery) (models.LedgerBrowse, error) {
	var b models.LedgerBrowse
	var err error
	if b.Snapshots, err = s.LedgerSnapshots(unit); err != nil {
		return models.LedgerBrowse{}, err
	}
	if len(b.Snapshots) == 0 {
		return b, nil
	}
	b.Snapshot = b.Snapshots[0]
	for _, sn := range b.Snapshots {
		if sn.ID == snapshotID {
			b.Snapshot = sn
		}
	}
	if b.Page, err = s.FindLedgerPoints(b.Snapshot.ID, q); err != nil {
		return models.LedgerBrowse{}, err
	}
	if err := s.db.Model(&models.LedgerPointRecord{}).Where("snapshot_id = ?", b.Snapshot.ID).Distinct().Order("township").Pluck("township", &b.Townships).Error; err != nil {
		return models.LedgerBrowse{}, fmt.Errorf("store: list townships: %w", err)
	}
	if b.Comparison, b.Sources, err = s.CompareSnapshot(b.Snapshot); err != nil {
		return models.LedgerBrowse{}, err
	}
	if b.Diff, b.HasDiff, err = s.DiffLedgerSnapshots(b.Snapshot); err != nil {
		return models.LedgerBrowse{}, err
	}
	return b, nil
}

// CompareSnapshot puts a snapshot's derived figures beside those of the unit's newest return for
// the same month, under the office's choice of source (returned too: missing means the ledger).
func (s *Store) CompareSnapshot(snap models.LedgerSnapshot) ([]models.LedgerComparison, map[string]models.LedgerSource, error) {
	derived := map[string]float64{}
	if snap.Indicators != "" {
		if err := json.Unmarshal([]byte(snap.Indicators), &derived); err != nil {
			return nil, nil, fmt.Errorf("store: read snapshot indicators: %w", err)
		}
	}
	reported := map[string]float64{}
	v, err := s.LatestVersion(snap.UnitCode, snap.Period)
	switch {
	case err == nil:
		for _, val := range v.Values {
			reported[val.Indicator] = val.Value
		}
	case !errors.Is(err, models.ErrNotFound):
		return nil, nil, err
	}
	sources, err := s.LedgerSources()
	if err != nil {
		return nil, nil, err
	}
	return models.CompareLedger(derived, reported, sources), sources, nil
}

// ledgerChangedSQL is true when point c changed from point p: the same facts DiffLedger compares
// (monthly figures are not changes).
const ledgerChangedSQL = `NOT (c.status <> p.status AND c.status IN ('closed', 'merged')) AND (c.name <> p.name OR c.township <> p.township
		OR c.village <> p.village OR c.opened_on <> p.opened_on OR c.status <> p.status OR (c.changed_on <> p.changed_on AND c.status = p.status)
		OR c.fused <> p.fused OR c.direct <> p.direct OR c.operator <> p.operator OR c.lat IS DISTINCT FROM p.lat OR c.lon IS DISTINCT FROM p.lon)`

// DiffLedgerSnapshots compares a snapshot with the unit's previous one (by month, then version);
// ok is false when it is the first.
func (s *Store) DiffLedgerSnapshots(cur models.LedgerSnapshot) (d models.LedgerDiffCounts, ok bool, err error) {
	err = s.db.Where("unit_code = ? AND (period < ? OR (period = ? AND number < ?))", cur.UnitCode, cur.Period, cur.Period, cur.Number).
		Order("period DESC, number DESC").Take(&d.Previous).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return models.LedgerDiffCounts{}, false, nil
	}
	if err != nil {
		return models.LedgerDiffCounts{}, false, fmt.Errorf("store: previous ledger snapshot: %w", err)
	}
	storedPoints := ledgerPoints{table: "ledger_point_records", where: "{a}.snapshot_id = ?", args: []any{cur.ID}}
	count := func(query string, args ...any) (n int64, err error) {
		err = s.db.Raw(query, args...).Scan(&n).Error
		return n, err
	}
	if err := countLedgerDiff(&d, storedPoints, count); err != nil {
		return models.LedgerDiffCounts{}, false, fmt.Errorf("store: compare ledger snapshots: %w", err)
	}
	return d, true, nil
}

// ledgerPoints names the current points of a ledger comparison: a table (the stored points, or the
// staged ones of a dry run) and the condition on its rows, {a} standing for the table's alias.
type ledgerPoints struct {
	table, where string
	args         []any
}

// on is the condition on the rows under the alias.
func (lp ledgerPoints) on(alias string) string { return strings.ReplaceAll(lp.where, "{a}", alias) }

// countLedgerDiff counts, in SQL, how the current points differ from those of the snapshot
// d.Previous: added, missing, newly closed or merged, and changed (ledgerChangedSQL). The one
// comparison of DiffLedgerSnapshots and DiffStagedLedger.
func countLedgerDiff(d *models.LedgerDiffCounts, cur ledgerPoints, count func(query string, args ...any) (int64, error)) error {
	prev := d.Previous.ID
	with := func(before []any, after ...any) []any { return append(append([]any{}, before...), after...) }
	both := `SELECT COUNT(*) FROM ` + cur.table + ` c JOIN ledger_point_records p ON p.code = c.code AND p.snapshot_id = ?
		WHERE ` + cur.on("c") + ` AND `
	queries := []struct {
		dst  *int64
		sql  string
		args []any
	}{
		{&d.Added, `SELECT COUNT(*) FROM ` + cur.table + ` a WHERE ` + cur.on("a") + ` AND NOT EXISTS
			(SELECT 1 FROM ledger_point_records b WHERE b.snapshot_id = ? AND b.code = a.code)`, with(cur.args, prev)},
		{&d.Missing, `SELECT COUNT(*) FROM ledger_point_records a WHERE a.snapshot_id = ? AND NOT EXISTS
			(SELECT 1 FROM ` + cur.table + ` b WHERE ` + cur.on("b") + ` AND b.code = a.code)`, with([]any{prev}, cur.args...)},
		{&d.Closed, both + `c.status = 'closed' AND p.status <> 'closed'`, with([]any{prev}, cur.args...)},
		{&d.Merged, both + `c.status = 'merged' AND p.status <> 'merged'`, with([]any{prev}, cur.args...)},
		{&d.Changed, both + ledgerChangedSQL, with([]any{prev}, cur.args...)},
	}
	for _, q := range queries {
		n, err := count(q.sql, q.args...)
		if err != nil {
			return err
		}
		*q.dst = n
	}
	return nil
}

// ledgerSourcePrefix prefixes the settings that record, per indicator, whether the ledger or the
// return counts.
const ledgerSourcePrefix = "ledger_source:"
