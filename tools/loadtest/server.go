package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// server is a ruralkpi started with a fresh demo database in a temporary folder.
type server struct {
	cmd     *exec.Cmd
	dir     string
	addr    string
	db      string
	mu      sync.Mutex
	locked  int // server log lines saying "database is locked"
	done    chan struct{}
	stopped bool
}

func startServer(ctx context.Context, bin string, stderr io.Writer) (*server, error) {
	dir, err := os.MkdirTemp("", "ruralkpi-load-*")
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	_ = l.Close()
	s := &server{dir: dir, addr: addr, db: filepath.Join(dir, "load.db"), done: make(chan struct{})}
	s.cmd = exec.CommandContext(ctx, bin, "serve", "--demo", "--db", s.db, "--addr", addr)
	s.cmd.Env = append(os.Environ(), "TMPDIR="+dir)
	logs, err := s.cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	s.cmd.Stdout = io.Discard
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	go func() {
		defer close(s.done)
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
	fmt.Fprintf(stderr, "loadtest: started %s on %s (demo database %s)\n", bin, addr, s.db)
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		res, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	_ = s.stop()
	_ = os.RemoveAll(dir)
	return nil, errors.New("the server did not answer /healthz within 3 minutes")
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
	s.mu.Unlock()
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	exited := make(chan error, 1)
	go func() { exited <- s.cmd.Wait() }()
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-exited
	}
	<-s.done
	return nil
}

func (s *server) lockedLines() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.locked
}
