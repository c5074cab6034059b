//go:build unix

package uploads

import (
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// lockFile takes an exclusive lock held until the file is closed or the process dies.
func lockFile(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}

// abandoned reports whether a run folder's owner is gone: its lock can be taken.
func abandoned(run string) bool {
	f, err := os.OpenFile(filepath.Join(run, "lock"), os.O_RDWR, 0)
	if err != nil {
		// No lock file: a folder being created this instant, or debris. Debris only when old.
		info, serr := os.Stat(run)
		return serr == nil && os.IsNotExist(err) && info.ModTime().Before(time.Now().Add(-staleRun))
	}
	defer f.Close()
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil
}
