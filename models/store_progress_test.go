package models_test

import (
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"ruralkpi/models"
)

func demoStore(tb testing.TB) (*models.Store, *models.Plan) {
	tb.Helper()
	p := loadPlan(tb)
	st, err := models.Open(filepath.Join(tb.TempDir(), "demo.db"))
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

func sortDataset(ds *models.Dataset) {
	sort.Slice(ds.Observations, func(i, j int) bool {
		a, b := ds.Observations[i], ds.Observations[j]
		if a.VersionID != b.VersionID {
			return a.VersionID < b.VersionID
		}
		return a.Indicator < b.Indicator
	})
	sort.Slice(ds.Milestones, func(i, j int) bool {
		a, b := ds.Milestones[i], ds.Milestones[j]
		if a.VersionID != b.VersionID {
			return a.VersionID < b.VersionID
		}
		return a.Indicator < b.Indicator
	})
}

// TestProgressDatasetMatchesDataset holds the fast loader to the reference one, on the demo data,
// including a second version of a return (only the newest counts) and a month cut-off.
func TestProgressDatasetMatchesDataset(t *testing.T) {
	st, _ := demoStore(t)
	if _, err := st.SaveVersion(models.NewVersion{UnitCode: "530302", Period: "2024-06", Source: models.SourceOffice,
		Values: []models.ReturnValue{{Indicator: "service_points", Value: 1}}}); err != nil {
		t.Fatal(err)
	}
	for _, upTo := range []string{"2024-06", "2025-12"} {
		want, err := st.Dataset(upTo)
		if err != nil {
			t.Fatal(err)
		}
		got, err := st.ProgressDataset(upTo)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Observations) == 0 || len(got.Milestones) == 0 {
			t.Fatalf("%s: empty dataset", upTo)
		}
		sortDataset(&want)
		sortDataset(&got)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: ProgressDataset differs from Dataset (%d/%d observations, %d/%d milestones)", upTo,
				len(got.Observations), len(want.Observations), len(got.Milestones), len(want.Milestones))
		}
	}
	units, err := st.VersionsOfUnit("530302")
	if err != nil {
		t.Fatal(err)
	}
	if len(units) == 0 || units[0].Period != "2025-12" {
		t.Fatalf("versions of 530302 start with %+v", units[0])
	}
	for i, v := range units {
		if v.UnitCode != "530302" || i > 0 && (v.Period > units[i-1].Period || v.Period == units[i-1].Period && v.Number > units[i-1].Number) {
			t.Errorf("version %d out of order or of another unit: %+v", i, v)
		}
	}
}

func BenchmarkLoadDataset(b *testing.B) {
	st, p := demoStore(b)
	b.Run("Dataset", func(b *testing.B) {
		for b.Loop() {
			if _, err := st.Dataset(p.EndPeriod); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ProgressDataset", func(b *testing.B) {
		for b.Loop() {
			if _, err := st.ProgressDataset(p.EndPeriod); err != nil {
				b.Fatal(err)
			}
		}
	})
}
