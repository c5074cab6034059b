package models

import (
	"errors"
	"strings"
	"syscall"
)

// IsBusy reports whether err means the database was busy: SQLite's SQLITE_BUSY or SQLITE_LOCKED
// ("database is locked"; the driver's error text always carries the code's message), the store's
// own write queue timing out (ErrBusy), or PostgreSQL unable to take the work now — a conflict,
// too many connections, the server shutting down or starting, the connection lost or refused (its
// driver's text carries the SQLSTATE; the store wraps what it recognises by type in ErrBusy).
// Nothing was written.
func IsBusy(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrBusy) {
		return true
	}
	msg := err.Error()
	if strings.Contains(msg, "database is locked") || strings.Contains(msg, "database table is locked") ||
		strings.Contains(msg, "SQLITE_BUSY") {
		return true
	}
	for _, s := range postgresBusyText {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// postgresBusyText are what PostgreSQL's driver (pgx) says when the database cannot take the work
// now: the SQLSTATEs of serialization_failure, deadlock_detected, lock_not_available,
// query_canceled (a timeout), too_many_connections, admin/crash shutdown, cannot_connect_now and
// connection exceptions (class 08), and pgx's words for a connection refused or lost (not the bare
// "unexpected EOF" or "broken pipe" of any reader or writer: a client that went away is no busy database).
var postgresBusyText = []string{
	"(SQLSTATE 40001)", "(SQLSTATE 40P01)", "(SQLSTATE 55P03)", "(SQLSTATE 57014)", "(SQLSTATE 53300)",
	"(SQLSTATE 57P01)", "(SQLSTATE 57P02)", "(SQLSTATE 57P03)", "(SQLSTATE 08",
	"failed to connect to `", "failed to receive message", "failed to write startup message", "conn closed",
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
	msg := err.Error()
	return strings.Contains(msg, "database or disk is full") || strings.Contains(msg, "no space left on device") ||
		strings.Contains(msg, "(SQLSTATE 53100)")
}
