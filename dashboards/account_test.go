package dashboards

import (
	"strings"
	"testing"
	"time"

	"ruralkpi/internal/testkit"
	"ruralkpi/models"
)

// TestNewLoginPage: the sign-in form carries where to go, the name typed and why it failed.
func TestNewLoginPage(t *testing.T) {
	tests := []struct {
		name, next, username, problem string
	}{
		{"fresh form", "/ledger", "", ""},
		{"failed", "/", "office", "用户名或密码错误。"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := NewLoginPage(tc.next, tc.username, tc.problem); got != (LoginPage{Next: tc.next, Username: tc.username, Error: tc.problem}) {
				t.Errorf("got %+v", got)
			}
		})
	}
}

// TestNewAccountPage: the account page names the role and unit in Chinese and writes each token's
// moments to the minute in China Standard Time, "—" for a token never used.
func TestNewAccountPage(t *testing.T) {
	p := testkit.Plan(t)
	created := time.Date(2024, 7, 3, 2, 0, 0, 0, time.UTC) // 10:00 in Beijing
	used := created.Add(90 * time.Minute)
	tokens := []models.APIToken{{ID: 1, Name: "脚本", CreatedAt: created}, {ID: 2, Name: "同步", CreatedAt: created, LastUsedAt: &used}}
	tests := []struct {
		name                 string
		user                 models.User
		newToken, problem    string
		wantRole, wantUnit   string
		wantCreated, wantUse []string
	}{
		{"county clerk with a new token", models.User{Role: models.RoleCounty, UnitCode: "530302"}, "rk_new", "",
			"县级填报", p.UnitName("530302"), []string{"2024-07-03 10:00", "2024-07-03 10:00"}, []string{"—", "2024-07-03 11:30"}},
		{"office refused a change", models.User{Role: models.RoleOffice}, "", "两次输入的新密码不一致。",
			"专班办公室", "", []string{"2024-07-03 10:00", "2024-07-03 10:00"}, []string{"—", "2024-07-03 11:30"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := NewAccountPage(p, tc.user, tokens, tc.newToken, tc.problem)
			if d.Role != tc.wantRole || d.Unit != tc.wantUnit || d.NewToken != tc.newToken || d.Error != tc.problem {
				t.Errorf("page %+v", d)
			}
			var created, lastUsed []string
			for _, r := range d.Tokens {
				created, lastUsed = append(created, r.Created), append(lastUsed, r.LastUsed)
			}
			if strings.Join(created, "|") != strings.Join(tc.wantCreated, "|") || strings.Join(lastUsed, "|") != strings.Join(tc.wantUse, "|") {
				t.Errorf("created %q, last used %q", created, lastUsed)
			}
		})
	}
}

// TestNewUsersPage: every user with the role and unit named and their own live tokens; the roles
// offered in the form's order; a refused change's message.
func TestNewUsersPage(t *testing.T) {
	p := testkit.Plan(t)
	users := []models.User{{ID: 1, Username: "office", Role: models.RoleOffice}, {ID: 2, Username: "county-530302", Role: models.RoleCounty, UnitCode: "530302"},
		{ID: 3, Username: "old", Role: "auditor"}}
	// Made at 01:30 UTC: 09:30 in China, where the office reads it (the page wrote the stored UTC time).
	tokens := map[uint][]models.APIToken{2: {{ID: 7, Name: "脚本", CreatedAt: time.Date(2025, 10, 4, 1, 30, 0, 0, time.UTC)}}}
	tests := []struct {
		name    string
		problem string
	}{
		{"shown", ""},
		{"refused", "用户名已存在。"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := NewUsersPage(p, users, tokens, tc.problem)
			var rows []string
			for _, u := range d.Users {
				rows = append(rows, u.Username+" "+u.RoleLabel+" "+u.UnitName+" "+strings.Repeat("*", len(u.Tokens)))
			}
			want := []string{"office 专班办公室  ", "county-530302 县级填报 " + p.UnitName("530302") + " *", "old auditor  "}
			if strings.Join(rows, "|") != strings.Join(want, "|") {
				t.Errorf("rows %q, want %q", rows, want)
			}
			if len(d.Roles) != 3 || d.Roles[0] != [2]string{models.RoleOffice, "专班办公室"} || d.Roles[2] != [2]string{models.RoleLeader, "领导（只读）"} {
				t.Errorf("roles %q", d.Roles)
			}
			if got := d.Users[1].Tokens[0].Created; got != "2025-10-04 09:30" {
				t.Errorf("token made %q, want 2025-10-04 09:30 (China Standard Time)", got)
			}
			if len(d.Units) != len(p.ReportingUnits()) || d.Error != tc.problem {
				t.Errorf("%d units, error %q", len(d.Units), d.Error)
			}
		})
	}
}
