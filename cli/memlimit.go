package cli

import (
	"context"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// ServeImportBudget is what serve's default soft memory limit leaves for work above the memory the
// server holds at rest: a 200,000-point ledger import holds about 30 MiB at its peak (the shared-string
// table, the point codes kept for the duplicate check, the indicator tally and the staging batches;
// docs/performance.md), and pages and other uploads share the rest.
const ServeImportBudget = 40 << 20

// DefaultMemoryLimit is serve's soft memory limit when --memory-limit is not given: the Go memory in
// use once the read model is built (base, in bytes) plus the larger of ServeImportBudget and base
// itself. Without a limit the collector lets the heap grow to twice what is live, so an import
// holding 30 MiB took the server's heap to 60–75 MiB; with it, a city server (base ≈ 16 MiB) keeps
// its Go memory near 56 MiB. At national scale (base ≈ 180 MiB) the limit is twice base, what Go's
// default allows at rest, so the collector works no harder there than it did, and only an upload's
// short peak is kept from doubling. It is a soft limit: past it the collector runs more often (at
// most about half the CPU), nothing is refused. serve adds what the page cache holds to base as the
// cache fills, and ConnectionAllowance for each open connection (followMemoryLimit, servingHeld).
func DefaultMemoryLimit(base int64) int64 {
	return base + max(ServeImportBudget, base)
}

// goMemoryInUse is the memory the Go runtime holds from the system and has not returned: what a
// soft memory limit is measured against.
func goMemoryInUse() int64 {
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64() - s[1].Value.Uint64())
}

// applyMemoryLimit sets a soft memory limit in MiB unless it is 0 or the GOMEMLIMIT environment
// variable already sets one. A province-scale ledger import stays under 64 MiB of process memory
// with a 32 MiB limit (see docs/ledger.md).
func applyMemoryLimit(mib int) {
	if mib <= 0 || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(int64(mib) << 20)
}

// defaultMemoryLimitApplies reports whether serve sets its own limit: neither --memory-limit nor
// GOMEMLIMIT gives one (GOMEMLIMIT=off runs with none).
func defaultMemoryLimitApplies(flagMiB int) bool {
	return flagMiB <= 0 && os.Getenv("GOMEMLIMIT") == ""
}

// followMemoryLimit keeps the default limit at DefaultMemoryLimit(base + held()) while ctx lasts,
// checking every period: held is memory kept at rest beyond base (the page cache, up to 64 MiB),
// so that a full cache raises the limit instead of leaving the collector no room above it.
func followMemoryLimit(ctx context.Context, base int64, held func() int64, period time.Duration) {
	t := time.NewTicker(period)
	defer t.Stop()
	last := DefaultMemoryLimit(base)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if limit := DefaultMemoryLimit(base + held()); limit != last {
			debug.SetMemoryLimit(limit)
			last = limit
		}
	}
}

// ConnectionAllowance is what serve's default soft memory limit adds for each open connection: a
// request's working memory (its worker's stack, the page being rendered, buffers). Two hundred readers
// on keep-alive connections kept some 15 MiB more live than the caches; with a limit only the import
// budget above the caches the collector ran 18 times a second under make load-pg, doubled the servers'
// CPU and made the reads' p99 five times longer. One upload on an idle server adds next to nothing,
// so a ledger import still has the budget and no more.
const ConnectionAllowance = 256 << 10

// servingHeld is what serve's limit follows above base: what the server holds (the page cache and
// the read model's kept progress) and ConnectionAllowance for each connection open now.
func servingHeld(held func() int64, connections func() int) func() int64 {
	return func() int64 { return held() + int64(connections())*ConnectionAllowance }
}
