package dashboards

import (
	"encoding/json"
	"net/url"
	"slices"

	"ruralkpi/models"
)

// HistoryVersion is one version with the warnings flagged on it and its changes to the one before.
type HistoryVersion struct {
	Version                  models.ReturnVersion
	SourceLabel, StatusLabel string
	// StatusColor is the review state's status colour; Uploader and Reviewer name people by their
	// display names (the API keeps the user names in Version).
	StatusColor, Uploader, Reviewer string
	// UploadedAt is the upload time in China Standard Time, as the board and the audit trail show it.
	UploadedAt string
	Warnings   []models.Problem
	// Changes are every indicator compared with the version before (the API lists them all);
	// Shown are those the page lists — all of a first version, else those that differ — and Same
	// counts the rest, so a month uploaded many times reads as what each upload changed.
	Changes []models.ReturnChange
	Shown   []models.ReturnChange
	Same    int
}

// HistoryPage is the version history of one unit's return for one month, newest first.
type HistoryPage struct {
	County, CountyName, Period string
	Versions                   []HistoryVersion
	// FileLinks links each uploaded version's original file; leaders may not download files.
	FileLinks bool
}

// VersionDiff compares two versions of a return, the older first; a zero older version means there
// was none before. The returns importer's Diff is the one the handlers pass.
type VersionDiff func(older, newer models.ReturnVersion) []models.ReturnChange

// NewHistoryPage lays out the versions of a unit's return for a month (oldest first, as the store
// reads them) newest first, each compared with the one before it; names maps user names to display
// names. A malformed stored warning list shows as none.
func NewHistoryPage(p *models.Plan, county, period string, versions []models.ReturnVersion, names map[string]string, diff VersionDiff, fileLinks bool) HistoryPage {
	h := HistoryPage{County: county, CountyName: p.UnitName(county), Period: period, FileLinks: fileLinks}
	var prev models.ReturnVersion
	for i, v := range versions {
		hv := HistoryVersion{Version: v, UploadedAt: models.FormatLocalTime(v.UploadedAt),
			SourceLabel: models.VersionSource(v.Source).Label(), StatusLabel: models.ReviewStatus(v.Status).Label(),
			StatusColor: ReviewColor(v.Status), Uploader: ShownName(names, v.UploadedBy), Reviewer: ShownName(names, v.ReviewedBy),
			Changes: diff(prev, v)}
		hv.Shown, hv.Same = shownChanges(hv.Changes, i == 0)
		if v.Warnings != "" {
			_ = json.Unmarshal([]byte(v.Warnings), &hv.Warnings)
		}
		h.Versions = append(h.Versions, hv)
		prev = v
	}
	slices.Reverse(h.Versions)
	return h
}

// shownChanges are the lines of a comparison the page lists and the number left out as unchanged:
// a first version lists everything it reported.
func shownChanges(changes []models.ReturnChange, first bool) ([]models.ReturnChange, int) {
	if first {
		return changes, 0
	}
	var shown []models.ReturnChange
	for _, ch := range changes {
		if ch.Kind != models.ReturnChangeSame || ch.NoteChanged {
			shown = append(shown, ch)
		}
	}
	return shown, len(changes) - len(shown)
}

// historyURL is the address of a unit's versions of a month (/returns/history), where the unit page
// and the data-quality flags send the office to compare them.
func historyURL(unit, period string) string {
	return "/returns/history?" + url.Values{"county": {unit}, "period": {period}}.Encode()
}
