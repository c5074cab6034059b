package cli

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"ruralkpi/models"
)

// TestRemindDryRun: the dry run lists the deadline-day reminder of a unit that has not filed, sends
// nothing and records nothing; a missing database is refused.
func TestRemindDryRun(t *testing.T) {
	db := filepath.Join(t.TempDir(), "r.db")
	plan, store, err := openPlanStore(db, "", createDB)
	if err != nil {
		t.Fatal(err)
	}
	rs := models.ReminderSettings{Rules: models.ReminderRules{OnDeadline: true, BaseURL: "http://kpi.local"},
		Channels: []models.ReminderChannel{{Audience: "530302", Kind: models.ChannelJSON, Target: "http://127.0.0.1:9/hook"}}}
	if err := store.SaveReminderSettings(plan, rs, models.Actor{Username: "office"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	store.Close()
	code, out, errOut := run(t, "", "remind", "--dry-run", "--db", db, "--today", "2024-07-05")
	if code != 0 || !strings.Contains(out, "would send") || !strings.Contains(out, "【今日截止】麒麟区 2024年6月月报尚未报送") ||
		!strings.Contains(out, "http://kpi.local/returns?county=530302&period=2024-06") {
		t.Fatalf("dry run: %d %q %q", code, out, errOut)
	}
	// Units without a channel are listed as such, so the office knows whom nothing reaches.
	if !regexp.MustCompile(`no channel\s+530303`).MatchString(out) {
		t.Errorf("a unit without a channel is not listed:\n%s", out)
	}
	if code, out, _ := run(t, "", "remind", "--dry-run", "--db", db, "--today", "2024-07-06"); code != 0 || !strings.Contains(out, ": 0") {
		t.Errorf("day after: %d %q", code, out)
	}
	_, store, err = openPlanStore(db, "", existingDB)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if log, _ := store.Deliveries(10); len(log) != 0 {
		t.Errorf("the dry run recorded %d deliveries", len(log))
	}
	if code, _, errOut := run(t, "", "remind", "--dry-run", "--db", filepath.Join(t.TempDir(), "none.db")); code != 1 || !strings.Contains(errOut, "does not exist") {
		t.Errorf("missing db: %d %q", code, errOut)
	}
	if code, _, _ := run(t, "", "remind", "--dry-run", "--db", db, "--today", "5 July"); code != 2 {
		t.Errorf("bad --today: %d", code)
	}
}
