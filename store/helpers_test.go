package store

import (
	"bytes"
	"testing"
	"time"

	"ruralkpi/models"
	"ruralkpi/plans"
)

// loadDefaultPlan loads the plan the application ships with.
func loadDefaultPlan(t testing.TB) *models.Plan {
	t.Helper()
	b, err := plans.Default()
	if err != nil {
		t.Fatal(err)
	}
	p, err := models.LoadPlan(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("default plan: %v", err)
	}
	return p
}

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
