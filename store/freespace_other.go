//go:build !unix

package store

import "ruralkpi/models"

// freeBytes is unknown here; /healthz then relies on the last write's outcome.
func freeBytes(string) (uint64, bool) { return 0, false }
