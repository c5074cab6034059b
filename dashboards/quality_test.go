package dashboards

import (
	"testing"

	"ruralkpi/internal/testkit"
	"ruralkpi/models"
)

// TestNewQualitySection lays out a return's flags: the rule's word, a link per compared figure (the
// return's history, or the ledger snapshot), and nothing at all when there is nothing to show.
func TestNewQualitySection(t *testing.T) {
	p := testkit.Plan(t)
	flag := models.QualityFlag{Key: "k1", Rule: string(models.FlagJump), Message: "跳变", Compared: []models.FigureRef{
		{Unit: "530302", Period: "2024-05", Indicator: "service_points", Value: 1200},
		{Unit: "530302", Period: "2024-06", Indicator: "service_points", Value: 1500.5, LedgerSnapshot: 9},
	}}
	ind, _ := p.Indicator("service_points")
	tests := []struct {
		name      string
		flags     []models.QualityFlag
		dismissed int
		wantNil   bool
		wantLinks []FlagLink
	}{
		{name: "nothing to show", wantNil: true},
		{name: "all dismissed", dismissed: 2},
		{name: "one flag", flags: []models.QualityFlag{flag}, wantLinks: []FlagLink{
			{Label: p.UnitName("530302") + " 2024-05 " + ind.Name + " 1,200", URL: "/returns/history?county=530302&period=2024-05"},
			{Label: p.UnitName("530302") + " 2024-06 网点台账 " + ind.Name + " 1,500.5", URL: "/ledger/530302?snapshot=9"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := NewQualitySection(p, tt.flags, tt.dismissed, true, "tok", "/review")
			if tt.wantNil {
				if q != nil {
					t.Fatalf("got %+v, want nil", q)
				}
				return
			}
			if q == nil || q.Dismissed != tt.dismissed || !q.Office || q.CSRF != "tok" || q.Back != "/review" || len(q.Flags) != len(tt.flags) {
				t.Fatalf("got %+v", q)
			}
			for _, f := range q.Flags {
				if f.RuleLabel != models.QualityRule(models.FlagJump).Label() || f.Key != "k1" || f.Message != "跳变" {
					t.Errorf("flag %+v", f)
				}
				if len(f.Links) != len(tt.wantLinks) {
					t.Fatalf("links %+v, want %+v", f.Links, tt.wantLinks)
				}
				for i := range f.Links {
					if f.Links[i] != tt.wantLinks[i] {
						t.Errorf("link %d: %+v, want %+v", i, f.Links[i], tt.wantLinks[i])
					}
				}
			}
		})
	}
}
