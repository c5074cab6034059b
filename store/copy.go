package store

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"ruralkpi/models"
)

// Moving a city from SQLite to PostgreSQL (`ruralkpi migrate`): every row of every table is copied
// with its id — users, sessions, tokens, returns with every version and original file, ledgers,
// follow-ups, allocations, settings, the change log and the audit trail — into an empty database,
// in one transaction on each side, and then checked: the same number of rows in every table, and
// every original file's content hashing (SHA-256) to its key on both sides.
//
// The copy writes no audit entry of its own: it changes nobody's data, and the audit trail it
// copies must stay exactly the source's (an extra entry would make the target's trail differ from
// the one the city kept). The operator's act is in the command's output and the server logs.

// copyBatch is how many rows go in one INSERT of the copy.
const copyBatch = 500

// TableCount is one table's rows on each side of a copy.
type TableCount struct {
	Table  string
	Source int64
	Target int64
}

// CopyReport is what CopyAll copied and checked.
type CopyReport struct {
	Tables []TableCount
	// Files is the number of original files whose SHA-256 was checked on both sides.
	Files int
}

// Rows is the number of rows copied in all.
func (r CopyReport) Rows() int64 {
	var n int64
	for _, t := range r.Tables {
		n += t.Target
	}
	return n
}

// CopyAll copies everything in s into dst, which must be empty (freshly opened: its tables exist
// and hold no row), and verifies the copy. progress is told each table as it is copied. On any
// failure dst is left as it was (the copy is one transaction).
func (s *Store) CopyAll(dst *Store, progress func(string)) (CopyReport, error) {
	var rep CopyReport
	entities := models.AllEntities()
	for _, e := range entities {
		n, err := countRows(dst.db, e)
		if err != nil {
			return rep, err
		}
		if n > 0 {
			return rep, models.Errorf(models.EConflict, "the target database is not empty (%s holds %d rows); migrate copies into an empty database only", tableName(dst.db, e), n)
		}
	}
	// One read transaction on the source: the copy is one consistent state even if something
	// writes meanwhile (on SQLite it holds the writer's lock: writers wait until the copy is done).
	err := s.db.Transaction(func(src *gorm.DB) error {
		err := dst.write(func(tx *gorm.DB) error {
			for _, e := range entities {
				n, err := copyTable(src, tx, e)
				if err != nil {
					return err
				}
				progress(fmt.Sprintf("%s: %d rows", tableName(tx, e), n))
			}
			return nil
		})
		if err != nil {
			return err
		}
		var tables []string
		for _, e := range entities {
			if t, ok := serialTable(dst.db, e); ok {
				tables = append(tables, t)
			}
		}
		if err := dst.resetSequences(tables...); err != nil {
			return err
		}
		rep, err = verifyCopy(src, dst.db, entities)
		return err
	})
	if err != nil {
		return rep, err
	}
	// The target's read model (if any) and other servers start from what is there now.
	return rep, nil
}

// copyTable copies one entity's rows from src to dst in primary-key order, copyBatch at a time.
func copyTable(src, dst *gorm.DB, model any) (int64, error) {
	table := tableName(src, model)
	rows, err := src.Model(model).Order(primaryKeyOrder(src, model)).Rows()
	if err != nil {
		return 0, fmt.Errorf("store: copy %s: read: %w", table, err)
	}
	defer rows.Close()
	typ := reflect.TypeOf(model).Elem()
	batch := reflect.MakeSlice(reflect.SliceOf(typ), 0, copyBatch)
	var n int64
	flush := func() error {
		if batch.Len() == 0 {
			return nil
		}
		ptr := reflect.New(batch.Type())
		ptr.Elem().Set(batch)
		if err := dst.Omit(clause.Associations).CreateInBatches(ptr.Interface(), copyBatch).Error; err != nil {
			return fmt.Errorf("store: copy %s: write: %w", table, err)
		}
		n += int64(batch.Len())
		batch = reflect.MakeSlice(reflect.SliceOf(typ), 0, copyBatch)
		return nil
	}
	for rows.Next() {
		row := reflect.New(typ)
		if err := src.ScanRows(rows, row.Interface()); err != nil {
			return n, fmt.Errorf("store: copy %s: read: %w", table, err)
		}
		batch = reflect.Append(batch, row.Elem())
		if batch.Len() == copyBatch {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("store: copy %s: read: %w", table, err)
	}
	return n, flush()
}

// verifyCopy compares the row counts of every table and the SHA-256 of every original file.
func verifyCopy(src, dst *gorm.DB, entities []any) (CopyReport, error) {
	var rep CopyReport
	var bad []string
	for _, e := range entities {
		t := TableCount{Table: tableName(src, e)}
		var err error
		if t.Source, err = countRows(src, e); err != nil {
			return rep, err
		}
		if t.Target, err = countRows(dst, e); err != nil {
			return rep, err
		}
		if t.Source != t.Target {
			bad = append(bad, fmt.Sprintf("%s: %d rows in the source, %d in the target", t.Table, t.Source, t.Target))
		}
		rep.Tables = append(rep.Tables, t)
	}
	var hashes []string
	if err := src.Model(&models.StoredFile{}).Order("hash").Pluck("hash", &hashes).Error; err != nil {
		return rep, fmt.Errorf("store: verify copy: %w", err)
	}
	srcStore, dstStore := &Store{db: src, dialect: dialectOf(src)}, &Store{db: dst, dialect: dialectOf(dst)}
	for _, h := range hashes {
		a, errA := contentHash(srcStore, h)
		b, errB := contentHash(dstStore, h)
		switch {
		case errA != nil || errB != nil:
			bad = append(bad, fmt.Sprintf("file %s: source %v, target %v", h, errA, errB))
		case a != h || b != h:
			bad = append(bad, fmt.Sprintf("file %s: SHA-256 %s in the source, %s in the target", h, a, b))
		default:
			rep.Files++
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return rep, fmt.Errorf("store: the copy differs from the source: %s", strings.Join(bad, "; "))
	}
	return rep, nil
}

// contentHash is the SHA-256 of a kept original file's content.
func contentHash(s *Store, hash string) (string, error) {
	h := sha256.New()
	if err := s.StoredFileContent(hash, h); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func countRows(db *gorm.DB, model any) (int64, error) {
	var n int64
	if err := db.Model(model).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("store: count %s: %w", tableName(db, model), err)
	}
	return n, nil
}

// parsedSchema is GORM's description of an entity (table name, primary key).
func parsedSchema(db *gorm.DB, model any) (*gorm.Statement, error) {
	stmt := &gorm.Statement{DB: db}
	if err := stmt.Parse(model); err != nil {
		return nil, fmt.Errorf("store: schema of %T: %w", model, err)
	}
	return stmt, nil
}

func tableName(db *gorm.DB, model any) string {
	stmt, err := parsedSchema(db, model)
	if err != nil {
		return fmt.Sprintf("%T", model)
	}
	return stmt.Schema.Table
}

// primaryKeyOrder is the ORDER BY of an entity's primary key.
func primaryKeyOrder(db *gorm.DB, model any) string {
	stmt, err := parsedSchema(db, model)
	if err != nil || len(stmt.Schema.PrimaryFieldDBNames) == 0 {
		return ""
	}
	return strings.Join(stmt.Schema.PrimaryFieldDBNames, ", ")
}

// serialTable names an entity's table when its key is an auto-incremented id (whose sequence must
// move past the copied ids on PostgreSQL).
func serialTable(db *gorm.DB, model any) (string, bool) {
	stmt, err := parsedSchema(db, model)
	if err != nil {
		return "", false
	}
	f := stmt.Schema.PrioritizedPrimaryField
	return stmt.Schema.Table, f != nil && f.AutoIncrement && f.DBName == "id"
}
