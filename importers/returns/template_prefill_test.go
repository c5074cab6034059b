package returns

import (
	"bytes"
	"testing"

	"ruralkpi/internal/testkit"
	"ruralkpi/models"
)

// TestTemplatePrefillsTheMonthsStoredVersion: the template of a month already filed carries that
// version's figures, notes and milestones, so uploading it unchanged gives the same return back, and
// a clerk correcting one figure does not blank the rest.
func TestTemplatePrefillsTheMonthsStoredVersion(t *testing.T) {
	p := testkit.Plan(t)
	in := testTemplateInput(p, testPeriod)
	in.Current = models.ReturnVersion{Number: 2, UnitCode: testUnit, Period: testPeriod,
		Values:     []models.ReturnValue{{Indicator: "service_points", Value: 118, Note: "含新建 6 个"}, {Indicator: "outbound_parcels", Value: 612.5, Note: "-5 件为退件（=更正）"}},
		Milestones: []models.MilestoneReport{{Indicator: "joint_distribution", State: models.MilestoneDone, DoneOn: "2023-11-20"}}}
	var buf bytes.Buffer
	if err := WriteTemplate(&buf, in); err != nil {
		t.Fatal(err)
	}
	res := parseBytes(t, buf.Bytes(), testReference(p))
	if !res.OK() {
		t.Fatalf("problems:\n%s", problemsText(res.Problems))
	}
	got := map[string]models.ReturnValue{}
	for _, v := range res.Return.Values {
		got[v.Indicator] = v
	}
	if len(got) != 2 || got["service_points"].Value != 118 || got["service_points"].Note != "含新建 6 个" || got["outbound_parcels"].Value != 612.5 ||
		got["outbound_parcels"].Note != "-5 件为退件（=更正）" { // written escaped (models.SafeCell), read back as typed
		t.Errorf("values read back = %+v", res.Return.Values)
	}
	if len(res.Return.Milestones) != 1 || res.Return.Milestones[0].State != models.MilestoneDone || res.Return.Milestones[0].DoneOn != "2023-11-20" {
		t.Errorf("milestones read back = %+v", res.Return.Milestones)
	}

	// A month not yet filed has empty input cells.
	f := makeTemplate(t, testTemplateInput(p, testPeriod))
	defer f.Close()
	if v, _ := f.GetCellValue(SheetMonthly, cellName(7, rowOf(t, f, SheetMonthly, "service_points"))); v != "" {
		t.Errorf("new month's service_points cell = %q, want empty", v)
	}
}
