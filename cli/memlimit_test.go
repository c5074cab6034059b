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

// TestServingHeld checks what serve's limit follows above base: the caches, and an allowance for each
// open connection.
func TestServingHeld(t *testing.T) {
	const mib = 1 << 20
	var cache atomic.Int64
	var conns atomic.Int32
	held := servingHeld(cache.Load, func() int { return int(conns.Load()) })
	for _, tc := range []struct {
		name  string
		cache int64
		conns int32
		want  int64
	}{
		{"idle", 5 * mib, 0, 5 * mib},
		{"one upload", 5 * mib, 1, 5*mib + ConnectionAllowance},
		{"two hundred readers on two servers", 20 * mib, 110, 20*mib + 110*ConnectionAllowance},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cache.Store(tc.cache)
			conns.Store(tc.conns)
			if got := held(); got != tc.want {
				t.Errorf("held %d KiB, want %d KiB", got>>10, tc.want>>10)
			}
		})
	}
}
