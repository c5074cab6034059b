package returns

import (
	"testing"

	"ruralkpi/internal/testkit"
	"ruralkpi/models"
)

func TestRoundTrip(t *testing.T) {
	p := testkit.Plan(t)
	res := parseBytes(t, filledTemplate(t, p, testPeriod, goodFilling()), testReference(p))
	if !res.OK() {
		t.Fatalf("problems:\n%s", problemsText(res.Problems))
	}
	if res.Return.UnitCode != testUnit || res.Return.Period != testPeriod || res.Return.TemplateVersion != TemplateVersion {
		t.Errorf("header = %s %s %s", res.Return.UnitCode, res.Return.Period, res.Return.TemplateVersion)
	}
	got := map[string]float64{}
	for _, v := range res.Return.Values {
		got[v.Indicator] = v.Value
	}
	if len(got) != len(goodValues) {
		t.Errorf("got %d values, want %d: %v", len(got), len(goodValues), got)
	}
	for code, want := range goodValues {
		var w float64
		switch x := want.(type) {
		case int:
			w = float64(x)
		case float64:
			w = x
		}
		if got[code] != w {
			t.Errorf("%s = %v, want %v", code, got[code], w)
		}
	}
	if res.Return.Values[0].Indicator != "hub_parks" {
		t.Errorf("values not in plan order: first is %s", res.Return.Values[0].Indicator)
	}
	wantMs := map[string]models.MilestoneReport{
		"joint_distribution":  {Indicator: "joint_distribution", State: models.MilestoneDone, DoneOn: "2023-11-20"},
		"third_party_company": {Indicator: "third_party_company", State: models.MilestoneInProgress, Note: "选址中"},
	}
	if len(res.Return.Milestones) != len(wantMs) {
		t.Fatalf("milestones = %+v", res.Return.Milestones)
	}
	for _, m := range res.Return.Milestones {
		if m != wantMs[m.Indicator] {
			t.Errorf("milestone %+v, want %+v", m, wantMs[m.Indicator])
		}
	}
	for _, v := range res.Return.Values {
		if v.Indicator == "service_points" && v.Note != "含新建 6 个" {
			t.Errorf("note = %q", v.Note)
		}
	}
}
