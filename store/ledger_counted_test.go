package store

import (
	"testing"
	"time"

	"ruralkpi/models"
)

func TestApplyLedgerFigures(t *testing.T) {
	jun := models.MustPeriod("2024-06")
	may := models.MustPeriod("2024-05")
	returns := func() []models.Observation {
		return []models.Observation{
			{Unit: "530302", Period: jun, Indicator: models.IndServicePoints, Value: 40, VersionID: 7, Version: 2, Approved: true},
			{Unit: "530302", Period: jun, Indicator: "village_coverage", Value: 0.9, VersionID: 7, Version: 2, Approved: true},
			{Unit: "530302", Period: may, Indicator: models.IndServicePoints, Value: 38, VersionID: 6, Version: 1},
			{Unit: "530303", Period: jun, Indicator: models.IndServicePoints, Value: 20, VersionID: 8, Version: 1},
		}
	}
	ledger := []models.LedgerFigures{{Unit: "530302", Period: jun, Indicators: map[string]float64{models.IndServicePoints: 42, models.IndFusedPoints: 5}, SnapshotID: 11, Number: 3}}
	approvedLedger := []models.LedgerFigures{ledger[0]}
	approvedLedger[0].Approved = true
	fromLedger := func(approved bool) []models.Observation {
		o := returns()
		o[0].Value, o[0].VersionID, o[0].Version, o[0].SnapshotID, o[0].Approved = 42, 0, 3, 11, approved
		return append(o, models.Observation{Unit: "530302", Period: jun, Indicator: models.IndFusedPoints, Value: 5, Version: 3, SnapshotID: 11, Approved: approved})
	}
	tests := []struct {
		name    string
		figures []models.LedgerFigures
		choice  map[string]models.LedgerSource
		want    []models.Observation
	}{
		{"no ledger: the returns as they are", nil, nil, returns()},
		// The return was approved, the snapshot not: what the ledger gives is not approved.
		{"default: the ledger counts with the snapshot's review, not the return's", ledger, nil, fromLedger(false)},
		{"an approved snapshot's figures are approved", approvedLedger, nil, fromLedger(true)},
		{"the office chose the return: the return counts, the ledger fills what the return lacks", ledger,
			map[string]models.LedgerSource{models.IndServicePoints: models.LedgerSourceReturn, models.IndFusedPoints: models.LedgerSourceReturn},
			append(returns(), models.Observation{Unit: "530302", Period: jun, Indicator: models.IndFusedPoints, Value: 5, Version: 3, SnapshotID: 11})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := models.ApplyLedgerFigures(returns(), tc.figures, tc.choice)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d observations %+v, want %d", len(got), got, len(tc.want))
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("observation %d: %+v, want %+v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestDatasetCountsLedger(t *testing.T) {
	forEachEmptyDB(t, func(t *testing.T, s *Store) {
		if _, err := s.SaveVersion(models.NewVersion{UnitCode: "530302", Period: "2024-06", Source: models.SourceUpload,
			Values: []models.ReturnValue{{Indicator: models.IndServicePoints, Value: 40}}}); err != nil {
			t.Fatal(err)
		}
		for _, ns := range []NewLedgerSnapshot{
			{UnitCode: "530302", Period: "2024-06", Indicators: `{"service_points": 41}`, Points: ledgerTestPoints(1)},
			{UnitCode: "530302", Period: "2024-06", Indicators: `{"service_points": 42}`, Points: ledgerTestPoints(1)}, // newest version counts
			{UnitCode: "530302", Period: "2024-08", Indicators: `{"service_points": 50}`, Points: ledgerTestPoints(1)}, // after upTo
		} {
			if _, err := s.SaveLedgerSnapshot(ns); err != nil {
				t.Fatal(err)
			}
		}
		servicePoints := func(ds models.Dataset) []float64 {
			var out []float64
			for _, o := range ds.Observations {
				if o.Indicator == models.IndServicePoints {
					out = append(out, o.Value)
				}
			}
			return out
		}
		tests := []struct {
			name   string
			source models.LedgerSource
			want   float64
		}{
			{"ledger by default", "", 42},
			{"return when chosen", models.LedgerSourceReturn, 40},
			{"ledger again", models.LedgerSourceLedger, 42},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				if tc.source != "" {
					if err := s.SetLedgerSource(models.IndServicePoints, tc.source, testActor, time.Now()); err != nil {
						t.Fatal(err)
					}
				}
				for name, load := range map[string]func(string) (models.Dataset, error){"Dataset": s.Dataset, "GORM reference": func(upTo string) (models.Dataset, error) { return gormDataset(s, upTo) }} {
					ds, err := load("2024-07")
					if err != nil {
						t.Fatal(err)
					}
					if got := servicePoints(ds); len(got) != 1 || got[0] != tc.want {
						t.Errorf("%s: service points %v, want [%v]", name, got, tc.want)
					}
				}
			})
		}
	})
}
