package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ruralkpi/models"
	"ruralkpi/store"
)

// A database seeded with its own plan is opened with that plan by every command (serve included)
// unless --plan says otherwise; other databases get the embedded plan.
func TestCommandsUseTheStoredPlan(t *testing.T) {
	dir := t.TempDir()
	national := filepath.Join(dir, "national.db")
	p, allocs, villages, err := models.SyntheticCountry(2, 3, 7)
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(national)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SeedSynthetic(p, allocs, villages, func(string) {}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	embedded, err := loadPlan("")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, db, plan, want string
	}{
		{"the stored plan", national, "", p.Code},
		{"a new database", filepath.Join(dir, "new.db"), "", embedded.Code},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := planFor(tt.db, tt.plan)
			if err != nil {
				t.Fatal(err)
			}
			if got.Code != tt.want {
				t.Errorf("plan %q, want %q", got.Code, tt.want)
			}
		})
	}
	plan, store, err := openPlanStore(national, "", existingDB)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if len(plan.ReportingUnits()) != 7 {
		t.Errorf("openPlanStore: %d reporting units, want the stored plan's 7", len(plan.ReportingUnits()))
	}
	if code, _, errOut := run(t, "", "seed", "--synthetic", "national", "--db", national); code != 1 || !strings.Contains(errOut, "exists") {
		t.Errorf("seeding over an existing file: exit %d %q, want a refusal", code, errOut)
	}
	if code, _, _ := run(t, "", "seed", "--db", filepath.Join(dir, "x.db")); code != 2 {
		t.Errorf("seed without --synthetic: exit %d, want 2", code)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.db")); err == nil {
		t.Error("a refused seed created a file")
	}
}
