package models

import (
	"encoding/json"
	"fmt"
)

// LedgerFigures are the indicators derived from a unit's newest ledger snapshot of a month.
type LedgerFigures struct {
	Unit       string
	Period     Period
	Indicators map[string]float64
	// SnapshotID and Number name the snapshot; Approved says the office approved it.
	SnapshotID uint
	Number     int
	Approved   bool
}

// ApplyLedgerFigures makes the progress figures follow the office's choice of source: for each unit
// and month with a ledger snapshot, every ledger indicator takes the counted figure of CompareLedger
// (the ledger by default, the return where the office chose it, the other source when the chosen
// one has no figure). A figure counted from the ledger has the snapshot as its source and is approved
// only when the office approved the snapshot, whatever the review of the return it replaces; a
// figure the return still gives keeps its return version.
func ApplyLedgerFigures(obs []Observation, figures []LedgerFigures, choice map[string]LedgerSource) []Observation {
	if len(figures) == 0 {
		return obs
	}
	type unitMonth struct {
		unit string
		at   int
	}
	byMonth := make(map[unitMonth]LedgerFigures, len(figures))
	for _, f := range figures {
		byMonth[unitMonth{f.Unit, f.Period.Index()}] = f
	}
	// Reported figures of the months that have a ledger, and where they sit in obs.
	reported := map[unitMonth]map[string]float64{}
	where := map[unitMonth]map[string]int{}
	for i, o := range obs {
		k := unitMonth{o.Unit, o.Period.Index()}
		if _, ok := byMonth[k]; !ok {
			continue
		}
		if reported[k] == nil {
			reported[k], where[k] = map[string]float64{}, map[string]int{}
		}
		reported[k][o.Indicator], where[k][o.Indicator] = o.Value, i
	}
	for _, f := range figures {
		k := unitMonth{f.Unit, f.Period.Index()}
		for _, cmp := range CompareLedger(f.Indicators, reported[k], choice) {
			if cmp.Source != LedgerSourceLedger {
				continue // the return's figure counts, under the return's review
			}
			i, ok := where[k][cmp.Indicator]
			if !ok {
				obs = append(obs, Observation{Unit: f.Unit, Period: f.Period, Indicator: cmp.Indicator})
				i = len(obs) - 1
			}
			obs[i].Value, obs[i].VersionID, obs[i].Version, obs[i].SnapshotID, obs[i].Approved = cmp.Counted, 0, f.Number, f.SnapshotID, f.Approved
		}
	}
	return obs
}

// LedgerFiguresOf is a snapshot's stored row as figures: its derived indicators, the snapshot and
// its review (approved only when the office approved it).
func LedgerFiguresOf(unit, period string, id uint, number int, status, indicators string) (LedgerFigures, error) {
	per, err := ParsePeriod(period)
	if err != nil {
		return LedgerFigures{}, fmt.Errorf("models: ledger snapshot month: %w", err)
	}
	f := LedgerFigures{Unit: unit, Period: per, SnapshotID: id, Number: number, Approved: status == StatusApproved,
		Indicators: map[string]float64{}}
	if indicators != "" {
		if err := json.Unmarshal([]byte(indicators), &f.Indicators); err != nil {
			return LedgerFigures{}, fmt.Errorf("models: ledger snapshot indicators of %s %s: %w", unit, period, err)
		}
	}
	return f, nil
}
