package reports

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"ruralkpi/models"
	"ruralkpi/plans"
	"ruralkpi/store"
)

// loadPlan reads the embedded Qujing plan.
func loadPlan(tb testing.TB) *models.Plan {
	tb.Helper()
	b, err := plans.Default()
	if err != nil {
		tb.Fatal(err)
	}
	p, err := models.LoadPlan(bytes.NewReader(b))
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// demoStore is a SQLite store in a temp dir holding the plan and the demo data.
func demoStore(tb testing.TB) (*store.Store, *models.Plan) {
	tb.Helper()
	p := loadPlan(tb)
	st, err := store.Open(filepath.Join(tb.TempDir(), "reports.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = st.Close() })
	if err := st.SeedPlan(p); err != nil {
		tb.Fatal(err)
	}
	if err := st.SeedDemo(p); err != nil {
		tb.Fatal(err)
	}
	return st, p
}

// afterPlanTime is a "now" long after every demo deadline.
func afterPlanTime() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }
