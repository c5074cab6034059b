package store

import (
	"bytes"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"ruralkpi/internal/pgtest"
	"ruralkpi/models"
)

// The demo database with uploaded originals (one kept whole, one in chunks) and an audit trail goes
// to PostgreSQL and back to a new SQLite file: every row of every table comes back equal (times to
// the microsecond, PostgreSQL's precision), the report counts every table, and every original's
// SHA-256 is checked on both sides. A non-empty target is refused and left as it was.
func TestCopyAllRoundTripThroughPostgres(t *testing.T) {
	src, p := openTestStore(t)
	if err := src.SeedDemo(p); err != nil {
		t.Fatal(err)
	}
	u, err := src.CreateUser(p, models.NewUser{Username: "clerk-530302", Password: "correct horse", Role: models.RoleCounty, UnitCode: "530302"}, testActor, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.Login(u, "", testActor, "test", time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := src.SaveVersion(models.NewVersion{UnitCode: "530302", Period: "2025-09", Source: models.SourceUpload, FileName: "a.xlsx",
		File: []byte("original file"), Values: []models.ReturnValue{{Indicator: "service_points", Value: 999}}}); err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat([]byte("0123456789abcdef"), (2*models.StoredFileChunkSize+12345)/16)
	if _, err := src.SaveLedgerSnapshot(NewLedgerSnapshot{UnitCode: "530302", Period: "2025-09", FileName: "ledger.xlsx",
		Original: bytes.NewReader(big), OriginalSize: int64(len(big)), By: testActor, Points: ledgerTestPoints(30)}); err != nil {
		t.Fatal(err)
	}

	pg, err := Open(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pg.Close() })
	rep, err := src.CopyAll(pg, func(string) {})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Files != 2 || len(rep.Tables) != len(models.AllEntities()) || rep.Rows() == 0 {
		t.Errorf("report: %d files, %d tables, %d rows", rep.Files, len(rep.Tables), rep.Rows())
	}
	for _, tc := range rep.Tables {
		if tc.Source != tc.Target {
			t.Errorf("%s: %d rows copied of %d", tc.Table, tc.Target, tc.Source)
		}
	}
	if _, err := src.CopyAll(pg, func(string) {}); models.ErrorCode(err) != models.EConflict {
		t.Errorf("copy into a non-empty target: %v, want a conflict", err)
	}
	// The copy works on: new rows get new ids past the copied ones.
	if _, err := pg.SaveVersion(models.NewVersion{UnitCode: "530302", Period: "2025-09", Source: models.SourceUpload, FileName: "b.xlsx",
		File: []byte("another file"), Values: []models.ReturnValue{{Indicator: "service_points", Value: 1000}}}); err != nil {
		t.Fatalf("upload after the copy: %v", err)
	}

	back, err := Open(filepath.Join(t.TempDir(), "back.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = back.Close() })
	// Back without the later upload: copy a fresh PostgreSQL copy of the source.
	pg2, err := Open(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pg2.Close() })
	if _, err := src.CopyAll(pg2, func(string) {}); err != nil {
		t.Fatal(err)
	}
	if _, err := pg2.CopyAll(back, func(string) {}); err != nil {
		t.Fatal(err)
	}
	compared := 0
	for _, e := range models.AllEntities() {
		want, got := tableRows(t, src, e), tableRows(t, back, e)
		compared += len(want)
		if len(want) != len(got) {
			t.Errorf("%s: %d rows, %d after the round trip", tableName(src.db, e), len(want), len(got))
			continue
		}
		for i := range want {
			if !reflect.DeepEqual(want[i], got[i]) {
				t.Errorf("%s row %d:\n%v\nafter the round trip:\n%v", tableName(src.db, e), i, want[i], got[i])
				break
			}
		}
	}
	if int64(compared) != rep.Rows() {
		t.Errorf("compared %d rows after the round trip, copied %d", compared, rep.Rows())
	}
}

// tableRows reads every row of an entity in key order, times in UTC to the microsecond.
func tableRows(t *testing.T, s *Store, model any) []string {
	t.Helper()
	typ := reflect.TypeOf(model).Elem()
	ptr := reflect.New(reflect.SliceOf(typ))
	if err := s.db.Order(primaryKeyOrder(s.db, model)).Find(ptr.Interface()).Error; err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := range ptr.Elem().Len() {
		out = append(out, normalizedRow(ptr.Elem().Index(i)))
	}
	return out
}

func normalizedRow(v reflect.Value) string {
	var b bytes.Buffer
	for i := range v.NumField() {
		f := v.Field(i)
		if !v.Type().Field(i).IsExported() || f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.Struct {
			continue // associations are compared as their own tables
		}
		switch x := f.Interface().(type) {
		case time.Time:
			fmt.Fprintf(&b, "%s=%s ", v.Type().Field(i).Name, x.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano))
		case *time.Time:
			if x != nil {
				fmt.Fprintf(&b, "%s=%s ", v.Type().Field(i).Name, x.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano))
			}
		case *float64:
			if x != nil {
				fmt.Fprintf(&b, "%s=%v ", v.Type().Field(i).Name, *x)
			}
		default:
			fmt.Fprintf(&b, "%s=%v ", v.Type().Field(i).Name, x)
		}
	}
	return b.String()
}
