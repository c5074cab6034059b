package handlers

import (
	"encoding/json"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
	"ruralkpi/importers/returns"
	"ruralkpi/models"
)

// historyVersion is one version with the warnings flagged on it and its changes to the one before.
type historyVersion struct {
	Version                  models.ReturnVersion
	SourceLabel, StatusLabel string
	// StatusColor is the review state's status colour; Uploader and Reviewer name people by their
	// display names (the API keeps the user names in Version).
	StatusColor, Uploader, Reviewer string
	// UploadedAt is the upload time in China Standard Time, as the board and the audit trail show it.
	UploadedAt string
	Warnings   []models.Problem
	Changes    []models.ReturnChange
}

// historyData is the version history of one unit's return for one month, newest first.
type historyData struct {
	County, CountyName, Period string
	Versions                   []historyVersion
	// FileLinks links each uploaded version's original file; leaders may not download files.
	FileLinks bool
}

// returnHistory reads the versions of a return; a county user sees only its own unit's.
func (s *Server) returnHistory(who actor, county, period string) (historyData, error) {
	if who.Unit != "" && county != who.Unit {
		return historyData{}, models.Errorf(models.EForbidden, "只能查看本单位的月报。")
	}
	if _, ok := s.Plan.Unit(county); !ok {
		return historyData{}, models.Errorf(models.EInvalid, "单位代码“%s”不存在。", county)
	}
	if _, err := models.ParsePeriod(period); err != nil {
		return historyData{}, models.Errorf(models.EInvalid, "月份“%s”不是 YYYY-MM 的格式。", period)
	}
	versions, err := s.Store.ReturnHistory(county, period)
	if err != nil {
		return historyData{}, err
	}
	names, err := s.displayNames()
	if err != nil {
		return historyData{}, err
	}
	h := historyData{County: county, CountyName: s.Plan.UnitName(county), Period: period, FileLinks: true}
	var prev models.ReturnVersion
	for _, v := range versions {
		hv := historyVersion{Version: v, UploadedAt: localTime(v.UploadedAt), SourceLabel: models.VersionSource(v.Source).Label(), StatusLabel: models.ReviewStatus(v.Status).Label(),
			StatusColor: dashboards.ReviewColor(v.Status), Uploader: dashboards.ShownName(names, v.UploadedBy), Reviewer: dashboards.ShownName(names, v.ReviewedBy), Changes: returns.Diff(s.Plan, prev.Values, prev.Milestones, v.Values, v.Milestones)}
		if v.Warnings != "" {
			_ = json.Unmarshal([]byte(v.Warnings), &hv.Warnings) // a malformed list shows as none
		}
		h.Versions = append([]historyVersion{hv}, h.Versions...)
		prev = v
	}
	return h, nil
}

// returnsHistoryPage shows who uploaded what and when for a unit and month, and what each version changed.
func (s *Server) returnsHistoryPage(c *fiber.Ctx) error {
	h, err := s.requestedHistory(c)
	if err != nil {
		return err
	}
	if u := currentUser(c); u != nil && u.Role == models.RoleLeader {
		h.FileLinks = false
	}
	return s.render(c, "returns_history.html", "returns", h.CountyName+" "+h.Period+" 月报版本", h)
}

// requestedHistory is the history of the ?county= and ?period= of a request, as its reader may see it.
func (s *Server) requestedHistory(c *fiber.Ctx) (historyData, error) {
	who, err := s.historyReader(c)
	if err != nil {
		return historyData{}, err
	}
	return s.returnHistory(who, c.Query("county"), c.Query("period"))
}

// historyReader is who reads a version history: leaders read every unit's, like the office; a
// county user only its own.
func (s *Server) historyReader(c *fiber.Ctx) (actor, error) {
	if u := currentUser(c); u != nil && u.Role == models.RoleLeader {
		return actor{Name: u.Username}, nil
	}
	return s.actingUser(c)
}
