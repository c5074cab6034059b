package reports

import (
	"testing"

	"ruralkpi/models"
)

// TestSourcesAndRemarkFollowTheLedgerReview: the workbook names a figure counted from a ledger as
// the snapshot, with the snapshot's review, and notes unreviewed data.
func TestSourcesAndRemarkFollowTheLedgerReview(t *testing.T) {
	march := models.MustPeriod("2024-03")
	tests := []struct {
		name          string
		src           models.SourceRef
		all           bool
		sources, note string
	}{
		{"unreviewed ledger", models.SourceRef{Unit: "530304", Period: march, Version: 1, SnapshotID: 9}, false, "2024年3月网点台账第1版（待审核）", "含待审核数据"},
		{"approved ledger", models.SourceRef{Unit: "530304", Period: march, Version: 2, SnapshotID: 10, Approved: true}, true, "2024年3月网点台账第2版（已通过）", ""},
		{"approved return", models.SourceRef{Unit: "530304", Period: march, Version: 1, VersionID: 4, Approved: true}, true, "2024年3月第1版（已通过）", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pr := models.Progress{HasActual: true, Sources: []models.SourceRef{tc.src}, AllApproved: tc.all}
			if got := sources(pr); got != tc.sources {
				t.Errorf("sources = %q, want %q", got, tc.sources)
			}
			if got := remark(pr); got != tc.note {
				t.Errorf("remark = %q, want %q", got, tc.note)
			}
		})
	}
}
