package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"ruralkpi/internal/appserver"
)

// server is a ruralkpi started by the tool on a loopback port: with a fresh demo database in a
// temporary folder (SQLite), or on a fresh schema of a PostgreSQL server (-pg), where several share
// one database. It can be killed with -9 and started again on the same address.
type server struct {
	bin     string
	dir     string // its --temp-dir's parent (and the SQLite file's folder)
	addr    string
	db      string
	stderr  io.Writer
	mu      sync.Mutex
	locked  int // server log lines saying "database is locked"
	cmd     *exec.Cmd
	done    chan struct{} // closed when the current process's log is read to its end
	stopped bool
}

// startServer starts bin on a free port with the demo data on db ("" for a fresh SQLite file in a
// temporary folder) and waits until it answers /healthz.
func startServer(ctx context.Context, bin, db string, stderr io.Writer) (*server, error) {
	dir, err := os.MkdirTemp("", "ruralkpi-load-*")
	if err != nil {
		return nil, err
	}
	addr, err := appserver.FreeAddr()
	if err != nil {
		return nil, err
	}
	if db == "" {
		db = filepath.Join(dir, "load.db")
	}
	s := &server{bin: bin, dir: dir, addr: addr, db: db, stderr: stderr}
	if err := s.start(ctx); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

// start runs the server process and waits (at most 3 minutes) until /healthz answers 200.
func (s *server) start(ctx context.Context) error {
	cmd := exec.CommandContext(ctx, s.bin, "serve", "--demo", "--db", s.db, "--addr", s.addr, "--temp-dir", filepath.Join(s.dir, "tmp"))
	cmd.Env = append(os.Environ(), "TMPDIR="+s.dir)
	logs, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", s.bin, err)
	}
	done := make(chan struct{})
	s.mu.Lock()
	s.cmd, s.done, s.stopped = cmd, done, false
	s.mu.Unlock()
	go func() {
		defer close(done)
		sc := bufio.NewScanner(logs)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "database is locked") {
				s.mu.Lock()
				s.locked++
				s.mu.Unlock()
			}
		}
	}()
	fmt.Fprintf(s.stderr, "loadtest: started %s on %s (demo database %s)\n", s.bin, s.addr, redact(s.db))
	wait, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	if err := appserver.WaitHealthy(wait, "http://"+s.addr, done); err != nil {
		_ = s.stop()
		return fmt.Errorf("the server did not answer /healthz within 3 minutes: %w", err)
	}
	return nil
}

// kill ends the server with SIGKILL, as a crash would: no request is finished, nothing cleaned up.
func (s *server) kill() error {
	s.mu.Lock()
	cmd, done := s.cmd, s.done
	s.stopped = true
	s.mu.Unlock()
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		return err
	}
	_ = cmd.Wait()
	<-done
	return nil
}

// stop ends the server (SIGTERM, then SIGKILL after 10 s); the database is kept until the process
// exits so that verify can read it.
func (s *server) stop() error {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return nil
	}
	s.stopped = true
	cmd, done := s.cmd, s.done
	s.mu.Unlock()
	_ = cmd.Process.Signal(syscall.SIGTERM)
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		<-exited
	}
	<-done
	return nil
}

func (s *server) lockedLines() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.locked
}

// freshSchema makes a new schema on the PostgreSQL server pgURL names and returns a URL whose
// sessions use it (libpq's options=-c search_path=…), and a function that drops it.
func freshSchema(pgURL string) (string, func() error, error) {
	raw := make([]byte, 6)
	if _, err := rand.Read(raw); err != nil {
		return "", nil, err
	}
	name := "loadtest_" + hex.EncodeToString(raw)
	admin, err := sql.Open("pgx", pgURL)
	if err != nil {
		return "", nil, err
	}
	if _, err := admin.Exec("CREATE SCHEMA " + name); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("create schema on %s: %w", redact(pgURL), err)
	}
	drop := func() error {
		defer admin.Close()
		_, err := admin.Exec("DROP SCHEMA IF EXISTS " + name + " CASCADE")
		return err
	}
	u, err := url.Parse(pgURL)
	if err != nil {
		_ = drop()
		return "", nil, err
	}
	q := u.Query()
	q.Set("options", "-c search_path="+name)
	u.RawQuery = q.Encode()
	return u.String(), drop, nil
}

// redact is a database name fit for the log: a URL's password replaced.
func redact(db string) string {
	u, err := url.Parse(db)
	if err != nil || u.User == nil {
		return db
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
