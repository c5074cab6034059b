package handlers

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"ruralkpi/models"
)

// TestReturnDryRunAnswersSnakeCase: the dry run's values and milestones use the API's snake_case
// names like every other answer (they were Go field names: ID, VersionID, Indicator, Value, Note).
func TestReturnDryRunAnswersSnakeCase(t *testing.T) {
	app, _ := returnsApp(t)
	file := filledReturn(t, app, map[string]any{"service_points": 118, "outbound_parcels": 612.5})
	status, body := postFile(t, app, "/api/v1/returns?dry_run=1", "r.xlsx", file, nil)
	if status != 200 {
		t.Fatalf("dry run: %d %s", status, body)
	}
	var out struct {
		Values     []map[string]any `json:"values"`
		Milestones []map[string]any `json:"milestones"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Values) == 0 || out.Milestones == nil {
		t.Fatalf("want values and a milestone list: %s", body)
	}
	check := func(what string, item map[string]any, want string) {
		keys := make([]string, 0, len(item))
		for k := range item {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if got := strings.Join(keys, ","); got != want {
			t.Errorf("%s keys %s, want %s", what, got, want)
		}
	}
	check("value", out.Values[0], "indicator,note,value")
	// The month has no milestone rows for this unit; the milestone form is checked directly.
	b, err := json.Marshal(toMilestonesJSON([]models.MilestoneReport{{ID: 3, VersionID: 2, Indicator: "joint_distribution", State: "done", DoneOn: "2024-05-20"}}))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &out.Milestones); err != nil {
		t.Fatal(err)
	}
	check("milestone", out.Milestones[0], "done_on,indicator,note,state")
	found := false
	for _, v := range out.Values {
		if v["indicator"] == "service_points" && v["value"] == 118.0 {
			found = true
		}
	}
	if !found {
		t.Errorf("service_points 118 not in %s", body)
	}
}
