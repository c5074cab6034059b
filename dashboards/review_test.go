package dashboards

import (
	"strconv"
	"testing"
	"time"

	"ruralkpi/internal/testkit"
	"ruralkpi/models"
)

// TestNewReviewPage builds the review page without a server: the office's queue holds every newest
// version waiting (also those not among the recent ones) and the recent list leaves them out; a
// county sees its own in the recent list; people by display name; later months' flags read.
func TestNewReviewPage(t *testing.T) {
	p := testkit.Plan(t)
	at := time.Date(2024, 8, 6, 2, 0, 0, 0, time.UTC)
	waiting := models.ReturnVersion{ID: 2, UnitCode: "530302", Period: "2024-07", Status: models.StatusSubmitted, UploadedBy: "county-530302", UploadedAt: at, Warnings: "w"}
	older := models.ReturnVersion{ID: 1, UnitCode: "530302", Period: "2024-07", Status: models.StatusReturned, ReviewedBy: "office"}
	notRecent := models.ReturnVersion{ID: 3, UnitCode: "530303", Period: "2024-01", Status: models.StatusSubmitted}
	in := ReviewInput{
		Recent:      []models.ReturnVersion{waiting, older},
		Waiting:     []models.ReturnVersion{waiting, notRecent},
		Submissions: map[string]map[string]models.Submission{"530302": {"2024-07": {LatestID: 2}}, "530303": {"2024-01": {LatestID: 3}}},
		Ledgers: models.LedgerReviewList{Pending: []models.LedgerSnapshot{{ID: 5, UnitCode: "530302", Period: "2024-07", Status: models.StatusSubmitted}},
			Recent: []models.LedgerSnapshot{{ID: 5, Status: models.StatusSubmitted}, {ID: 4, Status: models.StatusApproved}}, Newest: map[uint]bool{5: true}},
		Names:      map[string]string{"office": "工作专班办公室", "county-530302": "麒麟区填报员"},
		LaterFlags: func(w string) []string { return []string{"later:" + w} },
	}
	in.Office = true
	office := NewReviewPage(p, in)
	in.Office = false
	county := NewReviewPage(p, in)
	tests := []struct{ name, got, want string }{
		{"office queue", strconv.Itoa(len(office.Pending)), "2"},
		{"queue holds the one beyond the recent", strconv.FormatUint(uint64(office.Pending[1].ID), 10), "3"},
		{"office recent leaves the queue out", strconv.Itoa(len(office.Recent)), "1"},
		{"county has no queue", strconv.Itoa(len(county.Pending)), "0"},
		{"county sees both in recent", strconv.Itoa(len(county.Recent)), "2"},
		{"uploader by display name", office.Pending[0].UploadedBy, "麒麟区填报员"},
		{"reviewer by display name", office.Recent[0].ReviewedBy, "工作专班办公室"},
		{"superseded version is not latest", strconv.FormatBool(office.Recent[0].Latest), "false"},
		{"status in the review's words", office.Recent[0].StatusLabel, "已退回"},
		{"month named", office.Pending[0].PeriodLabel, "2024年7月"},
		{"upload time in China", office.Pending[0].Uploaded, "2024-08-06 10:00"},
		{"later months' flags", office.Pending[0].LaterFlags[0], "later:w"},
		{"ledger queue", strconv.Itoa(len(office.LedgerPending)), "1"},
		{"office's ledger recent leaves the queue out", strconv.Itoa(len(office.LedgerRecent)), "1"},
		{"county's ledger recent keeps it", strconv.Itoa(len(county.LedgerRecent)), "2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
			}
		})
	}
}
