package models

import "testing"

// TestDemoCorrectionNoteSitsOnTheCorrectedFigure: 会泽县's second 2025-06 version explains the
// outbound-parcels correction beside that figure, not beside the hub-park count.
func TestDemoCorrectionNoteSitsOnTheCorrectedFigure(t *testing.T) {
	p := loadDefaultPlan(t)
	data, err := GenerateDemo(p, 2023)
	if err != nil {
		t.Fatal(err)
	}
	notes := map[string]string{}
	for _, v := range data.Versions {
		if v.UnitCode == "530326" && v.Period == "2025-06" && v.Status != StatusReturned {
			for _, x := range v.Values {
				if x.Note != "" {
					notes[x.Indicator] = x.Note
				}
			}
		}
	}
	if len(notes) != 1 || notes["outbound_parcels"] == "" {
		t.Errorf("notes on the corrected version = %v, want one on outbound_parcels", notes)
	}
}
