//go:build !unix

package store

import "time"

// cpuTime is not measured off Unix; benchmarks then report 0 CPU time.
func cpuTime() time.Duration { return 0 }
