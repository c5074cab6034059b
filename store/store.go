package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

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
// may have edited them); units and indicators are refreshed from the plan.
func (s *Store) SeedPlan(p *models.Plan) error {
	return s.write(func(tx *gorm.DB) error {
		order := 0
		var walk func(u models.Unit, parent string) error
		walk = func(u models.Unit, parent string) error {
			order++
			rec := models.UnitRecord{Code: u.Code, Name: u.Name, ShortName: u.ShortName, ParentCode: parent, Level: u.Level, SortOrder: order}
			if err := tx.Where(models.UnitRecord{Code: u.Code}).Assign(map[string]any{
				"name": rec.Name, "short_name": rec.ShortName, "parent_code": rec.ParentCode, "level": rec.Level, "sort_order": rec.SortOrder,
			}).FirstOrCreate(&rec).Error; err != nil {
				return fmt.Errorf("store: seed unit %s: %w", u.Code, err)
			}
			for _, c := range u.Children {
				if err := walk(c, u.Code); err != nil {
					return err
				}
			}
			return nil
		}
		if err := walk(p.Root, ""); err != nil {
			return err
		}
		for i, ind := range p.Indicators {
			rec := models.IndicatorRecord{Code: ind.Code}
			if err := tx.Where(models.IndicatorRecord{Code: ind.Code}).Assign(map[string]any{
				"name": ind.Name, "unit": ind.Unit, "kind": string(ind.Kind), "workstream": ind.Workstream,
				"roll_up": string(ind.RollUp), "reporter": string(ind.Reporter), "sort_order": i,
			}).FirstOrCreate(&rec).Error; err != nil {
				return fmt.Errorf("store: seed indicator %s: %w", ind.Code, err)
			}
		}
		for _, t := range p.Targets {
			rec := models.TargetRecord{Indicator: t.Indicator, Year: t.Year, Value: t.Value}
			if err := tx.Where(models.TargetRecord{Indicator: t.Indicator, Year: t.Year}).FirstOrCreate(&rec).Error; err != nil {
				return fmt.Errorf("store: seed target %s %d: %w", t.Indicator, t.Year, err)
			}
		}
		return nil
	})
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
