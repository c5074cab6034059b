package dashboards

import (
	"strconv"
	"strings"
	"testing"

	"ruralkpi/internal/testkit"
	"ruralkpi/models"
)

// TestNewUploadPage: the office chooses among every reporting unit and month; a county clerk gets
// its own unit only and no month before the unit starts reporting; an empty month asks for the default.
func TestNewUploadPage(t *testing.T) {
	p := testkit.Plan(t)
	unit := p.ReportingUnits()[len(p.ReportingUnits())-1].Code
	start := p.UnitStart(unit)
	periods := []string{"2099-01", start, "0001-01"}
	tests := []struct {
		name                                           string
		in                                             UploadChoice
		wantUnits, wantPeriods, wantCounty, wantPeriod string
		wantOffice                                     bool
	}{
		{"office", UploadChoice{Periods: periods, County: "530302", DefaultPeriod: "2024-01"},
			strconv.Itoa(len(p.ReportingUnits())), "2099-01 " + start + " 0001-01", "530302", "2024-01", true},
		{"clerk", UploadChoice{Periods: periods, UserUnit: unit, County: "530302", Period: "2099-01", DefaultPeriod: "2024-01"},
			"1", "2099-01 " + start, unit, "2099-01", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := NewUploadPage(p, tc.in)
			got := []string{strconv.Itoa(len(d.Units)), strings.Join(d.Periods, " "), d.County, d.Period, strconv.FormatBool(d.Office)}
			want := []string{tc.wantUnits, tc.wantPeriods, tc.wantCounty, tc.wantPeriod, strconv.FormatBool(tc.wantOffice)}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("field %d: got %q, want %q", i, got[i], want[i])
				}
			}
		})
	}
	if periods[2] != "0001-01" {
		t.Error("NewUploadPage cut the caller's month list")
	}
}

// TestNewPreview: each change of a previewed return is named in Chinese with the indicator's unit.
func TestNewPreview(t *testing.T) {
	p := testkit.Plan(t)
	ind := p.Indicators[0]
	tests := []struct {
		name, kind string
		note       bool
		want       string
	}{
		{"added", models.ReturnChangeAdded, false, "新增"},
		{"removed", models.ReturnChangeRemoved, false, "本次未填"},
		{"changed", models.ReturnChangeChanged, true, "有变化"},
		{"same", models.ReturnChangeSame, false, "无变化"},
		{"only the note", models.ReturnChangeSame, true, "备注有变化"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pv := NewPreview(p, PreviewInput{UnitCode: "530302", Period: "2024-06", PreviousNumber: 2,
				Changes: []models.ReturnChange{{Indicator: ind.Code, Name: ind.Name, Old: "1", New: "2", Kind: tc.kind, NoteChanged: tc.note}}})
			if len(pv.Rows) != 1 || pv.Rows[0].Kind != tc.want || pv.Rows[0].Unit != ind.Unit || pv.UnitName != p.UnitName("530302") || pv.PreviousNumber != 2 {
				t.Errorf("got %+v", pv)
			}
		})
	}
}
