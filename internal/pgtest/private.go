package pgtest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"testing"

	"ruralkpi/internal/testkit"
)

// Private is a PostgreSQL server of the test's own (initdb in a temporary folder, on a free
// loopback port), for fault tests that stop and start the server under a running store — which
// must never be done to the shared one.
type Private struct {
	t    testing.TB
	bin  string // PostgreSQL's bin folder
	dir  string
	port int
	run  func(name string, args ...string) *exec.Cmd
}

// StartPrivate initialises and starts a private server; it is stopped and removed when the test
// ends. It needs PostgreSQL's server binaries (skipped loudly, or failed when testkit.Required, without);
// run as root, it runs them as the postgres user.
func StartPrivate(t testing.TB) *Private {
	t.Helper()
	Server(t) // the same switch as every PostgreSQL test
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	sort.Strings(bins)
	if len(bins) == 0 {
		msg := "POSTGRESQL FAULT TEST SKIPPED: no PostgreSQL server binaries (/usr/lib/postgresql/*/bin)"
		if testkit.Required() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	p := &Private{t: t, bin: filepath.Dir(bins[len(bins)-1])}
	p.run = func(name string, args ...string) *exec.Cmd { return exec.Command(filepath.Join(p.bin, name), args...) }
	dir, err := os.MkdirTemp("", "ruralkpi-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if os.Geteuid() == 0 {
		// initdb refuses root: run the server as postgres, in a folder it owns.
		pg, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("pgtest: running as root needs the postgres user: %v", err)
		}
		uid, _ := strconv.Atoi(pg.Uid)
		gid, _ := strconv.Atoi(pg.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		p.run = func(name string, args ...string) *exec.Cmd {
			return exec.Command("runuser", append([]string{"-u", "postgres", "--", filepath.Join(p.bin, name)}, args...)...)
		}
	}
	p.dir = dir
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.port = ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	if out, err := p.run("initdb", "-D", filepath.Join(dir, "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync").CombinedOutput(); err != nil {
		t.Fatalf("pgtest: initdb: %v\n%s", err, out)
	}
	p.Start()
	t.Cleanup(func() { _ = p.run("pg_ctl", "-D", filepath.Join(dir, "data"), "-m", "immediate", "stop").Run() })
	return p
}

// URL is the private server's postgres database.
func (p *Private) URL() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable&connect_timeout=5", p.port)
}

// Start starts the server and waits until it takes connections.
func (p *Private) Start() {
	p.t.Helper()
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", p.port, p.dir)
	if out, err := p.run("pg_ctl", "-D", filepath.Join(p.dir, "data"), "-o", opts, "-l", filepath.Join(p.dir, "log"), "-w", "start").CombinedOutput(); err != nil {
		log, _ := os.ReadFile(filepath.Join(p.dir, "log"))
		p.t.Fatalf("pgtest: start: %v\n%s\n%s", err, out, log)
	}
}

// Crash stops the server at once, as a crash or a kill would: every connection drops.
func (p *Private) Crash() {
	p.t.Helper()
	if out, err := p.run("pg_ctl", "-D", filepath.Join(p.dir, "data"), "-m", "immediate", "-w", "stop").CombinedOutput(); err != nil {
		p.t.Fatalf("pgtest: stop: %v\n%s", err, out)
	}
}
