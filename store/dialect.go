package store

import (
	"strconv"
	"strings"

	"gorm.io/gorm"
)

// dialect names the database engine behind a Store. Every difference in SQL between SQLite and
// PostgreSQL is decided by one of its methods, so that the rest of the store writes one query.
type dialect int

const (
	// dialectSQLite is the embedded default: a file, one writer at a time.
	dialectSQLite dialect = iota
	// dialectPostgres is PostgreSQL: several servers, concurrent writers.
	dialectPostgres
)

// IsPostgresURL reports whether a --db value names a PostgreSQL database (a libpq URL,
// postgres:// or postgresql://) rather than a SQLite file.
func IsPostgresURL(db string) bool {
	l := strings.ToLower(db)
	return strings.HasPrefix(l, "postgres://") || strings.HasPrefix(l, "postgresql://")
}

// sqlitePath strips the optional sqlite: scheme of a --db value naming a SQLite file.
func sqlitePath(db string) string {
	if rest, ok := strings.CutPrefix(db, "sqlite://"); ok {
		return rest
	}
	if rest, ok := strings.CutPrefix(db, "sqlite:"); ok {
		return rest
	}
	return db
}

// dialectOf tells the engine of a connection (or transaction) from its GORM dialector.
func dialectOf(db *gorm.DB) dialect {
	if db != nil && db.Dialector != nil && db.Dialector.Name() == "postgres" {
		return dialectPostgres
	}
	return dialectSQLite
}

// String names the engine as an operator would.
func (d dialect) String() string {
	if d == dialectPostgres {
		return "postgres"
	}
	return "sqlite"
}

// joinedValuesSQL reads each version's figures as one joined string (indicator US value RS …).
func (d dialect) joinedValuesSQL() string {
	if d == dialectPostgres {
		return pgJoinedValuesSQL
	}
	return sqliteJoinedValuesSQL
}

// placeholders rewrites a query written with ? placeholders for database/sql on this engine
// (PostgreSQL numbers them: $1, $2, …). GORM does this itself; raw database/sql calls need it. The
// queries it is given have no ? inside literals.
func (d dialect) placeholders(q string) string {
	if d != dialectPostgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + len(q)/4)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}
