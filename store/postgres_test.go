package store

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"ruralkpi/internal/testkit"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"ruralkpi/internal/pgtest"
	"ruralkpi/models"
)

// openPostgresTestStore opens a store on a fresh PostgreSQL database with the plan seeded (skipped,
// loudly, without RURALKPI_TEST_PG); url is the database's, for a second store on it.
func openPostgresTestStore(t *testing.T) (s *Store, p *models.Plan, url string) {
	t.Helper()
	p = testkit.Plan(t)
	url = pgtest.URL(t)
	s = openStoreAt(t, url)
	if err := s.SeedPlan(p); err != nil {
		t.Fatal(err)
	}
	return s, p, url
}

func TestIsPostgresURL(t *testing.T) {
	for db, want := range map[string]bool{
		"postgres://u@h/db": true, "postgresql://h:5432/db?sslmode=disable": true, "POSTGRES://h/db": true,
		"data/demo.db": false, "sqlite:data/demo.db": false, "/var/lib/ruralkpi/city.db": false, "postgres.db": false,
	} {
		if got := IsPostgresURL(db); got != want {
			t.Errorf("IsPostgresURL(%q) = %v", db, got)
		}
	}
	if got := sqlitePath("sqlite:data/x.db"); got != "data/x.db" {
		t.Errorf("sqlitePath = %q", got)
	}
	if got := RedactURL("postgres://app:secret@db:5432/kpi"); got != "postgres://app:xxxxx@db:5432/kpi" {
		t.Errorf("RedactURL = %q", got)
	}
	if got := dialectPostgres.placeholders("a = ? AND b IN (?, ?)"); got != "a = $1 AND b IN ($2, $3)" {
		t.Errorf("placeholders = %q", got)
	}
}

// PostgreSQL's refusals that mean "not now, nothing written" answer 503 with Retry-After (models.EBusy), a
// full disk EFull, like SQLite's.
func TestPostgresErrorCodes(t *testing.T) {
	tests := []struct {
		name string
		err  error
		code string
	}{
		{"serialization failure", fmt.Errorf("store: x: %w", &pgconn.PgError{Code: "40001"}), models.EBusy},
		{"deadlock", &pgconn.PgError{Code: "40P01"}, models.EBusy},
		{"too many connections", &pgconn.PgError{Code: "53300"}, models.EBusy},
		{"server shutting down", &pgconn.PgError{Code: "57P01"}, models.EBusy},
		{"connection failure", &pgconn.PgError{Code: "08006"}, models.EBusy},
		{"connection lost", errors.New("store: x: failed to receive message: unexpected EOF"), models.EBusy},
		{"a client gone is no busy database", errors.New("handlers: read body: unexpected EOF"), models.EInternal},
		{"disk full", &pgconn.PgError{Code: "53100"}, models.EFull},
		{"unique violation", &pgconn.PgError{Code: "23505"}, models.EInternal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := models.ErrorCode(tt.err); got != tt.code {
				t.Errorf("ErrorCode = %q, want %q", got, tt.code)
			}
		})
	}
	t.Run("server not there", func(t *testing.T) {
		_, err := Open("postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
		if err == nil || !models.IsBusy(err) {
			t.Errorf("open on a closed port: %v, want busy", err)
		}
	})
}

// The audit trail is append-only on PostgreSQL too: UPDATE, DELETE and TRUNCATE are refused by the
// database itself, whatever the application does.
func TestPostgresAuditAppendOnly(t *testing.T) {
	s, _, _ := openPostgresTestStore(t)
	if err := s.Audit(models.AuditEntry{Actor: "office", Action: models.AuditSetting, Subject: "x"}); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{"UPDATE audit_entries SET actor = 'someone'", "DELETE FROM audit_entries", "TRUNCATE audit_entries"} {
		if err := s.db.Exec(stmt).Error; err == nil {
			t.Errorf("%s succeeded", stmt)
		}
	}
	var n int64
	s.db.Model(&models.AuditEntry{}).Where("actor = 'office'").Count(&n)
	if n != 1 {
		t.Errorf("%d entries left, want the one written", n)
	}
}

// Writers are not queued on PostgreSQL: twenty uploads of one unit's month at once each either
// commit with their audit entry and change-log row, numbered without gap or twin, or fail as busy
// (503) having written nothing.
func TestPostgresConcurrentWritersKeepNumbersAndAudit(t *testing.T) {
	s, _, _ := openPostgresTestStore(t)
	const n = 20
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.SaveVersion(models.NewVersion{UnitCode: "530302", Period: "2024-03", Source: models.SourceUpload,
				File: []byte(fmt.Sprintf("file %d", i)), Values: []models.ReturnValue{{Indicator: "service_points", Value: float64(i)}}})
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !models.IsBusy(err):
			t.Errorf("concurrent upload: %v, want success or busy", err)
		}
	}
	var numbers []int
	s.db.Model(&models.ReturnVersion{}).Order("number").Pluck("number", &numbers)
	sort.Ints(numbers)
	for i, num := range numbers {
		if num != i+1 {
			t.Fatalf("version numbers %v: want 1..%d", numbers, len(numbers))
		}
	}
	var audited, logged int64
	s.db.Model(&models.AuditEntry{}).Where("action = ?", models.AuditUpload).Count(&audited)
	s.db.Model(&models.DataChange{}).Count(&logged)
	if ok == 0 || len(numbers) != ok || audited != int64(ok) || logged != int64(ok) {
		t.Errorf("%d uploads succeeded: %d versions, %d audit entries, %d change-log rows", ok, len(numbers), audited, logged)
	}
	t.Logf("%d of %d concurrent uploads of one month committed, the rest were busy", ok, n)
}

// Change-log ids commit in order: a write that took an id waits for none, and a second write's row
// waits until the first commits, so that a server reading past its cursor never skips a late one.
func TestPostgresChangeLogCommitsInOrder(t *testing.T) {
	s, _, _ := openPostgresTestStore(t)
	first := s.db.Begin()
	ch1, err := changed(first, models.Change{Kind: models.ChangePages})
	if err != nil {
		t.Fatal(err)
	}
	second := make(chan models.Change, 1)
	go func() {
		var ch models.Change
		_ = s.db.Transaction(func(tx *gorm.DB) error {
			var err error
			ch, err = changed(tx, models.Change{Kind: models.ChangePages})
			return err
		})
		second <- ch
	}()
	select {
	case ch := <-second:
		t.Fatalf("the second change (id %d) committed while the first (id %d) was open", ch.ID, ch1.ID)
	case <-time.After(300 * time.Millisecond):
	}
	if err := first.Commit().Error; err != nil {
		t.Fatal(err)
	}
	if ch2 := <-second; ch2.ID <= ch1.ID {
		t.Errorf("ids %d then %d: want the later commit to have the higher id", ch1.ID, ch2.ID)
	}
}

// Two servers on one database: a write through one reaches the other's read model at once by
// NOTIFY (its polling is set to an hour here, so nothing else could deliver it within the second).
func TestPostgresServersShareChanges(t *testing.T) {
	a, p, url := openPostgresTestStore(t)
	b := openStoreAt(t, url)
	for _, s := range []*Store{a, b} {
		if err := s.StartReadModel(p); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go b.Watch(ctx, time.Hour)
	time.Sleep(300 * time.Millisecond) // B is listening
	if _, err := a.SaveVersion(models.NewVersion{UnitCode: "530302", Period: "2024-02", Source: models.SourceUpload,
		Values: []models.ReturnValue{{Indicator: models.IndServicePoints, Value: 42}}}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Second)
	for {
		snap, _ := b.Progress(p)
		if got := snap.Calc.Progress(models.IndServicePoints, "530302", models.MustPeriod("2024-02")); got.HasActual && got.Actual == 42 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("B's read model does not show A's write 1 s after it committed")
		}
		time.Sleep(10 * time.Millisecond)
	}
	sameAsFreshBuild(t, b, p)
}

// The same file sent twice at once (a double click, a retried request that had reached another
// server) is stored once; the other is the same-file conflict (409), as with one writer at a time.
func TestPostgresSameFileAtOnceStoredOnce(t *testing.T) {
	s, _, _ := openPostgresTestStore(t)
	// The month has a version already (its return row exists, so nothing else orders the writers).
	if _, err := s.SaveVersion(models.NewVersion{UnitCode: "530302", Period: "2024-03", Source: models.SourceUpload,
		File: []byte("an earlier file"), Values: []models.ReturnValue{{Indicator: "service_points", Value: 4}}}); err != nil {
		t.Fatal(err)
	}
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = s.SaveVersion(models.NewVersion{UnitCode: "530302", Period: "2024-03", Source: models.SourceUpload,
				File: []byte("the same file"), Values: []models.ReturnValue{{Indicator: "service_points", Value: 5}}})
		}()
	}
	close(start)
	wg.Wait()
	stored, dup := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			stored++
		case errors.Is(err, models.ErrDuplicateFile):
			dup++
		default:
			t.Errorf("same file at once: %v", err)
		}
	}
	var versions int64
	s.db.Model(&models.ReturnVersion{}).Count(&versions)
	if stored != 1 || dup != n-1 || versions != 2 {
		t.Errorf("%d stored, %d refused as the same file, %d versions; want 1, %d, 2", stored, dup, versions, n-1)
	}
}

// The backup documented for PostgreSQL (docs/operations.md): pg_dump of a database in use, restored
// with pg_restore into a new one, opens and serves the same data, and its audit trail is still
// append-only (the trigger travels with the dump).
func TestPostgresDumpAndRestore(t *testing.T) {
	for _, tool := range []string{"pg_dump", "pg_restore"} {
		testkit.Tool(t, tool, "apt-get install postgresql-client-15")
	}
	// Whole databases: pg_dump takes a database, and pg_restore wants an empty one.
	p := testkit.Plan(t)
	url := pgtest.Database(t)
	s := openStoreAt(t, url)
	if err := s.SeedPlan(p); err != nil {
		t.Fatal(err)
	}
	if err := s.SeedDemo(p); err != nil {
		t.Fatal(err)
	}
	if err := s.Audit(models.AuditEntry{Actor: "office", Action: models.AuditSetting, Subject: "before the dump"}); err != nil {
		t.Fatal(err)
	}
	dump := filepath.Join(t.TempDir(), "ruralkpi.dump")
	if out, err := exec.Command("pg_dump", "--format=custom", "--file="+dump, url).CombinedOutput(); err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, out)
	}
	target := pgtest.Database(t)
	if out, err := exec.Command("pg_restore", "--no-owner", "--dbname="+target, dump).CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, out)
	}
	restored := openStoreAt(t, target)
	if err := restored.StartReadModel(p); err != nil {
		t.Fatal(err)
	}
	if err := s.StartReadModel(p); err != nil {
		t.Fatal(err)
	}
	a, _ := s.Progress(p)
	b, _ := restored.Progress(p)
	period := models.MustPeriod("2025-06")
	for _, ind := range p.Indicators {
		if x, y := a.Calc.Progress(ind.Code, p.Root.Code, period), b.Calc.Progress(ind.Code, p.Root.Code, period); x.Actual != y.Actual || x.Status != y.Status {
			t.Errorf("%s after restore: %v %v, before %v %v", ind.Code, y.Actual, y.Status, x.Actual, x.Status)
		}
	}
	for _, table := range []string{"users", "return_versions", "return_values", "audit_entries", "data_changes"} {
		var n1, n2 int64
		s.db.Table(table).Count(&n1)
		restored.db.Table(table).Count(&n2)
		if n1 == 0 || n1 != n2 {
			t.Errorf("%s: %d rows, %d after restore", table, n1, n2)
		}
	}
	if err := restored.db.Exec("DELETE FROM audit_entries").Error; err == nil {
		t.Error("DELETE on the restored audit trail succeeded")
	}
	// Writes go on after the restore: the id sequences came with the dump.
	if _, err := restored.SaveVersion(models.NewVersion{UnitCode: "530302", Period: "2025-09", Source: models.SourceUpload,
		File: []byte("after restore"), Values: []models.ReturnValue{{Indicator: "service_points", Value: 1}}}); err != nil {
		t.Fatalf("upload after restore: %v", err)
	}
}
