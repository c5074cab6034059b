package dashboards

import (
	"strconv"
	"testing"
	"time"

	"ruralkpi/models"
)

// TestNewAuditPage builds the audit page without a server: times in China, actions named, a list
// longer than the page's limit cut and marked.
func TestNewAuditPage(t *testing.T) {
	at := time.Date(2024, 8, 6, 2, 0, 0, 0, time.UTC)
	entries := make([]models.AuditEntry, AuditPageLimit+1)
	for i := range entries {
		entries[i] = models.AuditEntry{ID: uint(i + 1), At: at, Actor: "office", Action: models.AuditReopen}
	}
	tests := []struct {
		name      string
		entries   []models.AuditEntry
		rows      int
		truncated bool
	}{
		{"one entry", entries[:1], 1, false},
		{"exactly the limit", entries[:AuditPageLimit], AuditPageLimit, false},
		{"one over the limit", entries, AuditPageLimit, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := NewAuditPage(AuditQuery{Action: models.AuditReopen}, tt.entries, "action=period.reopen")
			if len(page.Rows) != tt.rows || page.Truncated != tt.truncated {
				t.Fatalf("rows %d truncated %v, want %d %v", len(page.Rows), page.Truncated, tt.rows, tt.truncated)
			}
			if r := page.Rows[0]; r.When != "2024-08-06 10:00:00" || r.ActionLabel != "重新开放" {
				t.Errorf("row = %q %q, want China time and 重新开放", r.When, r.ActionLabel)
			}
			if page.ExportQuery != "action=period.reopen" || page.Filter.Action != models.AuditReopen || len(page.Actions) != len(models.AuditActions()) {
				t.Errorf("filter echo %+v export %q", page.Filter, page.ExportQuery)
			}
		})
	}
}

// TestNewRemindersPage builds the reminders page without a server: kinds and states named, failed
// deliveries marked, secrets masked, a missing base address warned about.
func TestNewRemindersPage(t *testing.T) {
	rs := models.ReminderSettings{Channels: []models.ReminderChannel{
		{Audience: "office", Kind: "webhook", Target: "https://example.test/hook", Secret: "stored"},
		{Audience: "530302", Kind: "webhook", Target: "https://example.test/x", Secret: "env:HOOK_KEY"},
	}}
	due := []models.PlannedReminder{{Reminder: models.Reminder{Kind: models.ReminderDue, Audience: "530302", Title: "请报送"}, NoChannel: true}}
	log := []models.ReminderDelivery{
		{Kind: models.ReminderRed, Status: models.DeliveryGaveUp, Attempts: 5, CreatedAt: time.Date(2024, 8, 6, 2, 0, 0, 0, time.UTC)},
		{Kind: models.ReminderTest, Status: models.DeliverySent},
	}
	page := NewRemindersPage(rs, due, log, true, "RURALKPI_SECRET_KEY")
	tests := []struct {
		name, got, want string
	}{
		{"channels masked", page.ChannelsText, "office webhook https://example.test/hook ******\n530302 webhook https://example.test/x env:HOOK_KEY\n"},
		{"no base address warned", strconv.FormatBool(page.NoBaseURL), "true"},
		{"due kind named", page.Due[0].Kind, "截止日提醒"},
		{"due without channel", strconv.FormatBool(page.Due[0].NoChannel), "true"},
		{"log time in China", page.Log[0].At, "2024-08-06 10:00"},
		{"log kind named", page.Log[0].Kind, "新增红灯"},
		{"log state named", page.Log[0].Status, "失败，已放弃"},
		{"given up is failed", strconv.FormatBool(page.Log[0].Failed), "true"},
		{"sent is not failed", strconv.FormatBool(page.Log[1].Failed), "false"},
		{"channel list", page.Channels[1], "530302 webhook https://example.test/x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
			}
		})
	}
}
