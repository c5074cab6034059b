package dashboards

import (
	"strconv"
	"testing"
	"time"

	"ruralkpi/internal/testkit"
	"ruralkpi/models"
)

// TestNewLedgerPage builds the ledger browser and the unit page's ledger section without a server:
// indicators named, the office's sources marked, pages counted, mismatches counted, the upload
// form for the unit's own clerk and the office only.
func TestNewLedgerPage(t *testing.T) {
	p := testkit.Plan(t)
	ind := p.Indicators[0]
	unit, _ := p.Unit("530302")
	cmps := []models.LedgerComparison{{Indicator: ind.Code, Mismatch: true}, {Indicator: "no_such"}}
	sources := map[string]models.LedgerSource{ind.Code: models.LedgerSourceReturn}
	b := models.LedgerBrowse{Page: models.LedgerPointPage{Total: 101}, Comparison: cmps, Sources: sources}
	clerk := &models.User{Role: models.RoleCounty, UnitCode: "530302"}
	other := &models.User{Role: models.RoleCounty, UnitCode: "530303"}
	office := &models.User{Role: models.RoleOffice}
	section := NewCountyLedger(p, models.LedgerSnapshot{ID: 7}, cmps, sources, true)
	tests := []struct {
		name, got, want string
	}{
		{"pages of 50", strconv.Itoa(NewLedgerPage(p, unit, b, models.LedgerPointQuery{}, LedgerFilters{}, clerk, nil, "").Pages), "3"},
		{"no points no pages", strconv.Itoa(NewLedgerPage(p, unit, models.LedgerBrowse{}, models.LedgerPointQuery{}, LedgerFilters{}, clerk, nil, "").Pages), "0"},
		{"indicator named", NewLedgerPage(p, unit, b, models.LedgerPointQuery{}, LedgerFilters{}, clerk, nil, "").Comparison[0].Name, ind.Name},
		{"unknown indicator as its code", section.Rows[1].Name, "no_such"},
		{"office's source marked", strconv.FormatBool(section.Rows[0].ByReturn), "true"},
		{"ledger source unmarked", strconv.FormatBool(section.Rows[1].ByReturn), "false"},
		{"mismatches counted", strconv.Itoa(section.Mismatches), "1"},
		{"own clerk uploads", strconv.FormatBool(NewLedgerPage(p, unit, b, models.LedgerPointQuery{}, LedgerFilters{}, clerk, nil, "").CanUpload), "true"},
		{"other county's clerk does not", strconv.FormatBool(NewLedgerPage(p, unit, b, models.LedgerPointQuery{}, LedgerFilters{}, other, nil, "").CanUpload), "false"},
		{"nobody signed in does not", strconv.FormatBool(NewLedgerPage(p, unit, b, models.LedgerPointQuery{}, LedgerFilters{}, nil, nil, "").CanUpload), "false"},
		{"office edits", strconv.FormatBool(NewLedgerPage(p, unit, b, models.LedgerPointQuery{}, LedgerFilters{}, office, nil, "").Office), "true"},
		{"filters echoed", NewLedgerPage(p, unit, b, models.LedgerPointQuery{}, LedgerFilters{Fused: "1"}, office, nil, "").Fused, "1"},
		{"uploaded in China time", NewLedgerPage(p, unit, models.LedgerBrowse{Snapshot: models.LedgerSnapshot{UploadedAt: time.Date(2024, 7, 3, 2, 0, 0, 0, time.UTC)}},
			models.LedgerPointQuery{}, LedgerFilters{}, office, nil, "").Uploaded, "2024-07-03 10:00"},
		{"three point states", strconv.Itoa(len(NewLedgerPage(p, unit, b, models.LedgerPointQuery{}, LedgerFilters{}, office, nil, "").Statuses)), "3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
			}
		})
	}
}
