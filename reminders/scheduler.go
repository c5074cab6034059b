package reminders

import (
	"context"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"ruralkpi/models"
	"ruralkpi/store"
)

// Scheduler works out the reminders due and sends each exactly once. Several schedulers (a restart,
// a second server) may share one database: the delivery row's unique key decides who sends.
type Scheduler struct {
	Store   *store.Store
	Plan    *models.Plan
	Secrets *Secrets
	// Now is the clock; tests and the demo move it.
	Now  func() time.Time
	HTTP *http.Client
	Log  *slog.Logger
	// RootCAs verifies mail relays' certificates; nil means the system's roots.
	RootCAs *x509.CertPool
}

// Planned is a message due now to a channel (models.PlannedReminder, so that the reminders page's
// view is built in dashboards from it).
type Planned = models.PlannedReminder

// Due lists the messages due now (claimed ones included, marked), for the dry run and the page.
func (s *Scheduler) Due(now time.Time) ([]Planned, error) {
	rs, err := s.Store.ReminderSettings()
	if err != nil {
		return nil, err
	}
	rems, err := s.dueReminders(rs, now)
	if err != nil {
		return nil, err
	}
	var out []Planned
	for _, r := range rems {
		found := false
		for _, c := range rs.Channels {
			if c.Audience != r.Audience {
				continue
			}
			found = true
			claimed, err := s.Store.DeliveryClaimed(models.DeliveryKey(r, c))
			if err != nil {
				return nil, err
			}
			out = append(out, Planned{Reminder: r, Channel: c, Claimed: claimed})
		}
		if !found {
			out = append(out, Planned{Reminder: r, NoChannel: true})
		}
	}
	return out, nil
}

func (s *Scheduler) dueReminders(rs models.ReminderSettings, now time.Time) ([]models.Reminder, error) {
	in, err := s.Store.ReminderInput(s.Plan, rs.Rules, now)
	if err != nil {
		return nil, err
	}
	if rs.Rules.NewRed {
		if in.NewRed, err = s.newRed(now); err != nil {
			return nil, err
		}
	}
	return models.DueReminders(in), nil
}

// newRed lists the unit indicators red in the last month due and not red the month before.
func (s *Scheduler) newRed(now time.Time) ([]models.RedItem, error) {
	months := models.ReportingMonths(models.MustPeriod(s.Plan.StartPeriod), models.MustPeriod(s.Plan.EndPeriod), now)
	if len(months) < 2 {
		return nil, nil
	}
	last := months[len(months)-1]
	// The read model's progress (a server's, kept up to date by writes; built once for a CLI run):
	// an answer about a month reads no figure after it.
	snap, err := s.Store.Progress(s.Plan)
	if err != nil {
		return nil, err
	}
	calc := snap.Calc
	var out []models.RedItem
	for _, u := range s.Plan.ReportingUnits() {
		for _, ind := range s.Plan.Indicators {
			pr := calc.Progress(ind.Code, u.Code, last)
			if pr.Status != models.StatusRed || calc.Progress(ind.Code, u.Code, last.AddMonths(-1)).Status == models.StatusRed {
				continue
			}
			out = append(out, models.RedItem{Unit: u.Code, Indicator: ind.Code, IndicatorName: ind.Name, Period: last,
				Actual: models.FormatNumber(pr.Actual) + ind.Unit, Expected: models.FormatNumber(pr.Expected) + ind.Unit})
		}
	}
	return out, nil
}

// Result counts what one run did.
type Result struct {
	Sent, Failed, Skipped int
}

// RunOnce claims and sends every message due now and retries failed ones whose time has come.
func (s *Scheduler) RunOnce(ctx context.Context) (Result, error) {
	var res Result
	now := s.Now()
	rs, err := s.Store.ReminderSettings()
	if err != nil {
		return res, err
	}
	sender := s.sender(rs)
	rems, err := s.dueReminders(rs, now)
	if err != nil {
		return res, err
	}
	for _, r := range rems {
		msg := messageOf(r)
		for _, c := range rs.Channels {
			if c.Audience != r.Audience {
				continue
			}
			d := models.ReminderDelivery{Key: models.DeliveryKey(r, c), Kind: r.Kind, Audience: r.Audience, Unit: r.Unit, Period: r.Period,
				Channel: c.ID(), ChannelKind: c.Kind, Title: msg.Title, Body: msg.Text, Link: msg.Link}
			ok, err := s.Store.ClaimDelivery(&d, now)
			if err != nil {
				return res, err
			}
			if !ok {
				res.Skipped++
				continue
			}
			s.attempt(ctx, sender, c, msg, &d, &res)
		}
	}
	retries, err := s.Store.DeliveriesToRetry(now)
	if err != nil {
		return res, err
	}
	for _, d := range retries {
		c, ok := channelByID(rs.Channels, d.Channel)
		if !ok {
			continue // the office removed the channel; the failure stays in the log
		}
		if ok, err := s.Store.ClaimRetry(&d); err != nil || !ok {
			if err != nil {
				return res, err
			}
			continue
		}
		s.attempt(ctx, sender, c, s.retryMessage(d), &d, &res)
	}
	return res, nil
}

// retryMessage is the message a delivery first tried: the reminder's key (without the channel), the
// unit's name, the text and the link.
func (s *Scheduler) retryMessage(d models.ReminderDelivery) Message {
	m := Message{Kind: d.Kind, Unit: d.Unit, Period: d.Period, Key: strings.TrimSuffix(d.Key, "|"+d.Channel), Title: d.Title, Text: d.Body, Link: d.Link}
	if d.Unit != "" {
		m.UnitName = s.Plan.UnitName(d.Unit)
	}
	return m
}

func (s *Scheduler) attempt(ctx context.Context, sender *Sender, c models.ReminderChannel, msg Message, d *models.ReminderDelivery, res *Result) {
	err := sender.Send(ctx, c, msg)
	if err != nil {
		res.Failed++
		s.log().Warn("reminder failed", "key", d.Key, "attempt", d.Attempts, "err", err)
	} else {
		res.Sent++
	}
	if ferr := s.Store.FinishDelivery(d, err, s.Now()); ferr != nil {
		s.log().Error("reminder outcome not recorded", "key", d.Key, "err", ferr)
	}
}

// SendTest sends a test message to one channel now, recording it in the log.
func (s *Scheduler) SendTest(ctx context.Context, rs models.ReminderSettings, c models.ReminderChannel, by string) error {
	now := s.Now()
	msg := Message{Kind: models.ReminderTest, Key: fmt.Sprintf("test:%d", now.UnixNano()), Title: "【测试】工作专班提醒渠道测试",
		Text: fmt.Sprintf("这是 %s 于 %s 发送的测试消息，收到即表示渠道配置正确。\n", by, models.FormatLocalTime(now)),
		Link: rs.Rules.BaseURL}
	d := models.ReminderDelivery{Key: msg.Key + "|" + c.ID(), Kind: msg.Kind, Audience: c.Audience, Channel: c.ID(), ChannelKind: c.Kind, Title: msg.Title, Body: msg.Text}
	if _, err := s.Store.ClaimDelivery(&d, now); err != nil {
		return err
	}
	err := s.sender(rs).Send(ctx, c, msg)
	d.Attempts = models.MaxDeliveryAttempts // a test is never retried
	if ferr := s.Store.FinishDelivery(&d, err, now); ferr != nil {
		return ferr
	}
	return err
}

// Run runs the schedule every interval until ctx ends.
func (s *Scheduler) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if res, err := s.RunOnce(ctx); err != nil {
			s.log().Error("reminders", "err", err)
		} else if res.Sent+res.Failed > 0 {
			s.log().Info("reminders", "sent", res.Sent, "failed", res.Failed)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (s *Scheduler) sender(rs models.ReminderSettings) *Sender {
	return &Sender{SMTP: rs.SMTP, Secrets: s.Secrets, HTTP: s.HTTP, Now: s.Now, RootCAs: s.RootCAs}
}

func (s *Scheduler) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

func channelByID(cs []models.ReminderChannel, id string) (models.ReminderChannel, bool) {
	for _, c := range cs {
		if c.ID() == id {
			return c, true
		}
	}
	return models.ReminderChannel{}, false
}
