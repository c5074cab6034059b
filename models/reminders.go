package models

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// ReminderRules are the reminders the office switched on. Zero values switch a rule off.
type ReminderRules struct {
	// BeforeDays sends one reminder this many days before a month's deadline to units that have not filed.
	BeforeDays int `json:"before_days"`
	// OnDeadline sends one reminder on the deadline day to units that have not filed.
	OnDeadline bool `json:"on_deadline"`
	// Returned tells a unit that the office returned its return.
	Returned bool `json:"returned"`
	// FollowUpSoonDays warns the unit and the office this many days before a follow-up is due.
	FollowUpSoonDays int `json:"followup_soon_days"`
	// FollowUpOverdue tells the unit and the office that a follow-up is past its due day.
	FollowUpOverdue bool `json:"followup_overdue"`
	// NewRed tells the office that an indicator of a unit turned red in the latest month.
	NewRed bool `json:"new_red"`
	// BaseURL is the address users reach the application at; links in messages start with it.
	BaseURL string `json:"base_url"`
}

// Reminder kinds.
const (
	ReminderBefore   = "before_deadline"
	ReminderDue      = "deadline_day"
	ReminderReturned = "returned"
	ReminderFUSoon   = "followup_soon"
	ReminderFUDue    = "followup_overdue"
	ReminderRed      = "new_red"
	ReminderTest     = "test"
)

// ReminderKind is what a reminder is about (values ReminderBefore … ReminderTest). Reminders and
// deliveries keep it as a plain string; ReminderKind(d.Kind).Label() names it.
type ReminderKind string

// ReminderKinds lists every reminder kind.
func ReminderKinds() []ReminderKind {
	return []ReminderKind{ReminderBefore, ReminderDue, ReminderReturned, ReminderFUSoon, ReminderFUDue, ReminderRed, ReminderTest}
}

// Label names a reminder kind in Chinese.
func (kind ReminderKind) Label() string {
	switch kind {
	case ReminderBefore:
		return "截止前提醒"
	case ReminderDue:
		return "截止日提醒"
	case ReminderReturned:
		return "退回通知"
	case ReminderFUSoon:
		return "督办即将到期"
	case ReminderFUDue:
		return "督办逾期"
	case ReminderRed:
		return "新增红灯"
	case ReminderTest:
		return "测试消息"
	}
	return string(kind)
}

// AudienceOffice is the audience of reminders meant for the office; any other audience is a unit code.
const AudienceOffice = "office"

// PlannedReminder is a message due now to a channel, and whether it was already claimed. NoChannel
// marks a reminder whose audience has no channel: it cannot be sent, and the office should know.
type PlannedReminder struct {
	Reminder  Reminder
	Channel   ReminderChannel
	Claimed   bool
	NoChannel bool
}

// Reminder is one message due to one audience. Key identifies the event, so that the same event is
// never sent twice to the same channel.
type Reminder struct {
	Key      string
	Kind     string
	Audience string
	Unit     string
	UnitName string
	Period   string // YYYY-MM, "" when the reminder is not about a month
	Title    string
	// Missing says, in one or more lines, what is missing or what needs doing.
	Missing []string
	Link    string
}

// ReminderUnit is a reporting unit as the reminder rules need it.
type ReminderUnit struct {
	Code, Name string
	Start      Period
}

// ReturnedVersion is a version the office returned, as the reminder rules need it.
type ReturnedVersion struct {
	ID         uint
	Unit       string
	Period     string
	Note       string
	ReviewedAt time.Time
	Latest     bool // still the unit's newest version of the month
}

// RedItem is an indicator of a unit that is red in Period and was not red the month before.
type RedItem struct {
	Unit, Indicator, IndicatorName string
	Period                         Period
	// Actual and Expected are already formatted (FormatNumber) by the caller.
	Actual, Expected string
}

// ReminderInput is everything the reminder rules look at.
type ReminderInput struct {
	Now       time.Time
	Rules     ReminderRules
	Units     []ReminderUnit
	Months    []Period             // months whose returns can be due (plan start to last month)
	Deadlines map[string]time.Time // office-set due dates by month; others default
	// Filed holds, per unit, the months with at least one upload.
	Filed     map[string]map[string]bool
	Returned  []ReturnedVersion
	FollowUps []FollowUp
	NewRed    []RedItem
}

// ReturnedNoticeWindow is how long after the office returns a version the unit is still told: a rule
// switched on later does not announce old returns.
const ReturnedNoticeWindow = 7 * 24 * time.Hour

// ReminderFromHour is the hour (China Standard Time) from which the day's reminders go out: a
// deadline, a follow-up or a red light is not worth waking a county's work chat at midnight. A
// returned return is told at once: the unit is waiting for the office's decision.
const ReminderFromHour = 8

// DueReminders applies the office's rules to the input and returns every reminder due now, sorted by
// key. It is pure: the same input always gives the same reminders; whether one was already sent is
// the caller's business (the delivery table's unique key).
func DueReminders(in ReminderInput) []Reminder {
	r := in.Rules
	var out []Reminder
	names := map[string]string{}
	for _, u := range in.Units {
		names[u.Code] = u.Name
	}
	link := func(path string) string { return strings.TrimRight(r.BaseURL, "/") + path }
	day := startOfDay(in.Now)
	if in.Now.In(ReportingZone()).Hour() < ReminderFromHour {
		// Before office hours only the returned notices; the day's others wait (their keys are
		// the day's or the event's, so they still go out once, at eight).
		r.BeforeDays, r.OnDeadline, r.FollowUpSoonDays, r.FollowUpOverdue, r.NewRed = 0, false, 0, false, false
	}
	for _, m := range in.Months {
		due, ok := in.Deadlines[m.String()]
		if !ok {
			due = DefaultDeadline(m)
		}
		due = startOfDay(due)
		before := r.BeforeDays > 0 && day.Equal(due.AddDate(0, 0, -r.BeforeDays))
		onDay := r.OnDeadline && day.Equal(due)
		if !before && !onDay {
			continue
		}
		for _, u := range in.Units {
			if m.Before(u.Start) || in.Filed[u.Code][m.String()] {
				continue
			}
			kind, title := ReminderDue, fmt.Sprintf("【今日截止】%s %s月报尚未报送", u.Name, m.Label())
			if before {
				kind, title = ReminderBefore, fmt.Sprintf("【%d天后截止】%s %s月报尚未报送", r.BeforeDays, u.Name, m.Label())
			}
			out = append(out, Reminder{Key: kind + ":" + m.String() + ":" + u.Code, Kind: kind, Audience: u.Code, Unit: u.Code, UnitName: u.Name,
				Period: m.String(), Title: title,
				Missing: []string{fmt.Sprintf("%s月报未报送，截止日 %s。", m.Label(), due.Format("2006-01-02"))},
				Link:    link("/returns?county=" + u.Code + "&period=" + m.String())})
		}
	}
	if r.Returned {
		for _, v := range in.Returned {
			if !v.Latest || in.Now.Sub(v.ReviewedAt) > ReturnedNoticeWindow || v.ReviewedAt.After(in.Now) {
				continue
			}
			p, _ := ParsePeriod(v.Period)
			note := strings.TrimSpace(v.Note)
			if note == "" {
				note = "（未注明）"
			}
			out = append(out, Reminder{Key: fmt.Sprintf("%s:%d", ReminderReturned, v.ID), Kind: ReminderReturned, Audience: v.Unit, Unit: v.Unit,
				UnitName: names[v.Unit], Period: v.Period, Title: fmt.Sprintf("【退回】%s %s月报被退回，请修改后重新上传", names[v.Unit], p.Label()),
				Missing: []string{"退回原因：" + note, "请按原因修改后重新上传。"},
				Link:    link("/returns/history?county=" + v.Unit + "&period=" + v.Period)})
		}
	}
	for _, f := range in.FollowUps {
		if f.Status == FollowUpClosed {
			continue
		}
		due, err := ParseDate(f.DueDate)
		if err != nil {
			continue
		}
		kind, title := "", ""
		switch {
		case r.FollowUpOverdue && FollowUpOverdue(f, in.Now):
			kind, title = ReminderFUDue, fmt.Sprintf("【督办逾期】%s：%s", names[f.UnitCode], f.Title)
		case r.FollowUpSoonDays > 0 && !FollowUpOverdue(f, in.Now) && !day.Before(due.AddDate(0, 0, -r.FollowUpSoonDays)):
			kind, title = ReminderFUSoon, fmt.Sprintf("【督办即将到期】%s：%s", names[f.UnitCode], f.Title)
		default:
			continue
		}
		state := "尚未答复"
		if f.Status == FollowUpAnswered {
			state = "已答复，待办公室销号"
		}
		for _, aud := range []string{f.UnitCode, AudienceOffice} {
			// The month a follow-up is about is the month it falls due in.
			out = append(out, Reminder{Key: fmt.Sprintf("%s:%d:%s", kind, f.ID, aud), Kind: kind, Audience: aud, Unit: f.UnitCode, UnitName: names[f.UnitCode],
				Period: Period{Year: due.Year(), Month: int(due.Month())}.String(), Title: title, Missing: []string{fmt.Sprintf("督办事项“%s”（责任人 %s）办结期限 %s，%s。", f.Title, f.Assignee, f.DueDate, state)},
				Link: link(fmt.Sprintf("/followups#f%d", f.ID))})
		}
	}
	if r.NewRed {
		for _, it := range in.NewRed {
			out = append(out, Reminder{Key: fmt.Sprintf("%s:%s:%s:%s", ReminderRed, it.Period, it.Unit, it.Indicator), Kind: ReminderRed, Audience: AudienceOffice,
				Unit: it.Unit, UnitName: names[it.Unit], Period: it.Period.String(),
				Title:   fmt.Sprintf("【新增红灯】%s %s：%s", names[it.Unit], it.Period.Label(), it.IndicatorName),
				Missing: []string{fmt.Sprintf("%s 实际 %s，序时进度应达 %s，本月转为红灯。", it.IndicatorName, it.Actual, it.Expected)},
				Link:    link("/counties/" + it.Unit + "?period=" + it.Period.String())})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// ReminderText is a reminder's body as plain lines: unit, month, what is missing, the link.
func ReminderText(r Reminder) string {
	var b strings.Builder
	if r.UnitName != "" {
		fmt.Fprintf(&b, "单位：%s\n", r.UnitName)
	}
	if p, err := ParsePeriod(r.Period); err == nil {
		fmt.Fprintf(&b, "月份：%s\n", p.Label())
	}
	for _, m := range r.Missing {
		b.WriteString(m + "\n")
	}
	if r.Link != "" {
		fmt.Fprintf(&b, "链接：%s\n", r.Link)
	}
	return b.String()
}

func startOfDay(t time.Time) time.Time {
	t = t.In(ReportingZone())
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, ReportingZone())
}
