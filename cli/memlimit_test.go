package cli

import (
	"context"
	"runtime/debug"
	"sync/atomic"
	"testing"
	"time"
)

// TestDefaultMemoryLimit checks serve's default soft memory limit: the memory in use plus the import
// budget on a small server, twice the memory in use once that is larger than the budget.
func TestDefaultMemoryLimit(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct {
		name       string
		base, want int64
	}{
		{"city server at rest", 9 * mib, 9*mib + ServeImportBudget},
		{"base equal to the budget", ServeImportBudget, 2 * ServeImportBudget},
		{"national read model", 180 * mib, 360 * mib},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := DefaultMemoryLimit(tc.base); got != tc.want {
				t.Errorf("DefaultMemoryLimit(%d MiB) = %d MiB, want %d MiB", tc.base/mib, got/mib, tc.want/mib)
			}
		})
	}
}

// TestFollowMemoryLimit checks that the default limit rises with the page cache and falls back when
// it empties, so that a full cache never leaves the collector working against the limit.
func TestFollowMemoryLimit(t *testing.T) {
	old := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(old) })
	const base = 10 << 20
	var held atomic.Int64
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); followMemoryLimit(ctx, base, held.Load, time.Millisecond) }()
	defer func() { cancel(); <-done }()
	for _, tc := range []struct {
		name string
		held int64
	}{
		{"cache fills", 64 << 20},
		{"cache emptied by a write", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			held.Store(tc.held)
			want := DefaultMemoryLimit(base + tc.held)
			deadline := time.Now().Add(5 * time.Second)
			for debug.SetMemoryLimit(-1) != want {
				if time.Now().After(deadline) {
					t.Fatalf("limit %d MiB, want %d MiB", debug.SetMemoryLimit(-1)>>20, want>>20)
				}
				time.Sleep(time.Millisecond)
			}
		})
	}
}
