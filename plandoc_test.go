package main

import (
	"encoding/json"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestPlanDocMatchesPlanFile keeps docs/plan.md, the reading of the plan, true to the plan file:
// every indicator is there, and each target row holds the file's yearly targets.
func TestPlanDocMatchesPlanFile(t *testing.T) {
	raw, err := os.ReadFile("plans/qujing-2023-2025.json")
	if err != nil {
		t.Fatal(err)
	}
	var plan struct {
		Indicators []struct {
			Code string `json:"code"`
		} `json:"indicators"`
		Targets []struct {
			Indicator string  `json:"indicator"`
			Year      int     `json:"year"`
			Value     float64 `json:"value"`
		} `json:"targets"`
	}
	if err := json.Unmarshal(raw, &plan); err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("docs/plan.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, ind := range plan.Indicators {
		if !strings.Contains(string(doc), "`"+ind.Code+"`") {
			t.Errorf("docs/plan.md does not mention %s", ind.Code)
		}
	}
	targets := map[string]map[int]float64{}
	for _, tg := range plan.Targets {
		if targets[tg.Indicator] == nil {
			targets[tg.Indicator] = map[int]float64{}
		}
		targets[tg.Indicator][tg.Year] = tg.Value
	}
	// A year without a target in the plan file reads "—".
	row := regexp.MustCompile("(?m)^\\| `([a-z0-9_]+)` \\|[^|]*\\|[^|]*\\|[^|]*\\| ([0-9.]+|—) \\| ([0-9.]+|—) \\| ([0-9.]+|—) \\|")
	rows := row.FindAllStringSubmatch(string(doc), -1)
	seen := map[string]bool{}
	for _, m := range rows {
		seen[m[1]] = true
		for i, year := range []int{2023, 2024, 2025} {
			want, ok := targets[m[1]][year]
			if m[2+i] == "—" {
				if ok {
					t.Errorf("docs/plan.md: %s %d is —, the plan file says %v", m[1], year, want)
				}
				continue
			}
			v, _ := strconv.ParseFloat(m[2+i], 64)
			if !ok || want != v {
				t.Errorf("docs/plan.md: %s %d is %v, the plan file says %v", m[1], year, v, want)
			}
		}
	}
	for code := range targets {
		if !seen[code] {
			t.Errorf("docs/plan.md has no target row for %s", code)
		}
	}
}
