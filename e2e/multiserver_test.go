package e2e

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"ruralkpi/internal/appserver"
	"ruralkpi/internal/pgtest"
	"ruralkpi/internal/testkit"
)

// Several servers on one PostgreSQL (issue 12): an upload accepted by server A is on server B's
// answers within a second (LISTEN/NOTIFY), and killing A in the middle of an upload leaves nothing
// partial while B keeps serving.
func TestTwoServersOnePostgres(t *testing.T) {
	dbURL := pgtest.URL(t)
	bin := buildApp(t)
	a := startServer(t, bin, "--demo", "--db", dbURL)
	b := startServer(t, bin, "--demo", "--db", dbURL)
	token := strings.TrimSpace(runApp(t, bin, "token", "create", "--db", dbURL, "--user", "county-530326"))
	const county, period = "530326", "2025-09"

	before := servicePoints(t, b.base, token, county, period)
	tmpl := apiGet(t, a.base, token, "/api/v1/returns/template?county="+county+"&period="+period)
	want := before + 7
	file := withServicePoints(t, tmpl, want)
	if status, body := upload(a.base, token, "a.xlsx", file); status != http.StatusCreated {
		t.Fatalf("upload to A: %d %s", status, body)
	}
	accepted := time.Now()
	for servicePoints(t, b.base, token, county, period) != want {
		if time.Since(accepted) > time.Second {
			t.Fatalf("B still shows %v service points 1 s after A accepted %v", servicePoints(t, b.base, token, county, period), want)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("B showed A's upload %s after A accepted it", time.Since(accepted).Round(time.Millisecond))

	// Kill A while uploads are in flight: each either committed whole (version, file, audit entry)
	// or left nothing; B answers throughout and shows what committed.
	var next atomic.Int64
	next.Store(int64(want))
	var accepted201 atomic.Int64
	done := make(chan struct{})
	for i := range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for {
				v := next.Add(1)
				status, _ := upload(a.base, token, fmt.Sprintf("kill-%d-%d.xlsx", i, v), withServicePoints(t, tmpl, float64(v)))
				if status == 0 {
					return // A is gone
				}
				if status == http.StatusCreated {
					accepted201.Add(1)
				}
			}
		}()
	}
	// Kill A once it has committed an upload (on a busy machine that takes seconds, not the 700 ms
	// this waited before) while the four keep sending.
	for waited := time.Now(); accepted201.Load() == 0; time.Sleep(20 * time.Millisecond) {
		if time.Since(waited) > 2*time.Minute {
			t.Fatal("A committed no upload in 2 minutes")
		}
	}
	time.Sleep(100 * time.Millisecond)
	if err := a.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for range 4 {
		<-done
	}
	if accepted201.Load() == 0 {
		t.Fatal("no upload committed before A was killed: the test did not kill A mid-load")
	}
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var versions, audited, files int
	q := func(query string, dst *int) {
		if err := db.QueryRow(query).Scan(dst); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	q(`SELECT COUNT(*) FROM return_versions WHERE source = 'upload'`, &versions)
	q(`SELECT COUNT(*) FROM audit_entries WHERE action = 'return.upload'`, &audited)
	q(`SELECT COUNT(DISTINCT v.id) FROM return_versions v JOIN stored_files f ON f.hash = v.file_hash WHERE v.source = 'upload'`, &files)
	if versions < 1 || versions != audited || versions != files {
		t.Errorf("after killing A: %d uploaded versions, %d audit entries, %d with their file; want equal", versions, audited, files)
	}
	var newest float64
	if err := db.QueryRow(`SELECT x.value FROM return_versions v JOIN return_values x ON x.version_id = v.id
		WHERE v.unit_code = $1 AND v.period = $2 AND x.indicator = 'service_points' ORDER BY v.number DESC LIMIT 1`, county, period).Scan(&newest); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for got := servicePoints(t, b.base, token, county, period); got != newest; got = servicePoints(t, b.base, token, county, period) {
		if time.Now().After(deadline) {
			t.Fatalf("B shows %v service points, the newest committed version %v", got, newest)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if int64(versions) < 1+accepted201.Load() {
		t.Errorf("%d uploaded versions stored, but A answered 201 to %d (plus the first)", versions, accepted201.Load())
	}
	t.Logf("killed A with 4 uploaders in flight: %d answered 201 before; %d uploaded versions in all, each with its file and audit entry; B serves the newest (%v)",
		accepted201.Load(), versions, newest)
}

// appServer is a running ruralkpi serve.
type appServer struct {
	base string
	cmd  *exec.Cmd
}

// buildApp builds the ruralkpi binary into the test's temporary folder.
func buildApp(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "ruralkpi")
	if out, err := exec.Command("go", "build", "-o", bin, "ruralkpi").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runApp runs a ruralkpi command to its end and returns its standard output.
func runApp(t *testing.T, bin string, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("ruralkpi %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}

// startServer runs `serve` with args on a free loopback port until the test ends; it returns once
// /healthz answers.
func startServer(t *testing.T, bin string, args ...string) *appServer {
	t.Helper()
	addr, err := appserver.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	var out syncBuffer
	cmd := exec.Command(bin, append([]string{"serve", "--addr", addr}, args...)...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("server %s output:\n%s", addr, out.String())
		}
	})
	base := "http://" + addr
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	if err := appserver.WaitHealthy(ctx, base, exited); errors.Is(err, appserver.ErrExited) {
		t.Fatalf("server exited before it answered: %v\n%s", waitErr, out.String())
	} else if err != nil {
		t.Fatalf("server did not answer /healthz within 90 s: %v\n%s", err, out.String())
	}
	return &appServer{base: base, cmd: cmd}
}

// apiGet GETs path with the API token and returns the body of a 200.
func apiGet(t *testing.T, base, token, path string) []byte {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v %s", path, resp.StatusCode, err, body)
	}
	return body
}

// servicePoints is the county's service_points figure for the month as the server's API says.
func servicePoints(t *testing.T, base, token, county, period string) float64 {
	t.Helper()
	v, _, err := appserver.Actual(apiGet(t, base, token, "/api/v1/progress?period="+period+"&county="+county), "service_points", county)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// withServicePoints is the return template with the service_points figure set to v.
func withServicePoints(t *testing.T, tmpl []byte, v float64) []byte {
	t.Helper()
	return testkit.FillReturn(t, tmpl, map[string]any{"service_points": v})
}

// upload posts a return file to the API; a connection cut by a killed server is status 0.
func upload(base, token, name string, file []byte) (int, string) {
	body, ctype := testkit.Form(nil, name, file)
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/returns", body)
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}
