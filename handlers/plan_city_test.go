package handlers

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
	"ruralkpi/store"
)

// otherCityApp serves testdata/yuxi-2024-2025.json, a small plan of another city (玉溪市, two
// counties) with demo data, with the root's level set to level.
func otherCityApp(t *testing.T, level string) *fiber.App {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "yuxi-2024-2025.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	plan, err := models.LoadPlan(f)
	if err != nil {
		t.Fatal(err)
	}
	plan.Root.Level = level
	st, err := store.Open(filepath.Join(t.TempDir(), "yuxi.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if err := st.SeedPlan(plan); err != nil {
		t.Fatal(err)
	}
	if err := st.SeedDemo(plan); err != nil {
		t.Fatal(err)
	}
	signInTestOffice(t, st)
	app, err := New(&Server{Plan: plan, Store: st, Config: Config{TempDir: t.TempDir()}})
	if err != nil {
		t.Fatal(err)
	}
	return app
}

// TestAnotherCitysPlanShowsItsOwnName: the city is data. The banner named 曲靖市 and the pages said
// 全市 whatever the plan file's root was; a second plan must show its own name and level with no code
// change.
func TestAnotherCitysPlanShowsItsOwnName(t *testing.T) {
	pages := []string{"/overview", "/plan", "/indicators/service_points", "/workstreams/goals", "/counties/530402",
		"/allocations", "/closeout", "/briefing"}
	tests := []struct {
		name, level, whole, notWhole string
	}{
		{"a city", "city", "全市", "全省"},
		{"the same tree read as a province", "province", "全省", "全市"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := otherCityApp(t, tt.level)
			for _, url := range pages {
				status, body := get(t, app, url)
				if status != 200 {
					t.Fatalf("GET %s: %d %s", url, status, truncate(body))
				}
				page := string(body)
				if !strings.Contains(page, "玉溪市农村快递三年行动监测") {
					t.Errorf("GET %s: the banner does not name 玉溪市", url)
				}
				if strings.Contains(page, "曲靖") {
					t.Errorf("GET %s names 曲靖 though the plan is 玉溪市's", url)
				}
				if strings.Contains(page, tt.notWhole) {
					t.Errorf("GET %s says %s for a %s plan", url, tt.notWhole, tt.level)
				}
			}
			for _, url := range []string{"/overview", "/indicators/service_points"} {
				if _, body := get(t, app, url); !strings.Contains(string(body), tt.whole) {
					t.Errorf("GET %s does not say %s", url, tt.whole)
				}
			}
		})
	}
}
