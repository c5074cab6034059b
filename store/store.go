package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"

	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"ruralkpi/models"
)

// Store is the database behind the application. Every change goes through its write wrapper
// (store_write.go); reads never write (store_touch.go).
type Store struct {
	db *gorm.DB

	path string
	dsn  string // the PostgreSQL URL ("" for SQLite)
	// dialect is the engine; every SQL difference goes through it (dialect.go).
	dialect dialect
	gate    *writeGate // nil for a store bound to a transaction
	touch   *touches
	// rm is the in-memory read model of progress data (nil until StartReadModel: CLI commands).
	rm *ReadModel
	// pending collects the changes of a transaction-bound store (InTransaction) until the outer
	// transaction commits.
	pending *[]models.Change
	// figs keeps the figures of versions the data-quality rules have read (QualityFigures).
	figs figureCache
	// access remembers sessions, tokens and users for a few seconds (access_cache.go); nil, and
	// so every request reads them, until Watch follows the change log that empties it.
	access atomic.Pointer[accessCache]
}

// Open opens the database a --db value names and migrates it: a PostgreSQL URL (postgres:// or
// postgresql://), or else a SQLite file path (optionally sqlite:PATH), created if need be.
func Open(path string) (*Store, error) {
	if IsPostgresURL(path) {
		return openPostgres(path)
	}
	path = sqlitePath(path)
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("store: create database folder: %w", err)
		}
	}
	db, err := gorm.Open(sqlite.Open(SQLiteDSN(path)), &gorm.Config{Logger: logger.Default.LogMode(logger.Silent)})
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	s := &Store{db: db, path: path, gate: newWriteGate(), touch: newTouches()}
	if err := s.Migrate(); err != nil {
		return nil, err
	}
	s.startFlusher()
	return s, nil
}

// Close stores what reads noted (session and token activity) and closes the database.
func (s *Store) Close() error {
	flushErr := s.stopFlusher()
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	if err := sqlDB.Close(); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	if flushErr != nil {
		return fmt.Errorf("store: close: flush activity: %w", flushErr)
	}
	return nil
}

// Migrate creates or updates every table.
func (s *Store) Migrate() error {
	migrate := func() error {
		if err := s.db.AutoMigrate(models.AllEntities()...); err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		}
		return s.migrateAccess()
	}
	if s.dialect == dialectPostgres {
		return s.migratePostgres(migrate)
	}
	return migrate()
}

// SeedPlan stores the plan's units, indicators and targets. Existing targets are kept (the office
// may have edited them); units and indicators are refreshed from the plan. Every command and server
// start calls it, so it first reads what is stored and writes only what differs: opening an
// up-to-date database to read (user list, export, a second server) writes nothing and never waits
// for the writer's slot.
func (s *Store) SeedPlan(p *models.Plan) error {
	units, indicators, targets, err := s.planRowsToWrite(p)
	if err != nil {
		return err
	}
	if len(units)+len(indicators)+len(targets) == 0 {
		return nil
	}
	return s.write(func(tx *gorm.DB) error {
		for _, rec := range units {
			if err := tx.Where(models.UnitRecord{Code: rec.Code}).Assign(map[string]any{
				"name": rec.Name, "short_name": rec.ShortName, "parent_code": rec.ParentCode, "level": rec.Level, "sort_order": rec.SortOrder,
			}).FirstOrCreate(&rec).Error; err != nil {
				return fmt.Errorf("store: seed unit %s: %w", rec.Code, err)
			}
		}
		for _, rec := range indicators {
			if err := tx.Where(models.IndicatorRecord{Code: rec.Code}).Assign(map[string]any{
				"name": rec.Name, "unit": rec.Unit, "kind": rec.Kind, "workstream": rec.Workstream,
				"roll_up": rec.RollUp, "reporter": rec.Reporter, "sort_order": rec.SortOrder,
			}).FirstOrCreate(&rec).Error; err != nil {
				return fmt.Errorf("store: seed indicator %s: %w", rec.Code, err)
			}
		}
		for _, rec := range targets {
			if err := tx.Where(models.TargetRecord{Indicator: rec.Indicator, Year: rec.Year}).FirstOrCreate(&rec).Error; err != nil {
				return fmt.Errorf("store: seed target %s %d: %w", rec.Indicator, rec.Year, err)
			}
		}
		return nil
	})
}

// planRowsToWrite compares the plan with what is stored: the units and indicators missing or
// different, and the targets missing.
func (s *Store) planRowsToWrite(p *models.Plan) ([]models.UnitRecord, []models.IndicatorRecord, []models.TargetRecord, error) {
	var storedUnits []models.UnitRecord
	var storedIndicators []models.IndicatorRecord
	var storedTargets []models.TargetRecord
	if err := s.db.Find(&storedUnits).Error; err != nil {
		return nil, nil, nil, fmt.Errorf("store: read units: %w", err)
	}
	if err := s.db.Find(&storedIndicators).Error; err != nil {
		return nil, nil, nil, fmt.Errorf("store: read indicators: %w", err)
	}
	if err := s.db.Find(&storedTargets).Error; err != nil {
		return nil, nil, nil, fmt.Errorf("store: read targets: %w", err)
	}
	unitByCode := make(map[string]models.UnitRecord, len(storedUnits))
	for _, u := range storedUnits {
		unitByCode[u.Code] = u
	}
	var units []models.UnitRecord
	order := 0
	var walk func(u models.Unit, parent string)
	walk = func(u models.Unit, parent string) {
		order++
		want := models.UnitRecord{Code: u.Code, Name: u.Name, ShortName: u.ShortName, ParentCode: parent, Level: u.Level, SortOrder: order}
		got, ok := unitByCode[u.Code]
		want.AdminVillages = got.AdminVillages // the office's, not the plan's
		if !ok || got != want {
			units = append(units, want)
		}
		for _, c := range u.Children {
			walk(c, u.Code)
		}
	}
	walk(p.Root, "")
	indicatorByCode := make(map[string]models.IndicatorRecord, len(storedIndicators))
	for _, ind := range storedIndicators {
		indicatorByCode[ind.Code] = ind
	}
	var indicators []models.IndicatorRecord
	for i, ind := range p.Indicators {
		want := models.IndicatorRecord{Code: ind.Code, Name: ind.Name, Unit: ind.Unit, Kind: string(ind.Kind), Workstream: ind.Workstream,
			RollUp: string(ind.RollUp), Reporter: string(ind.Reporter), SortOrder: i}
		got, ok := indicatorByCode[ind.Code]
		want.Tolerance = got.Tolerance // the office's, not the plan's
		if !ok || got != want {
			indicators = append(indicators, want)
		}
	}
	type targetKey struct {
		indicator string
		year      int
	}
	storedTarget := make(map[targetKey]bool, len(storedTargets))
	for _, t := range storedTargets {
		storedTarget[targetKey{t.Indicator, t.Year}] = true
	}
	var targets []models.TargetRecord
	for _, t := range p.Targets {
		if !storedTarget[targetKey{t.Indicator, t.Year}] {
			targets = append(targets, models.TargetRecord{Indicator: t.Indicator, Year: t.Year, Value: t.Value})
		}
	}
	return units, indicators, targets, nil
}

// Setting keys.
const (
	settingDemo = "demo"
)

// IsDemo reports whether the database was filled by demo mode.
func (s *Store) IsDemo() (bool, error) {
	var st models.Setting
	err := s.db.Where("key = ?", settingDemo).Take(&st).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: read demo flag: %w", err)
	}
	return st.Value == "1", nil
}

// HasRealData reports whether anything other than demo data is stored: a non-demo user or return
// version. A database holding only the plan is empty, not real.
func (s *Store) HasRealData() (bool, error) {
	var n int64
	if err := s.db.Model(&models.User{}).Where("demo = ?", false).Count(&n).Error; err != nil {
		return false, fmt.Errorf("store: count users: %w", err)
	}
	if n > 0 {
		return true, nil
	}
	if err := s.db.Model(&models.ReturnVersion{}).Where("source <> ?", models.SourceDemo).Count(&n).Error; err != nil {
		return false, fmt.Errorf("store: count returns: %w", err)
	}
	return n > 0, nil
}

// IsEmpty reports whether no return has been stored yet.
func (s *Store) IsEmpty() (bool, error) {
	var n int64
	if err := s.db.Model(&models.ReturnVersion{}).Count(&n).Error; err != nil {
		return false, fmt.Errorf("store: count returns: %w", err)
	}
	return n == 0, nil
}

// MarkDemo records that the database holds demo data.
func (s *Store) MarkDemo() error {
	return s.write(func(tx *gorm.DB) error {
		if err := tx.Save(&models.Setting{Key: settingDemo, Value: "1"}).Error; err != nil {
			return fmt.Errorf("store: mark demo: %w", err)
		}
		return nil
	})
}

// Targets returns the stored city-wide targets, optionally only for one year (0 for all).
func (s *Store) Targets(year int) ([]models.TargetRecord, error) {
	var out []models.TargetRecord
	q := s.db.Order("indicator, year")
	if year != 0 {
		q = q.Where("year = ?", year)
	}
	if err := q.Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: list targets: %w", err)
	}
	return out, nil
}

// Allocations returns the stored per-unit allocations, optionally only for one year (0 for all).
func (s *Store) Allocations(year int) ([]models.Allocation, error) {
	var out []models.Allocation
	q := s.db.Order("indicator, year, unit_code")
	if year != 0 {
		q = q.Where("year = ?", year)
	}
	if err := q.Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: list allocations: %w", err)
	}
	return out, nil
}

// Units returns the stored units in plan order.
func (s *Store) Units() ([]models.UnitRecord, error) {
	var out []models.UnitRecord
	if err := s.db.Order("sort_order").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: list units: %w", err)
	}
	return out, nil
}

// takeByID reads the row of T with the id through db (the store's pool or a transaction), or
// models.ErrNotFound; what names the row in any other error.
func takeByID[T any](db *gorm.DB, id uint, what string) (T, error) {
	var row T
	err := db.Take(&row, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		var zero T
		return zero, models.ErrNotFound
	}
	if err != nil {
		var zero T
		return zero, fmt.Errorf("store: %s %d: %w", what, id, err)
	}
	return row, nil
}
