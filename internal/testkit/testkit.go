// Package testkit holds the helpers the tests of several packages share, so that each exists once:
// the shipped plan, the process's CPU time for benchmarks, workbooks and upload forms built in
// memory, and finding what a test needs on the machine (a tool, root for a small disk) — skipping
// where it is missing and failing instead in CI. Only tests and the load tool import it; it imports
// no database code (store's own tests use it too), and teststore builds on it for the stores tests open.
package testkit

import (
	"bytes"
	"testing"
	"unicode"

	"ruralkpi/models"
	"ruralkpi/plans"
)

// Plan loads the plan the application ships with (plans.Default); the worked examples use its real
// targets. It fails the test when the plan does not load.
func Plan(tb testing.TB) *models.Plan {
	tb.Helper()
	b, err := plans.Default()
	if err != nil {
		tb.Fatal(err)
	}
	p, err := models.LoadPlan(bytes.NewReader(b))
	if err != nil {
		tb.Fatalf("testkit: default plan: %v", err)
	}
	return p
}

// HasChinese reports whether a message is written for a clerk: it holds Chinese text.
func HasChinese(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
