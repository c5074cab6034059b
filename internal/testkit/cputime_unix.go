//go:build unix

package testkit

import (
	"syscall"
	"time"
)

// CPUTime is the CPU time the test process has used so far: benchmarks report it per operation
// beside the wall time, which on a shared, loaded machine measures the neighbours as much as the code.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
