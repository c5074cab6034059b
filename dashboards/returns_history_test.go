package dashboards

import (
	"strconv"
	"strings"
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

// TestHistoryListsWhatEachVersionChanged: a month uploaded many times reads as what each upload
// changed — a first version lists every figure it reported, a later one the figures that differ
// (a changed note counts) and the number left as they were; the API's full comparison stays whole.
func TestHistoryListsWhatEachVersionChanged(t *testing.T) {
	p := testkit.Plan(t)
	versions := []models.ReturnVersion{{ID: 7, Number: 1}, {ID: 9, Number: 2}, {ID: 12, Number: 3}}
	diff := func(older, newer models.ReturnVersion) []models.ReturnChange {
		switch newer.Number {
		case 1:
			return []models.ReturnChange{{Indicator: "a", Kind: models.ReturnChangeAdded}, {Indicator: "b", Kind: models.ReturnChangeAdded}}
		case 2:
			return []models.ReturnChange{{Indicator: "a", Kind: models.ReturnChangeChanged}, {Indicator: "b", Kind: models.ReturnChangeSame},
				{Indicator: "c", Kind: models.ReturnChangeSame, NoteChanged: true}, {Indicator: "d", Kind: models.ReturnChangeRemoved}}
		}
		return []models.ReturnChange{{Indicator: "a", Kind: models.ReturnChangeSame}, {Indicator: "b", Kind: models.ReturnChangeSame}}
	}
	page := NewHistoryPage(p, "530302", "2024-06", versions, nil, diff, true)
	tests := []struct {
		name      string
		v         HistoryVersion
		wantShown string
		wantSame  int
	}{
		{"first lists all", page.Versions[2], "a b", 0},
		{"later lists what differs", page.Versions[1], "a c d", 1},
		{"nothing changed", page.Versions[0], "", 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var shown []string
			for _, ch := range tc.v.Shown {
				shown = append(shown, ch.Indicator)
			}
			if got := strings.Join(shown, " "); got != tc.wantShown || tc.v.Same != tc.wantSame {
				t.Errorf("shown %q and %d same, want %q and %d", got, tc.v.Same, tc.wantShown, tc.wantSame)
			}
			if len(tc.v.Changes) != len(tc.v.Shown)+tc.v.Same {
				t.Errorf("the full comparison has %d lines, want every one kept", len(tc.v.Changes))
			}
		})
	}
}
