package handlers

import (
	"html"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"ruralkpi/models"
)

// TestQualityFlagsShownAndDismissed: a return whose figures all end in "00" is flagged (never
// refused) on the preview, the review queue and the unit page; the office dismisses the flag with a
// reason, audited, and it disappears.
func TestQualityFlagsShownAndDismissed(t *testing.T) {
	app, s := returnsApp(t)
	values := map[string]any{}
	round := []int{1200, 300, 4500, 100}
	for _, ind := range s.Plan.Indicators {
		if len(values) < len(round) && ind.Reporter == "county" && (ind.Kind == models.KindCumulative || ind.Kind == models.KindAnnual) && ind.Numerator == "" {
			values[ind.Code] = round[len(values)]
		}
	}
	file := filledReturn(t, app, values)
	// The API's dry run and upload answer carry the flags too.
	status, body := postFile(t, app, "/api/v1/returns?dry_run=1", "麒麟区.xlsx", file, map[string]string{"county": "530302", "period": "2024-06"})
	if status != 200 || !strings.Contains(string(body), `"quality_flags":[{"key":"same_digits:530302:2024-06:00","rule":"same_digits"`) {
		t.Fatalf("api dry run: %d %s", status, truncate(body))
	}
	status, body = postFile(t, app, "/returns/preview", "麒麟区.xlsx", file, map[string]string{"county": "530302", "period": "2024-06"})
	if status != 200 || !strings.Contains(string(body), "检查通过") || !strings.Contains(string(body), "尾数雷同") || !strings.Contains(string(body), "末两位都是“00”") {
		t.Fatalf("preview: %d %s", status, truncate(body))
	}
	m := regexp.MustCompile(`name="file_b64" value="([^"]+)"`).FindSubmatch(body)
	form := url.Values{"file_b64": {html.UnescapeString(string(m[1]))}, "file_name": {"麒麟区.xlsx"}, "county": {"530302"}, "period": {"2024-06"}}
	req := httptest.NewRequest("POST", "/returns", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if status, body := do(t, app, req); status != 200 {
		t.Fatalf("confirm: %d %s", status, truncate(body))
	}
	for _, page := range []string{"/review", "/counties/530302?period=2024-06"} {
		status, body := get(t, app, page)
		if status != 200 || !strings.Contains(string(body), "末两位都是“00”") || !strings.Contains(string(body), `/returns/history?county=530302&amp;period=2024-06`) {
			t.Fatalf("%s: %d %s", page, status, truncate(body))
		}
	}
	key := "same_digits:530302:2024-06:00"
	if !strings.Contains(string(body), `value="`+key+`"`) {
		t.Fatalf("no dismiss form for %s", key)
	}
	dismiss := func(reason string) int {
		req := httptest.NewRequest("POST", "/quality/dismiss", strings.NewReader(url.Values{"key": {key}, "reason": {reason}, "back": {"/counties/530302?period=2024-06"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		status, _ := do(t, app, req)
		return status
	}
	if got := dismiss(" "); got != 422 {
		t.Fatalf("dismissal without a reason: %d", got)
	}
	if got := dismiss("县里确认为整数统计口径"); got != 303 {
		t.Fatalf("dismiss: %d", got)
	}
	status, body = get(t, app, "/counties/530302?period=2024-06")
	if status != 200 || strings.Contains(string(body), "末两位都是“00”") || !strings.Contains(string(body), "已忽略 1 条") {
		t.Fatalf("after dismissal: %d %s", status, truncate(body))
	}
	entries, err := s.Store.AuditEntries(models.AuditFilter{Action: models.AuditQualityDismiss})
	if err != nil || len(entries) != 1 || entries[0].Subject != key || entries[0].After != "县里确认为整数统计口径" {
		t.Fatalf("audit %+v %v", entries, err)
	}
}
