package reports

import (
	"fmt"
	"time"

	"ruralkpi/models"
)

// Load reads a report's input for the month from the store: the figures up to the month, the
// progress values, and the returns received against the default deadline. Follow-ups are left to
// the caller (FollowUps, FollowUpsEnabled) until that feature's store is part of the build.
func Load(st *models.Store, p *models.Plan, period models.Period, now time.Time) (Input, error) {
	// The same reading of the store as the progress API's, so that the figures agree to the digit.
	ds, err := st.ProgressDataset(period.String())
	if err != nil {
		return Input{}, fmt.Errorf("reports: %w", err)
	}
	versions, err := st.PeriodVersions(period.String())
	if err != nil {
		return Input{}, fmt.Errorf("reports: %w", err)
	}
	calc := models.NewProgressCalculator(p, ds, models.ProgressOptions{})
	in := NewInput(calc, period, now)
	in.Returns = ReturnsReceived(p, period, versions, DefaultDeadline(period), now)
	return in, nil
}

// ResolvePeriod reads a YYYY-MM month inside the plan; empty means the newest month with returns,
// or the plan's first month when nothing has been reported.
func ResolvePeriod(st *models.Store, p *models.Plan, s string) (models.Period, error) {
	if s == "" {
		latest, err := st.LatestVersions(p.EndPeriod)
		if err != nil {
			return models.Period{}, fmt.Errorf("reports: %w", err)
		}
		best := p.StartPeriod
		for _, v := range latest {
			if v.UnitCode != p.Root.Code && v.Period > best {
				best = v.Period
			}
		}
		return models.ParsePeriod(best)
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
