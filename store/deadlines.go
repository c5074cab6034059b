package store

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"ruralkpi/models"
)

// settingLockAfterDays is the setting that holds the office's lock delay in days.
const settingLockAfterDays = "lock_after_days"

// Deadline returns the month's due date: the office's, or the default.
func (s *Store) Deadline(p models.Period) (time.Time, error) {
	var d models.PeriodDeadline
	err := s.db.Where("period = ?", p.String()).Take(&d).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return models.DefaultDeadline(p), nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("store: read deadline: %w", err)
	}
	return models.ParseDate(d.Due)
}

// Deadlines returns the due dates the office set, by month.
func (s *Store) Deadlines() (map[string]time.Time, error) {
	var rows []models.PeriodDeadline
	if err := s.db.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: list deadlines: %w", err)
	}
	out := make(map[string]time.Time, len(rows))
	for _, r := range rows {
		t, err := models.ParseDate(r.Due)
		if err != nil {
			return nil, err
		}
		out[r.Period] = t
	}
	return out, nil
}

// SetDeadline sets a month's due date, with its audit entry.
func (s *Store) SetDeadline(p models.Period, due time.Time, by models.Actor, now time.Time) error {
	before, err := s.Deadline(p)
	if err != nil {
		return err
	}
	if due.Before(time.Date(p.Year, time.Month(p.Month), 1, 0, 0, 0, 0, models.ReportingZone())) {
		return models.Errorf(models.EInvalid, "截止日不能早于%s。", p.Label())
	}
	var ch models.Change
	err = s.write(func(tx *gorm.DB) error {
		d := models.PeriodDeadline{Period: p.String(), Due: due.Format("2006-01-02"), SetBy: by.Username, UpdatedAt: now}
		if err := tx.Save(&d).Error; err != nil {
			return fmt.Errorf("store: set deadline: %w", err)
		}
		var err error
		if ch, err = changed(tx, models.Change{Kind: models.ChangePages, Periods: []string{p.String()}}); err != nil {
			return err
		}
		return auditTx(tx, models.AuditEntry{At: now, Actor: by.Username, IP: by.IP, Action: models.AuditDeadline, Subject: p.String(),
			Before: before.Format("2006-01-02"), After: d.Due})
	})
	if err == nil {
		s.afterCommit(ch)
	}
	return err
}

// LockAfterDays returns how many days after its deadline a month locks (negative: never).
func (s *Store) LockAfterDays() (int, error) {
	var st models.Setting
	err := s.db.Where("key = ?", settingLockAfterDays).Take(&st).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return models.DefaultLockAfterDays, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: read lock setting: %w", err)
	}
	n, err := strconv.Atoi(st.Value)
	if err != nil {
		return 0, fmt.Errorf("store: lock setting %q: %w", st.Value, err)
	}
	return n, nil
}

// SetLockAfterDays changes the lock setting, with its audit entry.
func (s *Store) SetLockAfterDays(days int, by models.Actor, now time.Time) error {
	if days < -1 || days > 366 {
		return models.Errorf(models.EInvalid, "锁定天数应在0到366之间（-1表示不锁定）。")
	}
	before, err := s.LockAfterDays()
	if err != nil {
		return err
	}
	var ch models.Change
	err = s.write(func(tx *gorm.DB) error {
		if err := tx.Save(&models.Setting{Key: settingLockAfterDays, Value: strconv.Itoa(days)}).Error; err != nil {
			return fmt.Errorf("store: save lock setting: %w", err)
		}
		// The lock day shows on the office's home and decides who may upload: cached pages go.
		var err error
		if ch, err = changed(tx, models.Change{Kind: models.ChangePages}); err != nil {
			return err
		}
		return auditTx(tx, models.AuditEntry{At: now, Actor: by.Username, IP: by.IP, Action: models.AuditSetting, Subject: settingLockAfterDays,
			Before: strconv.Itoa(before), After: strconv.Itoa(days)})
	})
	if err == nil {
		s.afterCommit(ch)
	}
	return err
}

// Reopen lets one unit submit a month again for ReopenLifetime, with its audit entry.
func (s *Store) Reopen(unit string, p models.Period, reason string, by models.Actor, now time.Time) (models.Reopening, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return models.Reopening{}, models.Errorf(models.EInvalid, "重新开放必须填写原因。")
	}
	if err := models.CheckLength("重新开放原因", reason, models.MaxReopenReason); err != nil {
		return models.Reopening{}, err
	}
	r := models.Reopening{UnitCode: unit, Period: p.String(), Reason: reason, By: by.Username, At: now, ExpiresAt: now.Add(models.ReopenLifetime)}
	err := s.write(func(tx *gorm.DB) error {
		if err := tx.Create(&r).Error; err != nil {
			return fmt.Errorf("store: reopen: %w", err)
		}
		return auditTx(tx, models.AuditEntry{At: now, Actor: by.Username, IP: by.IP, Action: models.AuditReopen, Subject: unit + " " + p.String(),
			Before: "locked", After: models.AuditJSON(map[string]string{"reason": reason, "until": models.FormatLocalTime(r.ExpiresAt)})})
	})
	return r, err
}

// SubmitCheck gathers what CanSubmit needs for a unit and month from the plan and the store.
func (s *Store) SubmitCheck(p *models.Plan, unit string, period models.Period, now time.Time) (models.SubmitCheck, error) {
	status := ""
	v, err := s.LatestVersion(unit, period.String())
	switch {
	case err == nil:
		status = v.Status
	case !errors.Is(err, models.ErrNotFound):
		return models.SubmitCheck{}, err
	}
	return s.submitCheck(p, unit, period, now, status)
}

// LedgerSubmitCheck gathers what CanSubmit needs for a unit's ledger of a month: the same deadline,
// lock and reopenings as its return, with the status of the newest ledger snapshot of the month (a
// snapshot the office returned can always be corrected).
func (s *Store) LedgerSubmitCheck(p *models.Plan, unit string, period models.Period, now time.Time) (models.SubmitCheck, error) {
	var statuses []string
	if err := s.db.Model(&models.LedgerSnapshot{}).Where("unit_code = ? AND period = ?", unit, period.String()).
		Order("number DESC").Limit(1).Pluck("status", &statuses).Error; err != nil {
		return models.SubmitCheck{}, fmt.Errorf("store: read ledger status: %w", err)
	}
	status := ""
	if len(statuses) > 0 {
		status = statuses[0]
	}
	c, err := s.submitCheck(p, unit, period, now, status)
	c.Subject = "网点台账"
	return c, err
}

func (s *Store) submitCheck(p *models.Plan, unit string, period models.Period, now time.Time, status string) (models.SubmitCheck, error) {
	start, err := models.ParsePeriod(p.UnitStart(unit))
	if err != nil {
		return models.SubmitCheck{}, err
	}
	deadline, err := s.Deadline(period)
	if err != nil {
		return models.SubmitCheck{}, err
	}
	lock, err := s.LockAfterDays()
	if err != nil {
		return models.SubmitCheck{}, err
	}
	var n int64
	if err := s.db.Model(&models.Reopening{}).Where("unit_code = ? AND period = ? AND expires_at > ?", unit, period.String(), now).Count(&n).Error; err != nil {
		return models.SubmitCheck{}, fmt.Errorf("store: read reopenings: %w", err)
	}
	return models.SubmitCheck{Period: period, UnitStart: start, Deadline: deadline, LockAfterDays: lock, Now: now, Reopened: n > 0, LatestStatus: status}, nil
}

// Submissions returns, per unit and month, the first upload time and the newest version's status:
// from the read model when the store has one (the maps are shared: callers must not change them),
// else read from the database.
func (s *Store) Submissions() (map[string]map[string]models.Submission, error) {
	if s.rm != nil {
		return s.rm.cur.Load().Submissions, nil
	}
	return s.readSubmissions("", nil)
}

// Board gathers the completeness board for a month and the grid over the months.
func (s *Store) Board(p *models.Plan, months []models.Period, period models.Period, now time.Time) (models.Board, error) {
	b := models.Board{Locked: map[string]bool{}, Reopened: map[string]bool{}}
	deadlines, err := s.Deadlines()
	if err != nil {
		return b, err
	}
	if b.Submissions, err = s.Submissions(); err != nil {
		return b, err
	}
	if b.LockAfterDays, err = s.LockAfterDays(); err != nil {
		return b, err
	}
	if b.Deadline, err = s.Deadline(period); err != nil {
		return b, err
	}
	if b.LockAfterDays >= 0 {
		b.LockDate = models.LockTime(b.Deadline, b.LockAfterDays).Add(-time.Second).Format("2006-01-02")
	}
	var reopenings []models.Reopening
	if err := s.db.Where("period = ? AND expires_at > ?", period.String(), now).Find(&reopenings).Error; err != nil {
		return b, fmt.Errorf("store: read reopenings: %w", err)
	}
	for _, r := range reopenings {
		b.Reopened[r.UnitCode] = true
	}
	units := p.ReportingUnits()
	codes := make([]string, 0, len(units))
	starts := map[string]models.Period{}
	for _, u := range units {
		codes = append(codes, u.Code)
		start, err := models.ParsePeriod(p.UnitStart(u.Code))
		if err != nil {
			return b, err
		}
		starts[u.Code] = start
		ok, _ := models.CanSubmit(models.SubmitCheck{Period: period, UnitStart: start, Deadline: b.Deadline, LockAfterDays: b.LockAfterDays, Now: now,
			Reopened: b.Reopened[u.Code], LatestStatus: b.Submissions[u.Code][period.String()].LatestStatus})
		b.Locked[u.Code] = !ok && !period.Before(start)
	}
	b.Grid = models.TimelinessGrid(codes, starts, months, deadlines, b.Submissions, now)
	// A month outside the grid (not yet due) still gets its column on the board.
	for u, row := range models.TimelinessGrid(codes, starts, []models.Period{period}, deadlines, b.Submissions, now) {
		b.Grid[u][period.String()] = row[period.String()]
	}
	return b, nil
}
