package uploads

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// The application keeps every temporary file in one folder of its own:
//
//	ROOT/run-PID-RANDOM/  one per running process: spooled uploads, staging databases; held by
//	                      a lock on ROOT/run-PID-RANDOM/lock for as long as the process lives
//	ROOT/pending/         previewed ledgers waiting for confirmation (they outlive a restart)
//
// A process killed with -9 cannot clean up after itself; its run folder's lock dies with it, so the
// next sweep (at start-up and then periodically, by any process using ROOT) removes the folder.

// DefaultRoot is ROOT when none is configured: a folder under the system temporary folder.
func DefaultRoot() string { return filepath.Join(os.TempDir(), "ruralkpi") }

// Dir is a process's share of the application's temporary folder.
type Dir struct {
	root string
	run  string
	lock *os.File
}

// OpenDir creates ROOT and this process's run folder, locks it, and sweeps run folders of processes
// that are gone.
func OpenDir(root string) (*Dir, error) {
	if root == "" {
		root = DefaultRoot()
	}
	if err := os.MkdirAll(filepath.Join(root, "pending"), 0o700); err != nil {
		return nil, fmt.Errorf("uploads: temporary folder: %w", err)
	}
	var raw [6]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, fmt.Errorf("uploads: temporary folder: %w", err)
	}
	run := filepath.Join(root, "run-"+strconv.Itoa(os.Getpid())+"-"+hex.EncodeToString(raw[:]))
	if err := os.Mkdir(run, 0o700); err != nil {
		return nil, fmt.Errorf("uploads: temporary folder: %w", err)
	}
	lock, err := os.OpenFile(filepath.Join(run, "lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("uploads: temporary folder lock: %w", err)
	}
	if err := lockFile(lock); err != nil {
		_ = lock.Close()
		return nil, fmt.Errorf("uploads: temporary folder lock: %w", err)
	}
	d := &Dir{root: root, run: run, lock: lock}
	d.SweepRuns()
	return d, nil
}

// Root is the application's temporary folder.
func (d *Dir) Root() string { return d.root }

// Run is this process's folder, for spooled uploads and staging files.
func (d *Dir) Run() string { return d.run }

// Pending is the folder of previews waiting for confirmation.
func (d *Dir) Pending() string { return filepath.Join(d.root, "pending") }

// Close removes this process's run folder.
func (d *Dir) Close() error {
	err := os.RemoveAll(d.run)
	_ = d.lock.Close()
	return err
}

// SweepRuns removes the run folders of processes that are gone (their lock is free), and stray
// files that older versions left directly in ROOT. It reports what it removed.
func (d *Dir) SweepRuns() (removed int) {
	entries, err := os.ReadDir(d.root)
	if err != nil {
		return 0
	}
	for _, e := range entries {
		path := filepath.Join(d.root, e.Name())
		if path == d.run || e.Name() == "pending" || !strings.HasPrefix(e.Name(), "run-") {
			continue
		}
		if !e.IsDir() {
			continue
		}
		if abandoned(path) && os.RemoveAll(path) == nil {
			removed++
		}
	}
	return removed
}

// SweepOld removes files in folder last changed before the cut-off (previews never confirmed).
func SweepOld(folder string, before time.Time) (removed int) {
	entries, err := os.ReadDir(folder)
	if err != nil {
		return 0
	}
	for _, e := range entries {
		if info, err := e.Info(); err == nil && info.Mode().IsRegular() && info.ModTime().Before(before) {
			if os.Remove(filepath.Join(folder, e.Name())) == nil {
				removed++
			}
		}
	}
	return removed
}

// staleRun is the age past which a run folder without a usable lock is debris.
const staleRun = 24 * time.Hour
