package handlers

import (
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

// TestFreeTextLimits posts text one character over each field's limit through the web forms and
// the API: each is refused with a message naming the limit, and nothing is stored; text at the
// limit is accepted.
func TestFreeTextLimits(t *testing.T) {
	e := newAccessEnv(t)
	fx := newAccessFixtures(t, e)
	office := e.loggedIn("office")
	county := e.loggedIn("county-530302")
	over := func(n int) string { return strings.Repeat("长", n+1) }
	ind := e.plan.Indicators[0].Code
	tests := []struct {
		name  string
		c     *accessClient
		path  string
		form  map[string]string
		limit int
		// tooLarge: the body is past the form body limit (10 MB), refused with 413 before it is
		// parsed (a 1.5M-character answer is 13.5 MB url-encoded).
		tooLarge bool
	}{
		{"follow-up title", office, "/followups", map[string]string{"unit": "530302", "indicator": ind, "title": over(models.MaxFollowUpTitle), "assignee": "张三", "due": "2024-08-01"}, models.MaxFollowUpTitle, false},
		{"follow-up assignee", office, "/followups", map[string]string{"unit": "530302", "indicator": ind, "title": "加快", "assignee": over(models.MaxAssignee), "due": "2024-08-01"}, models.MaxAssignee, false},
		{"follow-up answer (1.5M characters)", county, "/followups/" + fx.followUpID + "/answer", map[string]string{"answer": strings.Repeat("长", 1500000)}, models.MaxFollowUpAnswer, true},
		{"follow-up answer", county, "/followups/" + fx.followUpID + "/answer", map[string]string{"answer": over(models.MaxFollowUpAnswer)}, models.MaxFollowUpAnswer, false},
		{"close note", office, "/followups/" + fx.followUpID + "/close", map[string]string{"note": over(models.MaxCloseNote)}, models.MaxCloseNote, false},
		{"return reason", office, "/review/" + fx.versionID, map[string]string{"decision": "return", "note": over(models.MaxReviewNote)}, models.MaxReviewNote, false},
		{"reopen reason", office, "/deadlines/reopen", map[string]string{"period": "2024-05", "unit": "530302", "reason": over(models.MaxReopenReason)}, models.MaxReopenReason, false},
		{"display name", office, "/admin/users", map[string]string{"username": "new-clerk", "display_name": over(models.MaxDisplayName), "password": accessPassword, "role": "leader"}, models.MaxDisplayName, false},
		{"token name", office, "/account/tokens", map[string]string{"name": over(models.MaxTokenName)}, models.MaxTokenName, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := allAuditCount(t, e)
			form := map[string][]string{}
			for k, v := range tt.form {
				form[k] = []string{v}
			}
			res := tt.c.do("POST", tt.path, form)
			if tt.tooLarge {
				if res.status != fiber.StatusRequestEntityTooLarge || !strings.Contains(res.body, "过大") {
					t.Errorf("status %d, want 413 saying the content is too large: %.300s", res.status, stripTags(res.body))
				}
			} else if res.status != fiber.StatusUnprocessableEntity || !strings.Contains(res.body, "不能超过 "+strconv.Itoa(tt.limit)+" 个字") {
				t.Errorf("status %d, want 422 naming the limit %d: %.300s", res.status, tt.limit, stripTags(res.body))
			}
			if after := allAuditCount(t, e); after != before {
				t.Errorf("%d audit entries written for a refused change", after-before)
			}
		})
	}
	t.Run("API return reason", func(t *testing.T) {
		api := e.tokenClient("office")
		req := httptest.NewRequest("POST", "/api/v1/returns/"+fx.versionID+"/review", strings.NewReader(`{"decision":"return","note":"`+over(models.MaxReviewNote)+`"}`))
		req.Header.Set("Content-Type", "application/json")
		res := api.send(req)
		if res.status != fiber.StatusUnprocessableEntity || !strings.Contains(res.body, "不能超过 "+strconv.Itoa(models.MaxReviewNote)+" 个字") {
			t.Errorf("status %d: %.300s", res.status, res.body)
		}
	})
	t.Run("at the limit", func(t *testing.T) {
		res := county.do("POST", "/followups/"+fx.followUpID+"/answer", map[string][]string{"answer": {strings.Repeat("长", models.MaxFollowUpAnswer)}})
		if res.status != fiber.StatusSeeOther {
			t.Errorf("an answer of exactly %d characters: %d", models.MaxFollowUpAnswer, res.status)
		}
	})
	t.Run("forms say the limit", func(t *testing.T) {
		for path, field := range map[string]int{"/followups": models.MaxFollowUpTitle, "/admin/users": models.MaxDisplayName, "/account": models.MaxTokenName} {
			page := office.do("GET", path, nil)
			if !strings.Contains(page.body, `maxlength="`+strconv.Itoa(field)+`"`) || !strings.Contains(page.body, "不超过"+strconv.Itoa(field)+"字") {
				t.Errorf("%s does not state the limit %d", path, field)
			}
		}
	})
}

func allAuditCount(t *testing.T, e *accessEnv) int {
	t.Helper()
	entries, err := e.store.AuditEntries(models.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

// stripTags keeps a page's text for a readable failure message.
func stripTags(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}
