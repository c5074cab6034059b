package store

import (
	"testing"
	"time"

	"ruralkpi/models"
)

// day turns a date into a ledger date.
func day(s string) models.LedgerDate {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return models.LedgerDateOf(t)
}

// The demo's special units (models/demo_asof.go).
const (
	demoReturnedUnit = "530325"
	demoLateUnit     = "530324"
)

// demoStore is a fresh database holding the shipped plan and the demo data.
func demoStore(tb testing.TB) (*Store, *models.Plan) {
	tb.Helper()
	s, p := openTestStore(tb)
	if err := s.SeedDemo(p); err != nil {
		tb.Fatal(err)
	}
	return s, p
}
