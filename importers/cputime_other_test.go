//go:build !unix

package importers

import "time"

// processCPU is not measured outside Unix; the benchmarks then report 0 CPU.
func processCPU() time.Duration { return 0 }
