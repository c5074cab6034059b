package dashboards

import (
	"encoding/json"
	"fmt"
)

// MapFeatureNames reads the area names of a GeoJSON feature collection (the county map's outlines),
// so that the overview knows which units have an outline and which must be shown beside the map.
func MapFeatureNames(geoJSON []byte) (map[string]bool, error) {
	var fc struct {
		Features []struct {
			Properties struct {
				Name string `json:"name"`
			} `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(geoJSON, &fc); err != nil {
		return nil, fmt.Errorf("dashboards: read map outlines: %w", err)
	}
	names := make(map[string]bool, len(fc.Features))
	for _, f := range fc.Features {
		if f.Properties.Name != "" {
			names[f.Properties.Name] = true
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("dashboards: read map outlines: no named areas")
	}
	return names, nil
}
