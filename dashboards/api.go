package dashboards

import (
	"math"

	"ruralkpi/models"
)

// ProgressItem is one progress value as GET /api/v1/progress returns it. Figures that are not known
// (no target, no data, nothing expected yet) are null.
type ProgressItem struct {
	Indicator      string   `json:"indicator"`
	County         string   `json:"county"` // "" for the city
	Period         string   `json:"period"`
	Target         *float64 `json:"target"`
	Expected       *float64 `json:"expected"`
	Actual         *float64 `json:"actual"`
	Ratio          *float64 `json:"ratio"`
	Status         string   `json:"status"`
	Forecast       *float64 `json:"forecast"`
	NeededPerMonth *float64 `json:"needed_per_month"`
	// Schedule is the milestone state (done, under_construction, on_schedule, at_risk, overdue),
	// omitted otherwise.
	Schedule string `json:"schedule,omitempty"`
	// GreyReason says why a grey item is grey (no_target, no_figure, not_started, not_applicable,
	// office_only, year_end); omitted for judged items.
	GreyReason string `json:"grey_reason,omitempty"`
	// Judged is how the indicator is judged, from the plan file: linear, year_end or milestone.
	Judged string `json:"judged"`
	// VersionIDs are the return versions the actual came from; AllApproved whether all are approved.
	VersionIDs []uint `json:"version_ids"`
	// LedgerSnapshotIDs are the ledger snapshots the actual came from (the office counts the ledger);
	// AllApproved covers them too: a snapshot the office has not approved is not approved.
	LedgerSnapshotIDs []uint `json:"ledger_snapshot_ids"`
	AllApproved       bool   `json:"all_approved"`
}

// ProgressResponse is the body of GET /api/v1/progress.
type ProgressResponse struct {
	Period string         `json:"period"`
	Items  []ProgressItem `json:"items"`
}

func num(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	r := math.Round(v*10000) / 10000
	return &r
}

// ProgressItems lists every indicator for the city and each unit directly below it (the counties),
// or, with a county code, for that unit only.
func ProgressItems(in Input, county string) (ProgressResponse, error) {
	p := in.Calc.Plan()
	var values []models.Progress
	if county == "" {
		values = in.Calc.All(in.Period)
	} else {
		if _, ok := p.Unit(county); !ok || county == p.Root.Code {
			return ProgressResponse{}, models.Errorf(models.ENotFound, "没有代码为 %q 的县（市、区）。", county)
		}
		values = in.Calc.ForScope(county, in.Period)
	}
	out := ProgressResponse{Period: in.Period.String(), Items: make([]ProgressItem, 0, len(values))}
	for _, pr := range values {
		item := ProgressItem{Indicator: pr.Indicator, County: pr.Scope, Period: pr.Period.String(), Status: string(pr.Status),
			Schedule: string(pr.Schedule), GreyReason: string(pr.GreyReason), Judged: string(pr.Judged), VersionIDs: []uint{}, LedgerSnapshotIDs: []uint{}, AllApproved: pr.AllApproved}
		if pr.Scope == p.Root.Code {
			item.County = ""
		}
		if pr.HasTarget {
			item.Target = num(pr.Target)
		}
		if pr.HasExpected {
			item.Expected = num(pr.Expected)
		}
		if pr.HasActual {
			item.Actual = num(pr.Actual)
		}
		if pr.HasRatio {
			item.Ratio = num(pr.Ratio)
		}
		if pr.HasForecast {
			item.Forecast = num(pr.Forecast)
		}
		if pr.ShowsNeeded() {
			item.NeededPerMonth = num(pr.NeededPerMonth)
		}
		for _, s := range pr.Sources {
			if s.SnapshotID != 0 {
				item.LedgerSnapshotIDs = append(item.LedgerSnapshotIDs, s.SnapshotID)
				continue
			}
			item.VersionIDs = append(item.VersionIDs, s.VersionID)
		}
		out.Items = append(out.Items, item)
	}
	return out, nil
}
