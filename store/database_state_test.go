package store

import (
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"ruralkpi/internal/pgtest"
)

// TestInspectDatabase: what a --db value names, seen without creating or changing anything — on
// SQLite a missing file, an empty one, another program's database and ruralkpi's own (also as
// sqlite:PATH); on PostgreSQL an empty database and one ruralkpi set up.
func TestInspectDatabase(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	foreign := filepath.Join(dir, "other.db")
	db, err := sql.Open("sqlite3", foreign)
	if err == nil {
		_, err = db.Exec("CREATE TABLE notes (id integer)")
		db.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	ours := filepath.Join(dir, "ours.db")
	s, err := Open(ours)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, db string
		want     DatabaseState
	}{
		{"missing", filepath.Join(dir, "nosuch.db"), DatabaseMissing},
		{"missing sqlite:", "sqlite:" + filepath.Join(dir, "nosuch.db"), DatabaseMissing},
		{"empty file", empty, DatabaseForeign},
		{"another program's", foreign, DatabaseForeign},
		{"ruralkpi's", ours, DatabaseReady},
		{"ruralkpi's as sqlite:", "sqlite:" + ours, DatabaseReady},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := InspectDatabase(tc.db)
			if err != nil || got != tc.want {
				t.Errorf("InspectDatabase(%s) = %v, %v; want %v", tc.db, got, err, tc.want)
			}
		})
	}
	if fi, err := os.Stat(empty); err != nil || fi.Size() != 0 {
		t.Errorf("the empty file was written: %v %v", fi, err)
	}
	if _, err := InspectDatabase(dir); err == nil {
		t.Errorf("a folder is not a database")
	}
	t.Run("postgres", func(t *testing.T) {
		url := pgtest.URL(t)
		if got, err := InspectDatabase(url); err != nil || got != DatabaseForeign {
			t.Errorf("empty PostgreSQL schema: %v, %v; want DatabaseForeign", got, err)
		}
		s, err := Open(url)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if got, err := InspectDatabase(url); err != nil || got != DatabaseReady {
			t.Errorf("PostgreSQL after Open: %v, %v; want DatabaseReady", got, err)
		}
	})
}
