package store

import (
	"math"
	"testing"

	"gorm.io/gorm"

	"ruralkpi/models"
)

// The synthetic country goes into the database whole: its plan comes back from it, its users can
// sign in, every return is stored, and roll-ups walk the four-level tree (a province is the sum of
// its cities, a city of its counties).
func TestSeedSyntheticCountry(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db string) {
		p, allocs, villages, err := models.SyntheticCountry(2, 5, 23)
		if err != nil {
			t.Fatal(err)
		}
		s, err := Open(db)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		if err := s.SeedSynthetic(p, allocs, villages, func(string) {}); err != nil {
			t.Fatal(err)
		}
		stored, ok, err := s.StoredPlan()
		if err != nil || !ok {
			t.Fatalf("stored plan: %v %v", ok, err)
		}
		if got := len(stored.ReportingUnits()); got != 23 || len(stored.Root.Children) != 2 || len(stored.Root.Children[0].Children) != 3 {
			t.Fatalf("stored plan has %d counties under %d provinces", got, len(stored.Root.Children))
		}
		var versions, values int64
		s.db.Model(&models.ReturnVersion{}).Count(&versions)
		s.db.Model(&models.ReturnValue{}).Count(&values)
		if versions != 23*36+36 || values != (23*22+2)*36 {
			t.Errorf("%d versions, %d figures; want %d and %d", versions, values, 23*36+36, (23*22+2)*36)
		}
		for _, name := range []string{"office", "leader"} {
			u, err := s.UserByName(name)
			if err != nil || !models.CheckPassword(u.PasswordHash, models.DemoPassword) {
				t.Errorf("user %s cannot sign in with the demo password: %v", name, err)
			}
		}
		if err := s.SeedSynthetic(p, allocs, villages, func(string) {}); models.ErrorCode(err) != models.EConflict {
			t.Errorf("seeding again: %v, want a conflict", err)
		}
		if err := s.StartReadModel(stored); err != nil {
			t.Fatal(err)
		}
		sameAsFreshBuild(t, s, stored)
		snap, _ := s.Progress(stored)
		period := models.MustPeriod("2024-06")
		for _, parent := range []models.Unit{stored.Root, stored.Root.Children[0], stored.Root.Children[1].Children[0]} {
			got := snap.Calc.Progress("stock_0", parent.Code, period)
			sum := 0.0
			for _, c := range parent.Children {
				sum += snap.Calc.Progress("stock_0", c.Code, period).Actual
			}
			if !got.HasActual || got.Actual != sum || !got.HasTarget {
				t.Errorf("%s (%s): actual %v (target known %v), its children sum to %v", parent.Code, parent.Level, got.Actual, got.HasTarget, sum)
			}
			var alloc float64
			for _, c := range parent.Children {
				alloc += snap.Calc.Progress("stock_0", c.Code, period).Target
			}
			if math.Abs(alloc-got.Target) > 1e-6 {
				t.Errorf("%s: children's allocations add up to %v, its own target is %v", parent.Code, alloc, got.Target)
			}
		}
	})
}

// TestSeedPlanWritesOnlyWhatDiffers: every command and server start seeds the plan, so seeding a
// database that already holds it must write nothing (a read-only command would otherwise take the
// writer's slot and rewrite thousands of rows at national scale), while a renamed unit or indicator
// is still refreshed and a target the office edited is still kept.
func TestSeedPlanWritesOnlyWhatDiffers(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store, p *models.Plan) {
		var writes []string
		count := func(kind string) func(*gorm.DB) {
			return func(tx *gorm.DB) { writes = append(writes, kind+" "+tx.Statement.Table) }
		}
		if err := s.db.Callback().Create().Before("gorm:create").Register("test:count_creates", count("create")); err != nil {
			t.Fatal(err)
		}
		if err := s.db.Callback().Update().Before("gorm:update").Register("test:count_updates", count("update")); err != nil {
			t.Fatal(err)
		}
		if err := s.SeedPlan(p); err != nil {
			t.Fatal(err)
		}
		if len(writes) != 0 {
			t.Fatalf("seeding a seeded database wrote %d rows: %v", len(writes), writes[:min(len(writes), 5)])
		}

		if err := s.db.Model(&models.UnitRecord{}).Where("code = ?", "530302").Update("name", "旧名").Error; err != nil {
			t.Fatal(err)
		}
		if err := s.db.Model(&models.TargetRecord{}).Where("indicator = ? AND year = ?", p.Targets[0].Indicator, p.Targets[0].Year).
			Update("value", p.Targets[0].Value+1).Error; err != nil {
			t.Fatal(err)
		}
		writes = nil
		if err := s.SeedPlan(p); err != nil {
			t.Fatal(err)
		}
		if len(writes) != 1 || writes[0] != "update unit_records" {
			t.Errorf("after a unit was renamed, seeding wrote %v; want the one unit", writes)
		}
		var unit models.UnitRecord
		var target models.TargetRecord
		s.db.First(&unit, "code = ?", "530302")
		s.db.First(&target, "indicator = ? AND year = ?", p.Targets[0].Indicator, p.Targets[0].Year)
		if unit.Name != p.UnitName("530302") {
			t.Errorf("unit name %q, want the plan's %q", unit.Name, p.UnitName("530302"))
		}
		if target.Value != p.Targets[0].Value+1 {
			t.Errorf("edited target %v was overwritten (plan %v)", target.Value, p.Targets[0].Value)
		}
	})
}
