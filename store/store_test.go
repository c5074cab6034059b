package store

import (
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"ruralkpi/internal/testkit"
	"ruralkpi/models"
)

func openTestStore(t testing.TB) (*Store, *models.Plan) {
	t.Helper()
	p := testkit.Plan(t)
	s, err := Open(filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if err := s.SeedPlan(p); err != nil {
		t.Fatal(err)
	}
	return s, p
}

func TestSaveVersionNumbersAndDuplicates(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store, _ *models.Plan) {
		nv := models.NewVersion{UnitCode: "530302", Period: "2024-03", Source: models.SourceUpload, File: []byte("file one"),
			Values: []models.ReturnValue{{Indicator: "service_points", Value: 10}}}
		v1, err := s.SaveVersion(nv)
		if err != nil {
			t.Fatal(err)
		}
		if v1.Number != 1 || v1.Status != models.StatusSubmitted {
			t.Errorf("first version: %+v", v1)
		}
		if _, err := s.SaveVersion(nv); !errors.Is(err, models.ErrDuplicateFile) {
			t.Errorf("same file again: %v, want ErrDuplicateFile", err)
		}
		nv.File = []byte("file two")
		nv.Values = []models.ReturnValue{{Indicator: "service_points", Value: 12}}
		v2, err := s.SaveVersion(nv)
		if err != nil {
			t.Fatal(err)
		}
		if v2.Number != 2 {
			t.Errorf("second version number %d", v2.Number)
		}
		latest, err := s.LatestVersion("530302", "2024-03")
		if err != nil || latest.ID != v2.ID || latest.Values[0].Value != 12 {
			t.Errorf("latest: %+v %v", latest, err)
		}
		var files int64
		s.db.Model(&models.StoredFile{}).Count(&files)
		if files != 2 {
			t.Errorf("%d stored files, want 2", files)
		}
	})
}

func TestSaveVersionConcurrent(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store, _ *models.Plan) {
		const n = 8
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.SaveVersion(models.NewVersion{UnitCode: "530326", Period: "2025-01", Source: models.SourceUpload,
					File: []byte{byte(i)}, Values: []models.ReturnValue{{Indicator: "service_points", Value: float64(i)}}})
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
		var numbers []int
		s.db.Model(&models.ReturnVersion{}).Where("unit_code = ?", "530326").Order("number").Pluck("number", &numbers)
		if len(numbers) != n {
			t.Fatalf("%d versions stored, want %d", len(numbers), n)
		}
		for i, num := range numbers {
			if num != i+1 {
				t.Errorf("version numbers %v are not consecutive", numbers)
				break
			}
		}
	})
}

func TestSeedDemo(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store, p *models.Plan) {
		if err := s.SeedDemo(p); err != nil {
			t.Fatal(err)
		}
		demo, err := s.IsDemo()
		if err != nil || !demo {
			t.Fatalf("IsDemo = %v, %v", demo, err)
		}
		var versions int64
		s.db.Model(&models.ReturnVersion{}).Count(&versions)
		if versions < 200 {
			t.Errorf("only %d demo versions", versions)
		}
		// Seeding again changes nothing.
		if err := s.SeedDemo(p); err != nil {
			t.Fatal(err)
		}
		var again int64
		s.db.Model(&models.ReturnVersion{}).Count(&again)
		if again != versions {
			t.Errorf("second seed added versions: %d → %d", versions, again)
		}
		u, err := s.UserByName("county-530326")
		if err != nil || u.UnitCode != "530326" || !models.CheckPassword(u.PasswordHash, models.DemoPassword) {
			t.Errorf("demo county user: %+v %v", u, err)
		}
		ds, err := s.Dataset("2024-06")
		if err != nil {
			t.Fatal(err)
		}
		if len(ds.Observations) == 0 || len(ds.Allocations["service_points"][2024]) != 10 || ds.AdminVillages["530326"] != 280 {
			t.Errorf("dataset: %d observations, %d allocations, villages %v", len(ds.Observations), len(ds.Allocations["service_points"][2024]), ds.AdminVillages)
		}
		for _, o := range ds.Observations {
			if o.Period.String() > "2024-06" {
				t.Fatalf("observation after the month: %+v", o)
			}
		}
	})
}

// TestSeedDemoAgainAfterTryingIt: uploads made in the demo do not turn it into a real database that
// serve --demo then refuses.
func TestSeedDemoAgainAfterTryingIt(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store, p *models.Plan) {
		if err := s.SeedDemo(p); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SaveVersion(models.NewVersion{UnitCode: "530326", Period: "2025-12", Source: models.SourceUpload, File: []byte("tried"), UploadedBy: "county-530326"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateUser(p, models.NewUser{Username: "trial", Password: "correct horse", Role: models.RoleLeader}, testActor, time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := s.SeedDemo(p); err != nil {
			t.Errorf("SeedDemo on a demo database someone used: %v", err)
		}
	})
}

func TestSeedDemoRefusesRealData(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store, p *models.Plan) {
		if _, err := s.CreateUser(p, models.NewUser{Username: "admin", Password: "correct horse", Role: models.RoleOffice}, testActor, time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := s.SeedDemo(p); !errors.Is(err, models.ErrRealData) {
			t.Errorf("SeedDemo on real data: %v, want ErrRealData", err)
		}
	})
}

// TestLaterVersions: a correction is checked against the newest version of every later month.
func TestLaterVersions(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store, _ *models.Plan) {
		save := func(period string, v float64) {
			t.Helper()
			if _, err := s.SaveVersion(models.NewVersion{UnitCode: "530326", Period: period, Source: models.SourceUpload, Status: models.StatusSubmitted,
				UploadedAt: time.Now(), Values: []models.ReturnValue{{Indicator: "mfg_parks", Value: v}}}); err != nil {
				t.Fatal(err)
			}
		}
		save("2024-11", 1)
		save("2024-12", 0)
		save("2025-01", 2)
		save("2025-01", 1) // a second version: the newest counts
		got, err := s.LaterVersions("530326", "2024-11")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Period != "2024-12" || got[1].Period != "2025-01" || got[1].Values[0].Value != 1 {
			t.Errorf("later versions = %+v, want 2024-12 and the newest 2025-01", got)
		}
	})
}
