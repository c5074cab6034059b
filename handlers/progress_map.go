package handlers

import (
	"io/fs"
	"log/slog"

	"ruralkpi/dashboards"
	"ruralkpi/static"
)

// loadMapFeatures reads which units the embedded county map has outlines for, so that the overview
// shows the others (曲靖经开区) beside the map. Without map data (assets not fetched) it returns nil and
// the overview lists every unit beside the map.
func loadMapFeatures(log *slog.Logger) map[string]bool {
	geo, err := fs.ReadFile(static.Files(), "maps/"+dashboards.MapName+".json")
	if err != nil {
		log.Warn("county map outlines missing; run make assets", "err", err)
		return nil
	}
	names, err := dashboards.MapFeatureNames(geo)
	if err != nil {
		log.Warn("county map outlines unreadable", "err", err)
		return nil
	}
	return names
}
