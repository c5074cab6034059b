package cli

import (
	"context"
	"fmt"
	"time"

	"ruralkpi/models"
	"ruralkpi/reminders"
)

func runRemind(env Env, args []string) error {
	fs := newFlags(env, "remind", "Works out the reminders due now under the office's rules (set on the /reminders page). "+
		"With --dry-run it prints them and sends nothing; without, it sends those not yet sent, once, as the server's schedule does.", "", "db")
	dbPath := fs.String("db", "", "database: SQLite file `PATH` or postgres:// URL")
	planPath := fs.String("plan", "", "plan `FILE` (JSON); default: the embedded plan")
	dryRun := fs.Bool("dry-run", false, "print what would be sent now; send nothing, record nothing")
	today := fs.String("today", "", "act as if it were 09:00 on `YYYY-MM-DD` (China Standard Time); default: now")
	keyFile := fs.String("secret-key-file", "", "`FILE` holding the key that decrypts stored secrets (default: $"+reminders.SecretKeyEnv+")")
	if err := fs.parse(args); err != nil {
		return err
	}
	if len(fs.positional()) > 0 {
		return fs.misuse("unexpected argument %q", fs.positional()[0])
	}
	now := time.Now()
	if *today != "" {
		d, err := models.ParseDate(*today)
		if err != nil {
			return fs.misuse("--today %q is not YYYY-MM-DD", *today)
		}
		now = d.Add(9 * time.Hour)
	}
	plan, store, err := openPlanStore(*dbPath, *planPath, existingDB)
	if err != nil {
		return err
	}
	defer store.Close()
	secrets, err := reminders.LoadSecrets(*keyFile, nil)
	if err != nil {
		return err
	}
	s := &reminders.Scheduler{Store: store, Plan: plan, Secrets: secrets, Now: func() time.Time { return now }}
	if !*dryRun {
		res, err := s.RunOnce(context.Background())
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "sent %d, failed %d (will be retried), already sent %d\n", res.Sent, res.Failed, res.Skipped)
		return nil
	}
	due, err := s.Due(now)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "reminders due at %s: %d\n", models.FormatLocalTime(now), len(due))
	for _, d := range due {
		state := "would send"
		switch {
		case d.NoChannel:
			state, d.Channel.Kind, d.Channel.Target = "no channel", "-", "(no channel for this audience)"
		case d.Claimed:
			state = "already sent"
		}
		fmt.Fprintf(env.Stdout, "%-12s %-8s %-9s %s → %s\n  %s\n", state, d.Reminder.Audience, d.Channel.Kind, d.Reminder.Title, d.Channel.Target, d.Reminder.Link)
	}
	return nil
}
