package cli

import "testing"

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
