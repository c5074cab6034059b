//go:build !unix

package testkit

import "time"

// CPUTime is not measured off Unix; benchmarks then report 0 CPU time.
func CPUTime() time.Duration { return 0 }
