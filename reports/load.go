package reports

import (
	"fmt"
	"time"

	"ruralkpi/models"
	"ruralkpi/store"
)

// Load reads a report's input for the month from the store: the figures up to the month, the
// progress values, the returns received against the month's deadline (the office's, else the 5th
// of the next month) and the follow-ups not yet closed.
func Load(st *store.Store, p *models.Plan, period models.Period, now time.Time) (Input, error) {
	return load(st, p, period, now, SnapshotInput)
}

// LoadBriefing is Load for the briefing: its progress is BriefingInput's, read in place.
func LoadBriefing(st *store.Store, p *models.Plan, period models.Period, now time.Time) (Input, error) {
	return load(st, p, period, now, BriefingInput)
}

func load(st *store.Store, p *models.Plan, period models.Period, now time.Time, progress func(*models.ProgressSnapshot, models.Period, time.Time) Input) (Input, error) {
	// The same progress data as the pages' and the API's (the read model in a server), so that the
	// figures agree to the digit. It holds later months too; nothing about the month reads them.
	snap, err := st.Progress(p)
	if err != nil {
		return Input{}, fmt.Errorf("reports: %w", err)
	}
	deadline, err := st.Deadline(period)
	if err != nil {
		return Input{}, fmt.Errorf("reports: %w", err)
	}
	followUps, err := st.FollowUps("")
	if err != nil {
		return Input{}, fmt.Errorf("reports: %w", err)
	}
	in := progress(snap, period, now)
	in.Returns = ReturnsSubmitted(p, period, snap.Submissions, deadline, now)
	in.FollowUps = OpenFollowUps(followUps, now)
	return in, nil
}

// ResolvePeriod reads a YYYY-MM month inside the plan; empty means the newest month with returns,
// or the plan's first month when nothing has been reported.
func ResolvePeriod(st *store.Store, p *models.Plan, s string) (models.Period, error) {
	if s == "" {
		snap, err := st.Progress(p)
		if err != nil {
			return models.Period{}, fmt.Errorf("reports: %w", err)
		}
		if latest, ok := snap.LatestReturn(); ok && latest.String() > p.StartPeriod {
			return latest, nil
		}
		return models.ParsePeriod(p.StartPeriod)
	}
	period, err := models.ParsePeriod(s)
	if err != nil {
		return models.Period{}, models.Errorf(models.EInvalid, "月份 %q 格式不正确，应为“年-月”，例如 2024-06。", s)
	}
	if !p.ContainsPeriod(period.String()) {
		return models.Period{}, models.Errorf(models.EInvalid, "月份 %s 不在方案实施期（%s 至 %s）内。", s, p.StartPeriod, p.EndPeriod)
	}
	return period, nil
}

// OpenFollowUps keeps the follow-ups not yet closed (销号), marking those past their due day.
func OpenFollowUps(all []models.FollowUp, now time.Time) []FollowUpRow {
	var out []FollowUpRow
	for _, f := range all {
		if f.Status == models.FollowUpClosed {
			continue
		}
		out = append(out, FollowUpRow{Unit: f.UnitCode, Indicator: f.Indicator, Title: f.Title, Assignee: f.Assignee,
			DueDate: f.DueDate, Status: f.Status, Overdue: models.FollowUpOverdue(f, now)})
	}
	return out
}
