//go:build unix

package importers

import (
	"syscall"
	"time"
)

// processCPU is the CPU time the test process has used so far: benchmarks report it per operation
// because wall time on a shared, loaded machine says more about the neighbours than about the code.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
