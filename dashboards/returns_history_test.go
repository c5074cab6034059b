package dashboards

import (
	"strconv"
	"testing"
	"time"

	"ruralkpi/internal/testkit"
	"ruralkpi/models"
)

// TestNewHistoryPage builds a version history without a server: newest first, each version compared
// with the one before it (the first with none), people by display name, times in China Standard
// Time, stored warnings read back and a malformed list shown as none.
func TestNewHistoryPage(t *testing.T) {
	p := testkit.Plan(t)
	at := time.Date(2024, 7, 2, 16, 30, 0, 0, time.UTC) // 00:30 on 3 July in China
	versions := []models.ReturnVersion{
		{Number: 1, UploadedBy: "county-530302", UploadedAt: at, Status: models.StatusReturned, Source: models.SourceUpload, ReviewedBy: "office",
			Warnings: `[{"sheet":"月报","cell":"H7","indicator":"service_points","message":"偏高"}]`},
		{Number: 2, UploadedBy: "nobody-named", UploadedAt: at.Add(time.Hour), Warnings: "not json"},
	}
	var compared []string
	diff := func(older, newer models.ReturnVersion) []models.ReturnChange {
		compared = append(compared, strconv.Itoa(older.Number)+">"+strconv.Itoa(newer.Number))
		return []models.ReturnChange{{Indicator: "x", Kind: models.ReturnChangeAdded}}
	}
	page := NewHistoryPage(p, "530302", "2024-06", versions, map[string]string{"county-530302": "麒麟区填报员", "office": "工作专班办公室"}, diff, false)
	if len(page.Versions) != 2 {
		t.Fatalf("%d versions, want 2", len(page.Versions))
	}
	newest, first := page.Versions[0], page.Versions[1]
	tests := []struct {
		name, got, want string
	}{
		{"unit named", page.CountyName, p.UnitName("530302")},
		{"newest first", strconv.Itoa(newest.Version.Number), "2"},
		{"each compared with the one before", strconv.Quote(compared[0] + " " + compared[1]), strconv.Quote("0>1 1>2")},
		{"changes kept", first.Changes[0].Kind, models.ReturnChangeAdded},
		{"uploader by display name", first.Uploader, "麒麟区填报员"},
		{"unknown uploader by user name", newest.Uploader, "nobody-named"},
		{"reviewer by display name", first.Reviewer, "工作专班办公室"},
		{"time in China", first.UploadedAt, "2024-07-03 00:30"},
		{"status label", first.StatusLabel, models.ReviewStatus(models.StatusReturned).Label()},
		{"status colour", first.StatusColor, ReviewColor(models.StatusReturned)},
		{"source label", first.SourceLabel, models.VersionSource(models.SourceUpload).Label()},
		{"warning read back", first.Warnings[0].String(), "月报!H7 [service_points] 偏高"},
		{"malformed warnings as none", strconv.Itoa(len(newest.Warnings)), "0"},
		{"file links as asked", strconv.FormatBool(page.FileLinks), "false"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %q, want %q", tc.got, tc.want)
			}
		})
	}
}
