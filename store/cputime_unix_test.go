//go:build unix

package store

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time the test process has used: benchmarks report it per operation beside the
// wall time, which on a shared machine measures the neighbours as much as the code.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
