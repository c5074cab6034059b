package handlers

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestErrorPageLeadsBackToTheForm: a refused form (here approving a version already returned)
// offers a link back to the page it came from, not only to the overview; another site's page is
// not linked.
func TestErrorPageLeadsBackToTheForm(t *testing.T) {
	e := newAccessEnv(t)
	fx := newAccessFixtures(t, e)
	office := e.loggedIn("office")
	if res := office.do("POST", "/review/"+fx.versionID, url.Values{"decision": {"return"}, "note": {"请核对"}}); res.status != 303 {
		t.Fatalf("return: %d", res.status)
	}
	for _, tc := range []struct{ referer, want string }{
		{"http://example.com/review?period=2024-06", `<a href="/review?period=2024-06">返回上一页</a>`},
		{"http://evil.example/phish", ""},
		{"", ""},
	} {
		t.Run(tc.referer, func(t *testing.T) {
			form := url.Values{"decision": {"approve"}, "_csrf": {office.jar[csrfCookie]}}
			req := httptest.NewRequest("POST", "/review/"+fx.versionID, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tc.referer != "" {
				req.Header.Set("Referer", tc.referer)
			}
			res := office.send(req)
			if res.status != 409 {
				t.Fatalf("approving a returned version: %d", res.status)
			}
			if got := strings.Contains(res.body, "返回上一页"); got != (tc.want != "") || (tc.want != "" && !strings.Contains(res.body, tc.want)) {
				t.Errorf("back link: %v, want %q in %.300s", got, tc.want, res.body)
			}
		})
	}
}
