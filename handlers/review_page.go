package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
	"ruralkpi/importers/returns"
	"ruralkpi/models"
)

type reviewRow struct {
	models.ReturnVersion
	UnitName, StatusLabel, PeriodLabel, Color, Uploaded string
	Latest                                              bool
	// LaterFlags are the warnings that this correction makes later months' to-date figures fall.
	LaterFlags []string
	// Quality holds the data-quality flags of a version waiting for review.
	Quality *qualityData
}

type reviewPageData struct {
	Office  bool
	Pending []reviewRow
	Recent  []reviewRow
	// LedgerPending and LedgerRecent are the ledger snapshots, reviewed like versions.
	LedgerPending []ledgerReviewRow
	LedgerRecent  []ledgerReviewRow
}

// reviewPage shows the office the versions and ledger snapshots waiting for review and recent
// decisions; a county user sees its own unit's with the office's decisions and reasons.
func (s *Server) reviewPage(c *fiber.Ctx) error {
	u := currentUser(c)
	data := reviewPageData{Office: u.Role == models.RoleOffice}
	filter := models.VersionFilter{Limit: 100}
	if !data.Office {
		filter.UnitCode = u.UnitCode
	}
	recent, err := s.Store.Versions(filter)
	if err != nil {
		return err
	}
	subs, err := s.Store.Submissions()
	if err != nil {
		return err
	}
	for _, v := range recent {
		row := s.reviewRow(v, subs[v.UnitCode][v.Period].LatestID == v.ID)
		if data.Office && row.Latest && v.Status == models.StatusSubmitted {
			data.Pending = append(data.Pending, row)
			continue
		}
		data.Recent = append(data.Recent, row)
	}
	if data.Office {
		// The queue must hold every pending version, not only those among the newest hundred.
		data.Pending = data.Pending[:0]
		pending, err := s.Store.Versions(models.VersionFilter{Status: models.StatusSubmitted})
		if err != nil {
			return err
		}
		for _, v := range pending {
			if subs[v.UnitCode][v.Period].LatestID == v.ID {
				row := s.reviewRow(v, true)
				if row.Quality, err = s.qualityOfLatest(c, v.UnitCode, v.Period); err != nil {
					return err
				}
				data.Pending = append(data.Pending, row)
			}
		}
	}
	if err := s.addLedgerReviews(&data, filter.UnitCode); err != nil {
		return err
	}
	if err := s.reviewerNames(&data); err != nil {
		return err
	}
	return s.render(c, "review.html", "review", "月报审核", data)
}

func (s *Server) reviewRow(v models.ReturnVersion, latest bool) reviewRow {
	row := reviewRow{ReturnVersion: v, UnitName: v.UnitCode, StatusLabel: models.ReviewStatus(v.Status).Label(), PeriodLabel: v.Period, Latest: latest,
		Color: dashboards.ReviewColor(v.Status)}
	row.Uploaded = localTime(v.UploadedAt)
	row.LaterFlags = returns.LaterMonthsFlags(v.Warnings)
	if unit, ok := s.Plan.Unit(v.UnitCode); ok {
		row.UnitName = unit.Name
	}
	if p, err := models.ParsePeriod(v.Period); err == nil {
		row.PeriodLabel = p.Label()
	}
	return row
}

// displayNames maps user names to display names (office → 工作专班办公室); a user without a
// display name is not in it. Pages show people by these names, never by their user names.
func (s *Server) displayNames() (map[string]string, error) {
	users, err := s.Store.Users()
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(users))
	for _, u := range users {
		if u.DisplayName != "" {
			names[u.Username] = u.DisplayName
		}
	}
	return names, nil
}

// shownName is a user's display name from names, or the user name when there is none.
func shownName(names map[string]string, user string) string {
	if n, ok := names[user]; ok {
		return n
	}
	return user
}

// reviewerNames shows reviewers and uploaders by their display names (工作专班办公室, 会泽县填报员), not
// their user names.
func (s *Server) reviewerNames(data *reviewPageData) error {
	names, err := s.displayNames()
	if err != nil {
		return err
	}
	for _, rows := range [][]reviewRow{data.Pending, data.Recent} {
		for i := range rows {
			rows[i].ReviewedBy = shownName(names, rows[i].ReviewedBy)
			rows[i].UploadedBy = shownName(names, rows[i].UploadedBy)
		}
	}
	for _, rows := range [][]ledgerReviewRow{data.LedgerPending, data.LedgerRecent} {
		for i := range rows {
			rows[i].ReviewedBy = shownName(names, rows[i].ReviewedBy)
			rows[i].UploadedBy = shownName(names, rows[i].UploadedBy)
		}
	}
	return nil
}
