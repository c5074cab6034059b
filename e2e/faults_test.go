package e2e

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3" // PRAGMA integrity_check on the file the server wrote
	"github.com/xuri/excelize/v2"

	"ruralkpi/importers/ledger"
	"ruralkpi/internal/pgtest"
	"ruralkpi/internal/testkit"
)

// Faults of issue 12, with real servers: a server killed with -9 in the middle of storing a
// 200,000-point ledger on PostgreSQL, and a SQLite database whose disk fills up.

// ledgerKillPoints is the size of the ledger the killed server was storing: large enough that its
// copy into PostgreSQL takes seconds, so the kill lands inside the transaction.
const ledgerKillPoints = 200_000

// TestLedgerImportKilledOnPostgres kills server A with -9 while it copies a 200,000-point ledger
// into PostgreSQL (seen from pg_locks: A's transaction holds the schema's ledger table), and wants
// nothing of it visible afterwards (no snapshot, no point, no stored file, no audit entry, no
// staging table), server B serving throughout, the same ledger accepted whole by B, and A's
// leftover scratch files swept when A starts again.
func TestLedgerImportKilledOnPostgres(t *testing.T) {
	dbURL := pgtest.URL(t)
	schema := schemaOf(t, dbURL)
	bin := buildApp(t)
	tmpA := t.TempDir()
	a := startServer(t, bin, "--demo", "--db", dbURL, "--temp-dir", tmpA)
	b := startServer(t, bin, "--demo", "--db", dbURL)
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const period = "2025-09" // the month being collected on the demo's date
	var unit string
	if err := db.QueryRow(`SELECT unit_code FROM admin_villages GROUP BY unit_code ORDER BY unit_code LIMIT 1`).Scan(&unit); err != nil {
		t.Fatalf("a demo unit with a village list: %v", err)
	}
	token := strings.TrimSpace(runApp(t, bin, "token", "create", "--db", dbURL, "--user", "county-"+unit))
	file := bigLedger(t, db, unit, ledgerKillPoints)
	before := ledgerCounts(t, db, schema, unit, period)

	type result struct {
		status int
		body   string
		err    error
	}
	done := make(chan result, 1)
	go func() {
		status, body, err := uploadLedger(a.base, token, unit, period, file)
		done <- result{status, body, err}
	}()
	start := time.Now()
	for !copyingLedger(t, db, schema) {
		select {
		case r := <-done:
			t.Fatalf("A answered %d %v before its copy into PostgreSQL was seen: %.300s", r.status, r.err, r.body)
		default:
		}
		if time.Since(start) > 3*time.Minute {
			t.Fatal("A never started copying the ledger into PostgreSQL")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := a.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	t.Logf("killed A %s after the upload began, inside its PostgreSQL transaction", time.Since(start).Round(time.Millisecond))
	if r := <-done; r.err == nil {
		t.Fatalf("A answered %d although it was killed: %.300s", r.status, r.body)
	}
	// PostgreSQL ends the killed server's session when it reads the closed socket: the lock goes.
	for deadline := time.Now().Add(time.Minute); copyingLedger(t, db, schema); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("A's transaction still holds the ledger table a minute after A was killed")
		}
	}
	if after := ledgerCounts(t, db, schema, unit, period); after != before {
		t.Fatalf("after killing A mid-import: %+v, before the upload %+v; want nothing changed", after, before)
	}

	// B served throughout and takes the same ledger whole.
	if got := apiStatus(t, b.base, token, "/api/v1/progress?period="+period+"&county="+unit); got != http.StatusOK {
		t.Fatalf("B after A was killed: progress %d", got)
	}
	status, body, err := uploadLedger(b.base, token, unit, period, file)
	if err != nil || status != http.StatusCreated || !strings.Contains(body, fmt.Sprintf(`"points":%d`, ledgerKillPoints)) {
		t.Fatalf("the same ledger to B: %d %v %.300s", status, err, body)
	}
	want := before
	want.snapshots++
	want.points += ledgerKillPoints
	want.audit++
	want.files++
	if after := ledgerCounts(t, db, schema, unit, period); after != want {
		t.Fatalf("after B stored the ledger: %+v, want %+v", after, want)
	}

	// A's scratch files (the spooled upload, the staging database) stay on its disk until a
	// process using the same temporary folder starts: then they are swept.
	if leftovers := runFolders(t, tmpA); len(leftovers) == 0 {
		t.Log("A left no run folder behind (nothing to sweep)")
	} else {
		startServer(t, bin, "--db", dbURL, "--temp-dir", tmpA)
		t.Logf("A left %d run folder(s) behind; A started again swept them", len(leftovers))
		for _, dir := range leftovers {
			if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("A's run folder %s is still there after A started again: %v", dir, err)
			}
		}
	}
}

// ledgerTally is what a ledger upload adds to the database.
type ledgerTally struct {
	snapshots, points, audit, files, stagingTables int
}

// ledgerCounts counts the unit's snapshots for the month, their points, the ledger audit entries,
// the stored original files and any staging table left in the test's schema.
func ledgerCounts(t *testing.T, db *sql.DB, schema, unit, period string) ledgerTally {
	t.Helper()
	var c ledgerTally
	for _, q := range []struct {
		dst   *int
		query string
		args  []any
	}{
		{&c.snapshots, `SELECT COUNT(*) FROM ledger_snapshots WHERE unit_code = $1 AND period = $2`, []any{unit, period}},
		{&c.points, `SELECT COUNT(*) FROM ledger_point_records p JOIN ledger_snapshots s ON s.id = p.snapshot_id WHERE s.unit_code = $1 AND s.period = $2`, []any{unit, period}},
		{&c.audit, `SELECT COUNT(*) FROM audit_entries WHERE action = 'ledger.upload'`, nil},
		{&c.files, `SELECT COUNT(*) FROM stored_files`, nil},
		{&c.stagingTables, `SELECT COUNT(*) FROM pg_tables WHERE schemaname = $1 AND tablename LIKE '%staging%'`, []any{schema}},
	} {
		if err := db.QueryRow(q.query, q.args...).Scan(q.dst); err != nil {
			t.Fatalf("%s: %v", q.query, err)
		}
	}
	return c
}

// copyingLedger reports whether a transaction holds the schema's ledger point table for writing:
// a ledger is being copied in.
func copyingLedger(t *testing.T, db *sql.DB, schema string) bool {
	t.Helper()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = $1 AND c.relname = 'ledger_point_records' AND l.mode = 'RowExclusiveLock' AND l.granted`, schema).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n > 0
}

// schemaOf is the schema a pgtest URL sets as the search path.
func schemaOf(t *testing.T, dbURL string) string {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	_, name, ok := strings.Cut(u.Query().Get("options"), "search_path=")
	if !ok {
		t.Fatalf("no search_path in %s", dbURL)
	}
	return name
}

// runFolders lists the per-process folders (run-PID-…) under a server's --temp-dir.
func runFolders(t *testing.T, root string) []string {
	t.Helper()
	out, err := filepath.Glob(filepath.Join(root, "run-*"))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// bigLedger writes a ledger of n points in operation for unit, over its reference villages, into
// a file in the test's folder.
func bigLedger(t *testing.T, db *sql.DB, unit string, n int) string {
	t.Helper()
	rows, err := db.Query(`SELECT township, name FROM admin_villages WHERE unit_code = $1 ORDER BY township, name`, unit)
	if err != nil {
		t.Fatal(err)
	}
	var villages [][2]string
	for rows.Next() {
		var v [2]string
		if err := rows.Scan(&v[0], &v[1]); err != nil {
			t.Fatal(err)
		}
		villages = append(villages, v)
	}
	rows.Close()
	if len(villages) == 0 {
		t.Fatalf("unit %s has no village list", unit)
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", ledger.SheetName); err != nil {
		t.Fatal(err)
	}
	sw, err := f.NewStreamWriter(ledger.SheetName)
	if err != nil {
		t.Fatal(err)
	}
	var header []any
	for _, c := range ledger.Columns()[:12] {
		header = append(header, c.Header)
	}
	if err := sw.SetRow("A1", header); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		v := villages[i%len(villages)]
		row := []any{fmt.Sprintf("%s-K%06d", unit, i+1), fmt.Sprintf("%s第%d服务站", v[1], i+1), v[0], v[1], "2023-08-15", "运营中", nil, "否", "否", 100, 10, "中国邮政"}
		if err := sw.SetRow("A"+strconv.Itoa(i+2), row); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ledger.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// uploadLedger streams a ledger file from disk to POST /api/v1/ledger; a connection cut by a
// killed server is an error.
func uploadLedger(base, token, unit, period, path string) (int, string, error) {
	form, contentType := testkit.MultipartFile(map[string]string{"county": unit, "period": period}, path)
	req, err := http.NewRequest(http.MethodPost, base+"/api/v1/ledger", form)
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

// apiStatus is the status of a GET with the API token.
func apiStatus(t *testing.T, base, token, path string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// fill writes a file into dir until the disk is full, then gives back keep bytes.
func fill(t *testing.T, dir string, keep int64) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	var size int64
	for {
		n, err := f.Write(chunk)
		size += int64(n)
		if errors.Is(err, syscall.ENOSPC) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Truncate(max(size-keep, 0)); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestSQLiteDiskFull runs a server whose database and temporary folder are on an 8 MiB disk, fills
// the disk and uploads returns: each is stored whole (201) or refused with 507 and the "storage full"
// message — never a 500, never half stored — while pages keep being served and /healthz says
// read_only. Once space is freed the file passes PRAGMA integrity_check, /healthz is ok again and
// the next upload is stored.
func TestSQLiteDiskFull(t *testing.T) {
	disk := testkit.SmallDisk(t, 8<<20)
	bin := buildApp(t)
	dbPath := filepath.Join(disk, "ruralkpi.db")
	srv := startServer(t, bin, "--demo", "--db", dbPath, "--temp-dir", filepath.Join(disk, "tmp"))
	const county, period = "530326", "2025-09"
	token := strings.TrimSpace(runApp(t, bin, "token", "create", "--db", dbPath, "--user", "county-"+county))
	tmpl := apiGet(t, srv.base, token, "/api/v1/returns/template?county="+county+"&period="+period)
	versionsBefore := countRows(t, dbPath, `SELECT COUNT(*) FROM return_versions`)

	filler := fill(t, disk, 256<<10)
	accepted, refused := 0, 0
	for i := 0; refused < 3; i++ {
		if i == 200 {
			t.Fatalf("200 uploads on a full disk, %d accepted and none refused", accepted)
		}
		status, body := upload(srv.base, token, fmt.Sprintf("full-%d.xlsx", i), withServicePoints(t, tmpl, float64(1000+i)))
		switch status {
		case http.StatusCreated:
			accepted++
		case http.StatusInsufficientStorage:
			refused++
			var e struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error.Code != "storage_full" || !strings.Contains(e.Error.Message, "存储空间不足") {
				t.Errorf("507 without the storage-full message: %s", body)
			}
		default:
			t.Fatalf("upload %d on a full disk: %d %.300s, want 201 or 507", i, status, body)
		}
	}
	t.Logf("on the full disk: %d uploads stored, then refused with 507", accepted)
	if got := apiStatus(t, srv.base, token, "/api/v1/progress?period="+period+"&county="+county); got != http.StatusOK {
		t.Errorf("reads on a full disk: progress %d, want 200", got)
	}
	if status, body := healthz(t, srv.base); status != http.StatusServiceUnavailable || !strings.Contains(body, "read_only") {
		t.Errorf("/healthz on a full disk: %d %s, want 503 read_only", status, body)
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if got := countRows(t, dbPath, `SELECT COUNT(*) FROM return_versions`); got != versionsBefore+accepted {
		t.Errorf("%d versions stored, want %d before and %d accepted", got, versionsBefore, accepted)
	}
	if got := countRows(t, dbPath, `SELECT COUNT(*) FROM return_versions v WHERE NOT EXISTS (SELECT 1 FROM audit_entries a
		WHERE a.action = 'return.upload' AND a.after LIKE '%' || v.file_hash || '%') AND v.source = 'upload'`); got != 0 {
		t.Errorf("%d uploaded versions without their audit entry", got)
	}
	db, err := sql.Open("sqlite3", "file:"+dbPath+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var check string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check after the disk was full: %q %v", check, err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		status, body := healthz(t, srv.base)
		if status == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz 10 s after space was freed: %d %s", status, body)
		}
	}
	want := float64(5000)
	if status, body := upload(srv.base, token, "after.xlsx", withServicePoints(t, tmpl, want)); status != http.StatusCreated {
		t.Fatalf("upload after space was freed: %d %.300s", status, body)
	}
	if got := servicePoints(t, srv.base, token, county, period); got != want {
		t.Errorf("after space was freed the server shows %v service points, want %v", got, want)
	}
}

// countRows runs a COUNT query on a SQLite file, read-only.
func countRows(t *testing.T, path, query string) int {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// healthz is the status and body of GET /healthz.
func healthz(t *testing.T, base string) (int, string) {
	t.Helper()
	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}
