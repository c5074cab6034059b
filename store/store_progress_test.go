package store

import (
	"fmt"
	"reflect"
	"ruralkpi/internal/testkit"
	"sort"
	"testing"
	"time"

	"ruralkpi/models"
)

func sortDataset(ds *models.Dataset) {
	sort.Slice(ds.Observations, func(i, j int) bool {
		a, b := ds.Observations[i], ds.Observations[j]
		if a.VersionID != b.VersionID {
			return a.VersionID < b.VersionID
		}
		if a.SnapshotID != b.SnapshotID { // ledger figures carry no version: their snapshot orders them
			return a.SnapshotID < b.SnapshotID
		}
		return a.Indicator < b.Indicator
	})
	sort.Slice(ds.Milestones, func(i, j int) bool {
		a, b := ds.Milestones[i], ds.Milestones[j]
		if a.VersionID != b.VersionID {
			return a.VersionID < b.VersionID
		}
		if a.Indicator != b.Indicator {
			return a.Indicator < b.Indicator
		}
		return a.Unit < b.Unit // the office ticks one task for many units in one version
	})
}

// gormDataset is the reference reading of Dataset: the newest versions through LatestVersions and
// their figures through GORM, as the store read them before the hand-scanned queries.
func gormDataset(s *Store, upTo string) (models.Dataset, error) {
	ds, err := s.referenceFigures()
	if err != nil {
		return ds, err
	}
	versions, err := s.LatestVersions(upTo)
	if err != nil {
		return ds, err
	}
	byID := make(map[uint]models.ReturnVersion, len(versions))
	ids := make([]uint, 0, len(versions))
	for _, v := range versions {
		byID[v.ID] = v
		ids = append(ids, v.ID)
	}
	const chunk = 500
	for start := 0; start < len(ids); start += chunk {
		end := min(start+chunk, len(ids))
		var values []models.ReturnValue
		if err := s.db.Where("version_id IN ?", ids[start:end]).Find(&values).Error; err != nil {
			return ds, fmt.Errorf("store: read values: %w", err)
		}
		for _, val := range values {
			v := byID[val.VersionID]
			p, err := models.ParsePeriod(v.Period)
			if err != nil {
				return ds, err
			}
			ds.Observations = append(ds.Observations, models.Observation{Unit: v.UnitCode, Period: p, Indicator: val.Indicator,
				Value: val.Value, VersionID: v.ID, Version: v.Number, Approved: v.Status == models.StatusApproved})
		}
		var ms []models.MilestoneReport
		if err := s.db.Where("version_id IN ?", ids[start:end]).Find(&ms).Error; err != nil {
			return ds, fmt.Errorf("store: read milestones: %w", err)
		}
		for _, m := range ms {
			v := byID[m.VersionID]
			p, err := models.ParsePeriod(v.Period)
			if err != nil {
				return ds, err
			}
			obs := models.MilestoneObservation{Unit: v.UnitCode, Period: p, Indicator: m.Indicator,
				State: m.State, DoneOn: m.DoneOn, VersionID: v.ID, Approved: v.Status == models.StatusApproved}
			if m.Unit != "" {
				obs.Unit, obs.Ticked = m.Unit, true // the office's tick of a unit's task
			}
			ds.Milestones = append(ds.Milestones, obs)
		}
	}
	// Where a unit keeps a ledger, its point indicators follow the office's choice of source.
	if err := s.applyLedgerFigures(&ds, upTo); err != nil {
		return ds, err
	}
	return ds, nil
}

// TestDatasetMatchesTheGORMReading holds the hand-scanned loader to the reference reading, on the
// demo data, including a second version of a return (only the newest counts) and a month cut-off.
func TestDatasetMatchesTheGORMReading(t *testing.T) {
	forEachDB(t, func(t *testing.T, st *Store, p *models.Plan) {
		if err := st.SeedDemo(p); err != nil {
			t.Fatal(err)
		}
		if _, err := st.SaveVersion(models.NewVersion{UnitCode: "530302", Period: "2024-06", Source: models.SourceOffice,
			Values: []models.ReturnValue{{Indicator: "service_points", Value: 1}}}); err != nil {
			t.Fatal(err)
		}
		for _, upTo := range []string{"2024-06", "2025-12"} {
			want, err := gormDataset(st, upTo)
			if err != nil {
				t.Fatal(err)
			}
			got, err := st.Dataset(upTo)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Observations) == 0 || len(got.Milestones) == 0 {
				t.Fatalf("%s: empty dataset", upTo)
			}
			ticks := 0
			for _, m := range got.Milestones {
				if m.Ticked && m.Unit != "530300" {
					ticks++
				}
			}
			if ticks == 0 {
				t.Errorf("%s: the office's ticks of the counties' 工作专班 are not the counties'", upTo)
			}
			sortDataset(&want)
			sortDataset(&got)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: Dataset differs from the GORM reading (%d/%d observations, %d/%d milestones)", upTo,
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
	})
}

func BenchmarkLoadDataset(b *testing.B) {
	st, p := demoStore(b)
	for _, load := range []struct {
		name string
		read func(string) (models.Dataset, error)
	}{{"Dataset", st.Dataset}, {"GORM reference", func(upTo string) (models.Dataset, error) { return gormDataset(st, upTo) }}} {
		b.Run(load.name, func(b *testing.B) {
			cpuStart := testkit.CPUTime()
			for b.Loop() {
				if _, err := load.read(p.EndPeriod); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(testkit.CPUTime()-cpuStart)/float64(b.N), "cpu-ns/op")
		})
	}
}

func TestSetTolerance(t *testing.T) {
	forEachDB(t, func(t *testing.T, st *Store, p *models.Plan) {
		if err := st.SeedDemo(p); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name      string
			indicator string
			value     float64
			code      string
		}{
			{"office_sets_95_percent", "service_points", 0.95, ""},
			{"above_one", "service_points", 1.5, models.EInvalid},
			{"negative", "service_points", -0.1, models.EInvalid},
			{"unknown_indicator", "nope", 0.9, models.ENotFound},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if _, err := st.SetTolerance(tt.indicator, tt.value, models.Actor{Username: "office"}, time.Now()); models.ErrorCode(err) != tt.code {
					t.Fatalf("err = %v, want code %q", err, tt.code)
				}
			})
		}
		ds, err := st.Dataset(p.EndPeriod)
		if err != nil {
			t.Fatal(err)
		}
		if ds.Tolerances["service_points"] != 0.95 {
			t.Errorf("tolerances = %v, want service_points at 0.95", ds.Tolerances)
		}
		c := models.NewProgressCalculator(p, ds, models.ProgressOptions{})
		if got := c.Tolerance("service_points"); got != 0.95 {
			t.Errorf("calculator tolerance = %v", got)
		}
		previous, err := st.SetTolerance("service_points", 0, models.Actor{Username: "office"}, time.Now())
		if err != nil || previous != 0.95 {
			t.Fatalf("reset: previous %v, err %v; want 0.95", previous, err)
		}
		if ds, _ = st.Dataset(p.EndPeriod); len(ds.Tolerances) != 0 {
			t.Errorf("after reset, tolerances = %v", ds.Tolerances)
		}
	})
}
