package handlers

import (
	"encoding/json"
	"testing"

	"ruralkpi/dashboards"
	"ruralkpi/models"
)

// servicePoints reads one county's service points for 2024-06 from the progress API.
func servicePoints(t *testing.T, get func(url string) (int, []byte)) float64 {
	t.Helper()
	status, body := get("/api/v1/progress?period=2024-06&county=530302")
	if status != 200 {
		t.Fatalf("status %d: %s", status, body)
	}
	var got dashboards.ProgressResponse
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	for _, it := range got.Items {
		if it.Indicator == models.IndServicePoints && it.Actual != nil {
			return *it.Actual
		}
	}
	t.Fatalf("no service points in %s", body)
	return 0
}

// Pages and the API compute from the read model, not from the figures in the database: a figure
// changed behind the store's back does not show, a write through the store does at once.
func TestProgressComesFromTheReadModel(t *testing.T) {
	app, s := newTestApp(t, true)
	fetch := func(url string) (int, []byte) { return get(t, app, url) }
	before := servicePoints(t, fetch)
	if _, err := rawSQL(t, s.Store).Exec(`UPDATE return_values SET value = value + 1000 WHERE indicator = ? AND version_id IN
		(SELECT id FROM return_versions WHERE unit_code = '530302' AND period = '2024-06')`, models.IndServicePoints); err != nil {
		t.Fatal(err)
	}
	if got := servicePoints(t, fetch); got != before {
		t.Fatalf("a request read the figures from the database: %v, read model has %v", got, before)
	}
	if _, err := s.Store.SaveVersion(models.NewVersion{UnitCode: "530302", Period: "2024-06", Source: models.SourceUpload,
		File: []byte("new"), Values: []models.ReturnValue{{Indicator: models.IndServicePoints, Value: 4242}}}); err != nil {
		t.Fatal(err)
	}
	if got := servicePoints(t, fetch); got != 4242 {
		t.Fatalf("after a write through the store: %v, want 4242", got)
	}
}
