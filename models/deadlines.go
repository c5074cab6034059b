package models

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// PeriodDeadline is a due date the office set for a month's returns, replacing the default.
type PeriodDeadline struct {
	Period    string `gorm:"primaryKey;size:7"`
	Due       string `gorm:"size:10;not null"` // YYYY-MM-DD
	SetBy     string `gorm:"size:64"`
	UpdatedAt time.Time
}

// Reopening lets one unit submit a locked month again until it expires.
type Reopening struct {
	ID        uint   `gorm:"primaryKey"`
	UnitCode  string `gorm:"size:32;not null;index:idx_reopening"`
	Period    string `gorm:"size:7;not null;index:idx_reopening"`
	Reason    string `gorm:"not null"`
	By        string `gorm:"size:64"`
	At        time.Time
	ExpiresAt time.Time
}

// Deadline settings and defaults.
const (
	// DefaultDeadlineDay is the day of the next month a return is due by: the plan asks for monthly
	// reporting, and the office's habit is the 5th.
	DefaultDeadlineDay = 5
	// DefaultLockAfterDays is how many days after its deadline a month locks.
	DefaultLockAfterDays = 10
	// ReopenLifetime is how long an office reopening of a locked month lasts.
	ReopenLifetime       = 7 * 24 * time.Hour
	settingLockAfterDays = "lock_after_days"
)

// ReportingZone is the zone deadlines are read in: China Standard Time, which has no daylight saving.
func ReportingZone() *time.Location { return time.FixedZone("CST", 8*3600) }

// DefaultDeadline is the due date of a month's return: the 5th of the next month.
func DefaultDeadline(p Period) time.Time {
	next := p.AddMonths(1)
	return time.Date(next.Year, time.Month(next.Month), DefaultDeadlineDay, 0, 0, 0, 0, ReportingZone())
}

// ParseDate reads a date written YYYY-MM-DD as midnight in the reporting zone.
func ParseDate(s string) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(s), ReportingZone())
	if err != nil {
		return time.Time{}, Errorf(EInvalid, "日期 %q 格式不正确，应为 年-月-日，例如 2024-07-05。", s)
	}
	return t, nil
}

// DayEnd is the first instant after the day of t: something due on a day is on time until then.
func DayEnd(t time.Time) time.Time {
	t = t.In(ReportingZone())
	return time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, ReportingZone())
}

// LockTime is when a month locks: lockAfterDays whole days after the deadline day has ended.
func LockTime(deadline time.Time, lockAfterDays int) time.Time {
	return DayEnd(deadline).AddDate(0, 0, lockAfterDays)
}

// SubmitCheck is everything the rule for accepting a unit's return for a month needs.
type SubmitCheck struct {
	Period        Period
	UnitStart     Period    // first month the unit reports
	Deadline      time.Time // the month's due date
	LockAfterDays int       // negative: months never lock
	Now           time.Time
	Reopened      bool   // the office reopened the month for this unit and the reopening has not expired
	LatestStatus  string // status of the unit's newest version (or ledger snapshot) for the month, "" when none
	// Subject names what is submitted in the refusal: "月报" when empty, "网点台账" for a ledger.
	Subject string
}

// CanSubmit says whether a unit may upload a return for the month now, and if not, why (in Chinese,
// for the county clerk). A month the office returned can always be corrected; a locked month only
// after the office reopens it for the unit.
func CanSubmit(c SubmitCheck) (bool, string) {
	if c.Period.Before(c.UnitStart) {
		return false, fmt.Sprintf("本单位自%s起报送，%s无需报送。", c.UnitStart.Label(), c.Period.Label())
	}
	first := time.Date(c.Period.Year, time.Month(c.Period.Month), 1, 0, 0, 0, 0, ReportingZone())
	if c.Now.Before(first) {
		return false, fmt.Sprintf("%s尚未开始，不能提前报送。", c.Period.Label())
	}
	if c.LatestStatus == StatusReturned || c.Reopened || c.LockAfterDays < 0 {
		return true, ""
	}
	lock := LockTime(c.Deadline, c.LockAfterDays)
	if !c.Now.Before(lock) {
		subject := c.Subject
		if subject == "" {
			subject = "月报"
		}
		return false, fmt.Sprintf("%s%s已于%s锁定，如需补报或更正，请联系工作专班办公室重新开放。", c.Period.Label(), subject, lock.Add(-time.Second).In(ReportingZone()).Format("2006年1月2日"))
	}
	return true, ""
}

// Timeliness is how a unit's return for a month stands against its deadline.
type Timeliness string

// The timeliness states of the completeness board.
const (
	OnTime      Timeliness = "on_time"
	Late        Timeliness = "late"
	Missing     Timeliness = "missing"
	NotYetDue   Timeliness = "pending"
	NotExpected Timeliness = "not_expected"
)

// Label names the state in Chinese.
func (t Timeliness) Label() string {
	switch t {
	case OnTime:
		return "按时"
	case Late:
		return "逾期报送"
	case Missing:
		return "未报送"
	case NotYetDue:
		return "未到期"
	case NotExpected:
		return "无需报送"
	}
	return string(t)
}

// ClassifyTimeliness says whether a unit's return was on time, late or is missing. The first upload
// counts: a correction after the office returns a version does not make a return late.
func ClassifyTimeliness(period, unitStart Period, deadline time.Time, firstUpload *time.Time, now time.Time) Timeliness {
	return classifyByEnd(period, unitStart, DayEnd(deadline), firstUpload, now)
}

// classifyByEnd is ClassifyTimeliness with the end of the deadline day already worked out.
func classifyByEnd(period, unitStart Period, end time.Time, firstUpload *time.Time, now time.Time) Timeliness {
	if period.Before(unitStart) {
		return NotExpected
	}
	if firstUpload != nil {
		if firstUpload.Before(end) {
			return OnTime
		}
		return Late
	}
	if now.Before(end) {
		return NotYetDue
	}
	return Missing
}

// Deadline returns the month's due date: the office's, or the default.
func (s *Store) Deadline(p Period) (time.Time, error) {
	var d PeriodDeadline
	err := s.DB.Where("period = ?", p.String()).Take(&d).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return DefaultDeadline(p), nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("models: read deadline: %w", err)
	}
	return ParseDate(d.Due)
}

// Deadlines returns the due dates the office set, by month.
func (s *Store) Deadlines() (map[string]time.Time, error) {
	var rows []PeriodDeadline
	if err := s.DB.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("models: list deadlines: %w", err)
	}
	out := make(map[string]time.Time, len(rows))
	for _, r := range rows {
		t, err := ParseDate(r.Due)
		if err != nil {
			return nil, err
		}
		out[r.Period] = t
	}
	return out, nil
}

// SetDeadline sets a month's due date, with its audit entry.
func (s *Store) SetDeadline(p Period, due time.Time, by Actor, now time.Time) error {
	before, err := s.Deadline(p)
	if err != nil {
		return err
	}
	if due.Before(time.Date(p.Year, time.Month(p.Month), 1, 0, 0, 0, 0, ReportingZone())) {
		return Errorf(EInvalid, "截止日不能早于%s。", p.Label())
	}
	var ch Change
	err = s.write(func(tx *gorm.DB) error {
		d := PeriodDeadline{Period: p.String(), Due: due.Format("2006-01-02"), SetBy: by.Username, UpdatedAt: now}
		if err := tx.Save(&d).Error; err != nil {
			return fmt.Errorf("models: set deadline: %w", err)
		}
		var err error
		if ch, err = changed(tx, Change{Kind: ChangePages, Periods: []string{p.String()}}); err != nil {
			return err
		}
		return auditTx(tx, AuditEntry{At: now, Actor: by.Username, IP: by.IP, Action: AuditDeadline, Subject: p.String(),
			Before: before.Format("2006-01-02"), After: d.Due})
	})
	if err == nil {
		s.afterCommit(ch)
	}
	return err
}

// LockAfterDays returns how many days after its deadline a month locks (negative: never).
func (s *Store) LockAfterDays() (int, error) {
	var st Setting
	err := s.DB.Where("key = ?", settingLockAfterDays).Take(&st).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return DefaultLockAfterDays, nil
	}
	if err != nil {
		return 0, fmt.Errorf("models: read lock setting: %w", err)
	}
	n, err := strconv.Atoi(st.Value)
	if err != nil {
		return 0, fmt.Errorf("models: lock setting %q: %w", st.Value, err)
	}
	return n, nil
}

// SetLockAfterDays changes the lock setting, with its audit entry.
func (s *Store) SetLockAfterDays(days int, by Actor, now time.Time) error {
	if days < -1 || days > 366 {
		return Errorf(EInvalid, "锁定天数应在0到366之间（-1表示不锁定）。")
	}
	before, err := s.LockAfterDays()
	if err != nil {
		return err
	}
	return s.write(func(tx *gorm.DB) error {
		if err := tx.Save(&Setting{Key: settingLockAfterDays, Value: strconv.Itoa(days)}).Error; err != nil {
			return fmt.Errorf("models: save lock setting: %w", err)
		}
		return auditTx(tx, AuditEntry{At: now, Actor: by.Username, IP: by.IP, Action: AuditSetting, Subject: settingLockAfterDays,
			Before: strconv.Itoa(before), After: strconv.Itoa(days)})
	})
}

// Reopen lets one unit submit a month again for ReopenLifetime, with its audit entry.
func (s *Store) Reopen(unit string, p Period, reason string, by Actor, now time.Time) (Reopening, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Reopening{}, Errorf(EInvalid, "重新开放必须填写原因。")
	}
	if err := CheckLength("重新开放原因", reason, MaxReopenReason); err != nil {
		return Reopening{}, err
	}
	r := Reopening{UnitCode: unit, Period: p.String(), Reason: reason, By: by.Username, At: now, ExpiresAt: now.Add(ReopenLifetime)}
	err := s.write(func(tx *gorm.DB) error {
		if err := tx.Create(&r).Error; err != nil {
			return fmt.Errorf("models: reopen: %w", err)
		}
		return auditTx(tx, AuditEntry{At: now, Actor: by.Username, IP: by.IP, Action: AuditReopen, Subject: unit + " " + p.String(),
			Before: "locked", After: AuditJSON(map[string]string{"reason": reason, "until": r.ExpiresAt.In(ReportingZone()).Format("2006-01-02 15:04")})})
	})
	return r, err
}

// Reopenings lists reopenings, newest first.
func (s *Store) Reopenings() ([]Reopening, error) {
	var out []Reopening
	if err := s.DB.Order("id DESC").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("models: list reopenings: %w", err)
	}
	return out, nil
}

// SubmitCheck gathers what CanSubmit needs for a unit and month from the plan and the store.
func (s *Store) SubmitCheck(p *Plan, unit string, period Period, now time.Time) (SubmitCheck, error) {
	status := ""
	v, err := s.LatestVersion(unit, period.String())
	switch {
	case err == nil:
		status = v.Status
	case !errors.Is(err, ErrNotFound):
		return SubmitCheck{}, err
	}
	return s.submitCheck(p, unit, period, now, status)
}

// LedgerSubmitCheck gathers what CanSubmit needs for a unit's ledger of a month: the same deadline,
// lock and reopenings as its return, with the status of the newest ledger snapshot of the month (a
// snapshot the office returned can always be corrected).
func (s *Store) LedgerSubmitCheck(p *Plan, unit string, period Period, now time.Time) (SubmitCheck, error) {
	var statuses []string
	if err := s.DB.Model(&LedgerSnapshot{}).Where("unit_code = ? AND period = ?", unit, period.String()).
		Order("number DESC").Limit(1).Pluck("status", &statuses).Error; err != nil {
		return SubmitCheck{}, fmt.Errorf("models: read ledger status: %w", err)
	}
	status := ""
	if len(statuses) > 0 {
		status = statuses[0]
	}
	c, err := s.submitCheck(p, unit, period, now, status)
	c.Subject = "网点台账"
	return c, err
}

func (s *Store) submitCheck(p *Plan, unit string, period Period, now time.Time, status string) (SubmitCheck, error) {
	start, err := ParsePeriod(p.UnitStart(unit))
	if err != nil {
		return SubmitCheck{}, err
	}
	deadline, err := s.Deadline(period)
	if err != nil {
		return SubmitCheck{}, err
	}
	lock, err := s.LockAfterDays()
	if err != nil {
		return SubmitCheck{}, err
	}
	var n int64
	if err := s.DB.Model(&Reopening{}).Where("unit_code = ? AND period = ? AND expires_at > ?", unit, period.String(), now).Count(&n).Error; err != nil {
		return SubmitCheck{}, fmt.Errorf("models: read reopenings: %w", err)
	}
	return SubmitCheck{Period: period, UnitStart: start, Deadline: deadline, LockAfterDays: lock, Now: now, Reopened: n > 0, LatestStatus: status}, nil
}

// Submission is what the completeness board needs of a unit's return for a month.
type Submission struct {
	FirstUpload  time.Time
	LatestStatus string
	LatestNumber int
	LatestID     uint
	ReviewNote   string
	// LatestUpload is when the newest version was uploaded.
	LatestUpload time.Time
}

// Submissions returns, per unit and month, the first upload time and the newest version's status:
// from the read model when the store has one (the maps are shared: callers must not change them),
// else read from the database.
func (s *Store) Submissions() (map[string]map[string]Submission, error) {
	if s.rm != nil {
		return s.rm.cur.Load().subs, nil
	}
	return s.readSubmissions("", nil)
}

// TimelinessGrid classifies every unit's return for every month: deadlines holds the office's due
// dates by month (others default), starts each unit's first reporting month, subs the uploads.
func TimelinessGrid(units []string, starts map[string]Period, periods []Period, deadlines map[string]time.Time,
	subs map[string]map[string]Submission, now time.Time) map[string]map[string]Timeliness {
	ends := make([]time.Time, len(periods))
	for i, p := range periods {
		due, ok := deadlines[p.String()]
		if !ok {
			due = DefaultDeadline(p)
		}
		ends[i] = DayEnd(due)
	}
	out := make(map[string]map[string]Timeliness, len(units))
	for _, u := range units {
		out[u] = make(map[string]Timeliness, len(periods))
		for i, p := range periods {
			key := p.String()
			var first *time.Time
			if sub, ok := subs[u][key]; ok {
				first = &sub.FirstUpload
			}
			out[u][key] = classifyByEnd(p, starts[u], ends[i], first, now)
		}
	}
	return out
}

// ReportingMonths lists the months whose returns can be expected by now: from the plan's start to
// the month before now, capped at the plan's end.
func ReportingMonths(start, end Period, now time.Time) []Period {
	n := now.In(ReportingZone())
	last := Period{Year: n.Year(), Month: int(n.Month())}.AddMonths(-1)
	if end.Before(last) {
		last = end
	}
	return PeriodsBetween(start, last)
}

// Board is the completeness board's data for one month, with the grid of every month.
type Board struct {
	Deadline      time.Time
	LockDate      string
	LockAfterDays int
	Grid          map[string]map[string]Timeliness
	Submissions   map[string]map[string]Submission
	Locked        map[string]bool // unit cannot submit the month now
	Reopened      map[string]bool // unit has a live reopening of the month
}

// Board gathers the completeness board for a month and the grid over the months.
func (s *Store) Board(p *Plan, months []Period, period Period, now time.Time) (Board, error) {
	b := Board{Locked: map[string]bool{}, Reopened: map[string]bool{}}
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
		b.LockDate = LockTime(b.Deadline, b.LockAfterDays).Add(-time.Second).Format("2006-01-02")
	}
	var reopenings []Reopening
	if err := s.DB.Where("period = ? AND expires_at > ?", period.String(), now).Find(&reopenings).Error; err != nil {
		return b, fmt.Errorf("models: read reopenings: %w", err)
	}
	for _, r := range reopenings {
		b.Reopened[r.UnitCode] = true
	}
	units := p.ReportingUnits()
	codes := make([]string, 0, len(units))
	starts := map[string]Period{}
	for _, u := range units {
		codes = append(codes, u.Code)
		start, err := ParsePeriod(p.UnitStart(u.Code))
		if err != nil {
			return b, err
		}
		starts[u.Code] = start
		ok, _ := CanSubmit(SubmitCheck{Period: period, UnitStart: start, Deadline: b.Deadline, LockAfterDays: b.LockAfterDays, Now: now,
			Reopened: b.Reopened[u.Code], LatestStatus: b.Submissions[u.Code][period.String()].LatestStatus})
		b.Locked[u.Code] = !ok && !period.Before(start)
	}
	b.Grid = TimelinessGrid(codes, starts, months, deadlines, b.Submissions, now)
	// A month outside the grid (not yet due) still gets its column on the board.
	for u, row := range TimelinessGrid(codes, starts, []Period{period}, deadlines, b.Submissions, now) {
		b.Grid[u][period.String()] = row[period.String()]
	}
	return b, nil
}
