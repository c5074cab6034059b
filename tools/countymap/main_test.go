package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ruralkpi/models"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func qujingUnits() []models.Unit {
	return []models.Unit{
		{Code: "530302", Name: "麒麟区", Level: "county"},
		{Code: "530304", Name: "马龙区", Level: "county"},
		{Code: "530371", Name: "曲靖经济技术开发区", Level: "county"},
	}
}

// fixTwoCounties fixes the two-county fixture against the Qujing units.
func fixTwoCounties(t *testing.T) fixedMap {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "two-counties.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := fixCountyMap(src, qujingUnits())
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestFixCountyMapGolden(t *testing.T) {
	got := fixTwoCounties(t)
	golden := filepath.Join("testdata", "two-counties.golden.json")
	if *update {
		if err := os.WriteFile(golden, got.geoJSON, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.geoJSON, want) {
		t.Errorf("output differs from %s (run with -update after checking):\n%s", golden, got.geoJSON)
	}
	if len(got.renamed) != 1 || !strings.Contains(got.renamed[0], "马龙县 (530321) → 马龙区 (530304)") {
		t.Errorf("renamed = %q, want the one 马龙县 → 马龙区 rename", got.renamed)
	}
	if len(got.withoutOutline) != 1 || got.withoutOutline[0].Code != "530371" {
		t.Errorf("withoutOutline = %v, want only the development zone", got.withoutOutline)
	}
}

func TestFixCountyMapProperties(t *testing.T) {
	got := fixTwoCounties(t)
	var fc featureCollection
	if err := json.Unmarshal(got.geoJSON, &fc); err != nil {
		t.Fatal(err)
	}
	wantNames := map[string]string{"530302": "麒麟区", "530304": "马龙区"}
	for _, f := range fc.Features {
		if wantNames[f.ID] != f.Properties.Name || f.Properties.Code != f.ID {
			t.Errorf("feature id %s: name %q code %q, want name %q and code = id", f.ID, f.Properties.Name, f.Properties.Code, wantNames[f.ID])
		}
	}
	var ring [][][2]float64
	if err := json.Unmarshal(fc.Features[0].Geometry.Coordinates, &ring); err != nil {
		t.Fatal(err)
	}
	if len(ring[0]) != 4 {
		t.Errorf("麒麟区 ring has %d points after dropping repeats, want 4: %v", len(ring[0]), ring[0])
	}
}

func TestFixCountyMapRefuses(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		wantErr string
	}{
		{"not JSON", `{"type":`, "decode GeoJSON"},
		{"no features", `{"type":"FeatureCollection","features":[]}`, "with 0 features"},
		{"unknown county", `{"type":"FeatureCollection","features":[{"type":"Feature","id":"1","properties":{"name":"昆明市"},"geometry":{"type":"Polygon","coordinates":[]}}]}`,
			`"昆明市" matches no unit`},
		{"two outlines for one unit", `{"type":"FeatureCollection","features":[
			{"type":"Feature","id":"1","properties":{"name":"马龙县"},"geometry":{"type":"Polygon","coordinates":[]}},
			{"type":"Feature","id":"2","properties":{"name":"马龙区"},"geometry":{"type":"Polygon","coordinates":[]}}]}`,
			"both match 马龙区"},
		{"point geometry", `{"type":"FeatureCollection","features":[{"type":"Feature","id":"1","properties":{"name":"麒麟区"},"geometry":{"type":"Point","coordinates":[1,2]}}]}`,
			`"Point" is not a Polygon`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := fixCountyMap([]byte(tt.src), qujingUnits())
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestStem(t *testing.T) {
	tests := []struct{ in, want string }{
		{"马龙县", "马龙"},
		{"马龙区", "马龙"},
		{"宣威市", "宣威"},
		{"寻甸回族彝族自治县", "寻甸回族彝族"},
		{"区", "区"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := stem(tt.in); got != tt.want {
				t.Errorf("stem(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
