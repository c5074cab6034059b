package models

import (
	"errors"
	"strings"
	"syscall"

	"github.com/mattn/go-sqlite3"
)

// IsBusy reports whether err means the database was busy: SQLite's SQLITE_BUSY or SQLITE_LOCKED
// ("database is locked"), the store's own write queue timing out (ErrBusy), or PostgreSQL unable to
// take the work now (a conflict that kept losing, a lost or refused connection: isPostgresBusy).
// Nothing was written.
func IsBusy(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrBusy) {
		return true
	}
	var se sqlite3.Error
	if errors.As(err, &se) && (se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked) {
		return true
	}
	if isPostgresBusy(err) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "database is locked") || strings.Contains(msg, "database table is locked") ||
		strings.Contains(msg, "SQLITE_BUSY")
}

// IsFull reports whether err means the disk (or the database) is full: SQLite's SQLITE_FULL or the
// operating system's ENOSPC, also when a driver only kept the message.
func IsFull(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, syscall.ENOSPC) {
		return true
	}
	var se sqlite3.Error
	if errors.As(err, &se) && se.Code == sqlite3.ErrFull || isPostgresFull(err) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "database or disk is full") || strings.Contains(msg, "no space left on device")
}
