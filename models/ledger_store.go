package models

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
)

// AdminVillage is one administrative village (村、社区) of a unit's reference list, kept by the
// office; the list is the denominator of coverage and what ledger villages are checked against.
type AdminVillage struct {
	ID       uint   `gorm:"primaryKey"`
	UnitCode string `gorm:"size:32;not null;uniqueIndex:idx_admin_village"`
	Township string `gorm:"size:100;not null;uniqueIndex:idx_admin_village"`
	Name     string `gorm:"size:100;not null;uniqueIndex:idx_admin_village"`
	// Division is the 12-digit statistical division code where known.
	Division  string `gorm:"size:12"`
	UpdatedBy string `gorm:"size:64"`
	UpdatedAt time.Time
}

// LedgerSnapshot is one upload of a unit's ledger for a month. Snapshots are versions: a new
// upload for the same unit and month gets the next number and the newest counts.
type LedgerSnapshot struct {
	ID         uint   `gorm:"primaryKey"`
	UnitCode   string `gorm:"size:32;not null;uniqueIndex:idx_ledger_snapshot"`
	Period     string `gorm:"size:7;not null;uniqueIndex:idx_ledger_snapshot;index"`
	Number     int    `gorm:"not null;uniqueIndex:idx_ledger_snapshot"`
	FileName   string `gorm:"size:255"`
	FileHash   string `gorm:"size:64;index"`
	UploadedBy string `gorm:"size:64"`
	UploadedAt time.Time
	Points     int
	// Warnings is a JSON array of the warnings found at import.
	Warnings string
	// Indicators is a JSON object of the figures derived at import (LedgerIndicators), so pages
	// need not reread 200,000 points.
	Indicators string
	// Status is the office's review, as for a return version (StatusSubmitted until reviewed):
	// figures counted from a snapshot are approved only when it is.
	Status     string `gorm:"size:16;not null;default:submitted;index"`
	ReviewedBy string `gorm:"size:64"`
	ReviewedAt *time.Time
	ReviewNote string
}

// LedgerPointRecord is a point of a snapshot as stored.
type LedgerPointRecord struct {
	ID         uint   `gorm:"primaryKey"`
	SnapshotID uint   `gorm:"not null;index:idx_ledger_point_code,priority:1"`
	Code       string `gorm:"size:64;not null;index:idx_ledger_point_code,priority:2"`
	Name       string `gorm:"size:200;not null"`
	Township   string `gorm:"size:100"`
	Village    string `gorm:"size:100"`
	Operator   string `gorm:"size:100"`
	Status     string `gorm:"size:16;not null"`
	OpenedOn   string `gorm:"size:10"` // YYYY-MM-DD
	ChangedOn  string `gorm:"size:10"`
	Fused      bool
	Direct     bool
	Income     float64
	Parcels    int64
	Lat, Lon   *float64
	Row        int
}

// LedgerEntities lists the ledger's entities, for AllEntities.
func LedgerEntities() []any {
	return []any{&AdminVillage{}, &LedgerSnapshot{}, &LedgerPointRecord{}, &StoredFileChunk{}}
}

// ReplaceAdminVillages replaces a unit's reference list in one transaction and sets the unit's
// village count (the coverage denominator) to the list's length, with its ledger.villages audit
// entry (fileName names the imported file).
func (s *Store) ReplaceAdminVillages(unit string, villages []AdminVillage, fileName string, by Actor, now time.Time) error {
	var ch Change
	err := s.write(func(tx *gorm.DB) error {
		if err := tx.Where("unit_code = ?", unit).Delete(&AdminVillage{}).Error; err != nil {
			return fmt.Errorf("models: clear admin villages of %s: %w", unit, err)
		}
		for i := range villages {
			villages[i].ID, villages[i].UnitCode, villages[i].UpdatedBy, villages[i].UpdatedAt = 0, unit, by.Username, now
		}
		if len(villages) > 0 {
			if err := tx.CreateInBatches(villages, 1000).Error; err != nil {
				return fmt.Errorf("models: store admin villages of %s: %w", unit, err)
			}
		}
		if err := tx.Model(&UnitRecord{}).Where("code = ?", unit).Update("admin_villages", len(villages)).Error; err != nil {
			return fmt.Errorf("models: set village count of %s: %w", unit, err)
		}
		if err := auditTx(tx, AuditEntry{At: now, Actor: by.Username, IP: by.IP, Action: AuditLedgerVillages, Subject: unit,
			After: AuditJSON(map[string]any{"villages": len(villages), "file": fileName})}); err != nil {
			return err
		}
		var err error
		ch, err = changed(tx, Change{Kind: ChangeVillages, Unit: unit})
		return err
	})
	if err == nil {
		s.afterCommit(ch)
	}
	return err
}

// AdminVillages returns a unit's reference list, by township and name.
func (s *Store) AdminVillages(unit string) ([]AdminVillage, error) {
	var out []AdminVillage
	if err := s.DB.Where("unit_code = ?", unit).Order("township, name").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("models: list admin villages of %s: %w", unit, err)
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
	By         Actor
	Warnings   string
	Indicators string
	Points     []LedgerPoint
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
func (s *Store) SaveLedgerSnapshot(ns NewLedgerSnapshot) (LedgerSnapshot, error) {
	var ch Change
	var snap LedgerSnapshot
	var err error
	if ns.Staged == nil {
		snap, ch, err = s.saveLedgerSnapshot(s.DB, ns, len(ns.Points), func(tx *gorm.DB, id uint) error {
			return insertLedgerPoints(tx, id, ns.Points)
		})
	} else {
		snap, ch, err = s.saveStagedLedgerSnapshot(ns)
	}
	if err != nil {
		return LedgerSnapshot{}, err
	}
	// After the pinned connection is back in the pool: the read model reloads through it.
	s.afterCommit(ch)
	return snap, nil
}

// saveStagedLedgerSnapshot copies a staged ledger's points from its staging file.
func (s *Store) saveStagedLedgerSnapshot(ns NewLedgerSnapshot) (LedgerSnapshot, Change, error) {
	if err := ns.Staged.Finish(); err != nil {
		return LedgerSnapshot{}, Change{}, err
	}
	if s.dialect == dialectPostgres {
		return s.saveLedgerSnapshot(s.DB, ns, ns.Staged.Count(), func(tx *gorm.DB, id uint) error {
			return copyStagedPointsTo(tx, ns.Staged, "ledger_point_records", &id)
		})
	}
	// ATTACH is per connection and not allowed inside a transaction: pin one connection, attach the
	// staging file, and run the transaction on that connection.
	ctx := context.Background()
	sqlDB, err := s.DB.DB()
	if err != nil {
		return LedgerSnapshot{}, Change{}, fmt.Errorf("models: ledger connection: %w", err)
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return LedgerSnapshot{}, Change{}, fmt.Errorf("models: ledger connection: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "ATTACH DATABASE ? AS ledger_staging", ns.Staged.path); err != nil {
		return LedgerSnapshot{}, Change{}, fmt.Errorf("models: attach ledger staging: %w", err)
	}
	defer conn.ExecContext(ctx, "DETACH DATABASE ledger_staging") //nolint:errcheck // the connection is released either way
	gdb, err := gorm.Open(sqlite.Dialector{Conn: conn}, &gorm.Config{Logger: logger.Default.LogMode(logger.Silent), SkipDefaultTransaction: true})
	if err != nil {
		return LedgerSnapshot{}, Change{}, fmt.Errorf("models: ledger connection: %w", err)
	}
	return s.saveLedgerSnapshot(gdb, ns, ns.Staged.Count(), func(tx *gorm.DB, id uint) error {
		return copyStagedPoints(ctx, func(ctx context.Context, q string, args ...any) error {
			return tx.WithContext(ctx).Exec(q, args...).Error
		}, id)
	})
}

func (s *Store) saveLedgerSnapshot(db *gorm.DB, ns NewLedgerSnapshot, count int, writePoints func(tx *gorm.DB, id uint) error) (LedgerSnapshot, Change, error) {
	var snap LedgerSnapshot
	// Hashed outside the transaction: it is pure CPU work.
	hash := ""
	switch {
	case ns.Original != nil:
		var err error
		if hash, err = FileHashReader(io.NewSectionReader(ns.Original, 0, ns.OriginalSize)); err != nil {
			return LedgerSnapshot{}, Change{}, err
		}
	case ns.File != nil:
		hash = FileHash(ns.File)
	}
	at := ns.UploadedAt
	if at.IsZero() {
		at = time.Now()
	}
	var ch Change
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
			if err := tx.Model(&LedgerSnapshot{}).Where("unit_code = ? AND period = ? AND file_hash = ?", ns.UnitCode, ns.Period, hash).Count(&n).Error; err != nil {
				return fmt.Errorf("models: look up ledger file hash: %w", err)
			}
			if n > 0 {
				return ErrDuplicateFile
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
		if err := tx.Model(&LedgerSnapshot{}).Where("unit_code = ? AND period = ?", ns.UnitCode, ns.Period).
			Select("COALESCE(MAX(number), 0)").Scan(&maxNumber).Error; err != nil {
			return fmt.Errorf("models: next ledger snapshot number: %w", err)
		}
		snap = LedgerSnapshot{UnitCode: ns.UnitCode, Period: ns.Period, Number: maxNumber + 1, FileName: ns.FileName,
			FileHash: hash, UploadedBy: ns.UploadedBy, UploadedAt: at, Points: count, Warnings: ns.Warnings, Indicators: ns.Indicators,
			Status: StatusSubmitted}
		if err := tx.Create(&snap).Error; err != nil {
			return fmt.Errorf("models: store ledger snapshot: %w", err)
		}
		if err := writePoints(tx, snap.ID); err != nil {
			return err
		}
		if err := auditTx(tx, AuditEntry{At: at, Actor: ns.By.Username, IP: ns.By.IP, Action: AuditLedgerUpload, Subject: ns.UnitCode + " " + ns.Period,
			After: AuditJSON(map[string]any{"version": snap.Number, "file": snap.FileName, "hash": snap.FileHash, "points": count})}); err != nil {
			return err
		}
		var err error
		ch, err = changed(tx, Change{Kind: ChangeLedger, Unit: ns.UnitCode, Periods: []string{ns.Period}})
		return err
	})
	if err != nil {
		return LedgerSnapshot{}, Change{}, err
	}
	return snap, ch, nil
}

// storeFileTx keeps an uploaded file once per content hash.
func storeFileTx(tx *gorm.DB, hash, name string, data []byte) error {
	var stored int64
	if err := tx.Model(&StoredFile{}).Where("hash = ?", hash).Count(&stored).Error; err != nil {
		return fmt.Errorf("models: look up stored file: %w", err)
	}
	if stored > 0 {
		return nil
	}
	if err := tx.Create(&StoredFile{Hash: hash, Name: name, Size: int64(len(data)), Data: data}).Error; err != nil {
		return fmt.Errorf("models: store file: %w", err)
	}
	return nil
}

// Point turns a stored record back into a ledger point.
func (r LedgerPointRecord) Point() LedgerPoint {
	st, _ := ParseLedgerStatus(r.Status)
	p := LedgerPoint{Code: r.Code, Name: r.Name, Township: r.Township, Village: r.Village, Operator: r.Operator,
		Status: st, Fused: r.Fused, Direct: r.Direct, Income: r.Income, Parcels: r.Parcels, Row: int32(r.Row)}
	if d, err := time.Parse("2006-01-02", r.OpenedOn); err == nil {
		p.OpenedOn = LedgerDateOf(d)
	}
	if d, err := time.Parse("2006-01-02", r.ChangedOn); err == nil {
		p.ChangedOn = LedgerDateOf(d)
	}
	if r.Lat != nil && r.Lon != nil {
		p.Lat, p.Lon, p.HasCoords = float32(*r.Lat), float32(*r.Lon), true
	}
	return p
}

// LatestLedgerSnapshot returns the newest snapshot of a unit's ledger for a month at or before upTo.
func (s *Store) LatestLedgerSnapshot(unit, upTo string) (LedgerSnapshot, error) {
	var snap LedgerSnapshot
	err := s.DB.Where("unit_code = ? AND period <= ?", unit, upTo).Order("period DESC, number DESC").Take(&snap).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return LedgerSnapshot{}, ErrNotFound
	}
	if err != nil {
		return LedgerSnapshot{}, fmt.Errorf("models: latest ledger snapshot of %s: %w", unit, err)
	}
	return snap, nil
}

// LedgerSnapshots lists a unit's snapshots, newest first.
func (s *Store) LedgerSnapshots(unit string) ([]LedgerSnapshot, error) {
	var out []LedgerSnapshot
	if err := s.DB.Where("unit_code = ?", unit).Order("period DESC, number DESC").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("models: list ledger snapshots of %s: %w", unit, err)
	}
	return out, nil
}

// LedgerPoints returns every point of a snapshot, in sheet order.
func (s *Store) LedgerPoints(snapshotID uint) ([]LedgerPoint, error) {
	var out []LedgerPoint
	var batch []LedgerPointRecord
	err := s.DB.Where("snapshot_id = ?", snapshotID).Order("id").FindInBatches(&batch, 5000, func(tx *gorm.DB, _ int) error {
		for _, r := range batch {
			out = append(out, r.Point())
		}
		return nil
	}).Error
	if err != nil {
		return nil, fmt.Errorf("models: read ledger points of snapshot %d: %w", snapshotID, err)
	}
	return out, nil
}

// LedgerPointQuery selects and orders points of a snapshot for the ledger browser.
type LedgerPointQuery struct {
	Search   string // in code or name
	Township string
	Status   string // status code
	Fused    *bool
	Direct   *bool
	Sort     string // "code" (default), "name", "income", "parcels", "opened"
	Desc     bool
	Page     int // 1-based
	PerPage  int
}

// LedgerPointPage is one page of points and the total matching.
type LedgerPointPage struct {
	Points []LedgerPointRecord
	Total  int64
}

// FindLedgerPoints searches a snapshot's points, a page at a time.
func (s *Store) FindLedgerPoints(snapshotID uint, q LedgerPointQuery) (LedgerPointPage, error) {
	db := s.DB.Model(&LedgerPointRecord{}).Where("snapshot_id = ?", snapshotID)
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
	var page LedgerPointPage
	if err := db.Count(&page.Total).Error; err != nil {
		return LedgerPointPage{}, fmt.Errorf("models: count ledger points: %w", err)
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
		return LedgerPointPage{}, fmt.Errorf("models: list ledger points: %w", err)
	}
	return page, nil
}

// LedgerPointHistory is a point's record in each snapshot of its unit that holds it, oldest first.
type LedgerPointHistory struct {
	Snapshot LedgerSnapshot
	Point    LedgerPointRecord
}

// PointHistory follows a point code through a unit's snapshots.
func (s *Store) PointHistory(unit, code string) ([]LedgerPointHistory, error) {
	var rows []struct {
		LedgerPointRecord
		SnapPeriod string
		SnapNumber int
	}
	err := s.DB.Table("ledger_point_records AS p").
		Select("p.*, s.period AS snap_period, s.number AS snap_number").
		Joins("JOIN ledger_snapshots s ON s.id = p.snapshot_id").
		Where("s.unit_code = ? AND p.code = ?", unit, code).
		Order("s.period, s.number").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("models: history of point %s: %w", code, err)
	}
	out := make([]LedgerPointHistory, 0, len(rows))
	for _, r := range rows {
		out = append(out, LedgerPointHistory{Snapshot: LedgerSnapshot{ID: r.SnapshotID, UnitCode: unit, Period: r.SnapPeriod, Number: r.SnapNumber}, Point: r.LedgerPointRecord})
	}
	return out, nil
}

// insertLedgerPoints writes in-memory points with one prepared multi-row INSERT per batch. GORM's
// Create reflects over every field of every row, which made writing the slowest step of a large
// import; the statement here is the INSERT GORM would send, prepared once per transaction.
func insertLedgerPoints(tx *gorm.DB, snapshot uint, points []LedgerPoint) error {
	if len(points) == 0 {
		return nil
	}
	db, ok := tx.Statement.ConnPool.(interface {
		PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
	})
	if !ok {
		return errors.New("models: connection cannot prepare statements")
	}
	ctx := tx.Statement.Context
	columns := "snapshot_id, " + ledgerStagingColumns
	fullRows := min(ledgerInsertBatch, len(points))
	d := dialectOf(tx)
	full, err := db.PrepareContext(ctx, d.placeholders(ledgerInsertSQL("ledger_point_records", columns, ledgerStagingColumnCount+1, fullRows)))
	if err != nil {
		return fmt.Errorf("models: prepare ledger point insert: %w", err)
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
				return fmt.Errorf("models: prepare ledger point insert: %w", err)
			}
			defer stmt.Close()
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("models: store ledger points: %w", err)
		}
	}
	return nil
}

// ledgerSourcePrefix prefixes the settings that record, per indicator, whether the ledger or the
// return counts.
const ledgerSourcePrefix = "ledger_source:"

// LedgerSources returns the office's choice of source per indicator (missing means the ledger).
func (s *Store) LedgerSources() (map[string]LedgerSource, error) {
	var rows []Setting
	if err := s.DB.Where("key LIKE ?", ledgerSourcePrefix+"%").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("models: read ledger sources: %w", err)
	}
	out := map[string]LedgerSource{}
	for _, r := range rows {
		out[strings.TrimPrefix(r.Key, ledgerSourcePrefix)] = LedgerSource(r.Value)
	}
	return out, nil
}

// SetLedgerSource records whether the ledger or the return counts for an indicator, with its
// ledger.source audit entry (before: the source in force until now, read in the same transaction;
// the ledger when none was chosen).
func (s *Store) SetLedgerSource(indicator string, src LedgerSource, by Actor, now time.Time) error {
	if src != LedgerSourceLedger && src != LedgerSourceReturn {
		return Errorf(EInvalid, "数据来源 %q 无效，应为 ledger 或 return。", src)
	}
	var ch Change
	err := s.write(func(tx *gorm.DB) error {
		before := LedgerSourceLedger
		var cur []Setting
		if err := tx.Where("key = ?", ledgerSourcePrefix+indicator).Limit(1).Find(&cur).Error; err != nil {
			return fmt.Errorf("models: read ledger source: %w", err)
		}
		if len(cur) == 1 && cur[0].Value != "" {
			before = LedgerSource(cur[0].Value)
		}
		if err := tx.Save(&Setting{Key: ledgerSourcePrefix + indicator, Value: string(src)}).Error; err != nil {
			return fmt.Errorf("models: set ledger source: %w", err)
		}
		if err := auditTx(tx, AuditEntry{At: now, Actor: by.Username, IP: by.IP, Action: AuditLedgerSource, Subject: indicator,
			Before: AuditJSON(map[string]any{"source": before}), After: AuditJSON(map[string]any{"source": src})}); err != nil {
			return err
		}
		var err error
		ch, err = changed(tx, Change{Kind: ChangeLedgerSource, Indicator: indicator})
		return err
	})
	if err == nil {
		s.afterCommit(ch)
	}
	return err
}

// LedgerBrowse is what the ledger browser page shows for a unit.
type LedgerBrowse struct {
	Snapshot   LedgerSnapshot
	Snapshots  []LedgerSnapshot
	Townships  []string
	Page       LedgerPointPage
	Comparison []LedgerComparison
	// Sources is the office's choice of source per indicator (missing means the ledger).
	Sources map[string]LedgerSource
	// Diff compares the snapshot with the one before it, when HasDiff.
	Diff    LedgerDiffCounts
	HasDiff bool
}

// BrowseLedger gathers a unit's ledger page: the chosen snapshot (0 for the newest), a page of its
// points, and its derived figures beside those of the unit's return for the same month.
func (s *Store) BrowseLedger(unit string, snapshotID uint, q LedgerPointQuery) (LedgerBrowse, error) {
	var b LedgerBrowse
	var err error
	if b.Snapshots, err = s.LedgerSnapshots(unit); err != nil {
		return LedgerBrowse{}, err
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
		return LedgerBrowse{}, err
	}
	if err := s.DB.Model(&LedgerPointRecord{}).Where("snapshot_id = ?", b.Snapshot.ID).Distinct().Order("township").Pluck("township", &b.Townships).Error; err != nil {
		return LedgerBrowse{}, fmt.Errorf("models: list townships: %w", err)
	}
	if b.Comparison, b.Sources, err = s.CompareSnapshot(b.Snapshot); err != nil {
		return LedgerBrowse{}, err
	}
	if b.Diff, b.HasDiff, err = s.DiffLedgerSnapshots(b.Snapshot); err != nil {
		return LedgerBrowse{}, err
	}
	return b, nil
}

// CompareSnapshot puts a snapshot's derived figures beside those of the unit's newest return for
// the same month, under the office's choice of source (returned too: missing means the ledger).
func (s *Store) CompareSnapshot(snap LedgerSnapshot) ([]LedgerComparison, map[string]LedgerSource, error) {
	derived := map[string]float64{}
	if snap.Indicators != "" {
		if err := json.Unmarshal([]byte(snap.Indicators), &derived); err != nil {
			return nil, nil, fmt.Errorf("models: read snapshot indicators: %w", err)
		}
	}
	reported := map[string]float64{}
	v, err := s.LatestVersion(snap.UnitCode, snap.Period)
	switch {
	case err == nil:
		for _, val := range v.Values {
			reported[val.Indicator] = val.Value
		}
	case !errors.Is(err, ErrNotFound):
		return nil, nil, err
	}
	sources, err := s.LedgerSources()
	if err != nil {
		return nil, nil, err
	}
	return CompareLedger(derived, reported, sources), sources, nil
}

// StatusLabel is the record's status in Chinese, for pages.
func (r LedgerPointRecord) StatusLabel() string {
	st, _ := ParseLedgerStatus(r.Status)
	return st.Label()
}

// ledgerChangedSQL is true when point c changed from point p: the same facts DiffLedger compares
// (monthly figures are not changes).
const ledgerChangedSQL = `NOT (c.status <> p.status AND c.status IN ('closed', 'merged')) AND (c.name <> p.name OR c.township <> p.township
		OR c.village <> p.village OR c.opened_on <> p.opened_on OR c.status <> p.status OR (c.changed_on <> p.changed_on AND c.status = p.status)
		OR c.fused <> p.fused OR c.direct <> p.direct OR c.operator <> p.operator OR c.lat IS DISTINCT FROM p.lat OR c.lon IS DISTINCT FROM p.lon)`

// LedgerDiffCounts sums up DiffLedger between a snapshot and the one before it, counted in SQL so
// that two 200,000-point snapshots are never loaded to compare them.
type LedgerDiffCounts struct {
	Previous                                LedgerSnapshot
	Added, Closed, Merged, Changed, Missing int64
}

// DiffLedgerSnapshots compares a snapshot with the unit's previous one (by month, then version);
// ok is false when it is the first.
func (s *Store) DiffLedgerSnapshots(cur LedgerSnapshot) (d LedgerDiffCounts, ok bool, err error) {
	err = s.DB.Where("unit_code = ? AND (period < ? OR (period = ? AND number < ?))", cur.UnitCode, cur.Period, cur.Period, cur.Number).
		Order("period DESC, number DESC").Take(&d.Previous).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return LedgerDiffCounts{}, false, nil
	}
	if err != nil {
		return LedgerDiffCounts{}, false, fmt.Errorf("models: previous ledger snapshot: %w", err)
	}
	prev := d.Previous.ID
	absent := `SELECT COUNT(*) FROM ledger_point_records a WHERE a.snapshot_id = ? AND NOT EXISTS
		(SELECT 1 FROM ledger_point_records b WHERE b.snapshot_id = ? AND b.code = a.code)`
	both := `SELECT COUNT(*) FROM ledger_point_records c JOIN ledger_point_records p ON p.code = c.code AND p.snapshot_id = ?
		WHERE c.snapshot_id = ? AND `
	changed := ledgerChangedSQL
	queries := []struct {
		dst  *int64
		sql  string
		args []any
	}{
		{&d.Added, absent, []any{cur.ID, prev}},
		{&d.Missing, absent, []any{prev, cur.ID}},
		{&d.Closed, both + `c.status = 'closed' AND p.status <> 'closed'`, []any{prev, cur.ID}},
		{&d.Merged, both + `c.status = 'merged' AND p.status <> 'merged'`, []any{prev, cur.ID}},
		{&d.Changed, both + changed, []any{prev, cur.ID}},
	}
	for _, q := range queries {
		if err := s.DB.Raw(q.sql, q.args...).Scan(q.dst).Error; err != nil {
			return LedgerDiffCounts{}, false, fmt.Errorf("models: compare ledger snapshots: %w", err)
		}
	}
	return d, true, nil
}
