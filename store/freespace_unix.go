//go:build unix

package store

import (
	"path/filepath"
	"syscall"
)

// freeBytes is the space left to unprivileged writers on the file system holding path.
func freeBytes(path string) (uint64, bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(filepath.Dir(path), &st); err != nil {
		return 0, false
	}
	return st.Bavail * uint64(st.Bsize), true //nolint:unconvert // Bsize is int64 on linux, uint32 elsewhere
}
