package handlers

import (
	"strings"
	"testing"
	"time"

	"ruralkpi/models"
	"ruralkpi/reports"
)

// TestCloseoutAfterThePlan: once the plan is over the office and leaders get its summary; on the
// demo day it is a provisional one.
func TestCloseoutAfterThePlan(t *testing.T) {
	app, s := newTestApp(t, true)
	s.Config.Now = func() time.Time { return time.Date(2026, 12, 1, 10, 0, 0, 0, models.ReportingZone()) }
	status, body := get(t, app, "/closeout")
	if status != 200 {
		t.Fatalf("status %d: %.300s", status, body)
	}
	for _, want := range []string{"已实施完毕", "数据截至2025年12月", "各单位2025年目标完成排名", "师宗县 · 统仓共配", "/api/v1/reports/closeout.xlsx"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("close-out page lacks %q", want)
		}
	}
	status, body = get(t, app, "/api/v1/reports/closeout.xlsx")
	if status != 200 || !strings.HasPrefix(string(body), "PK") {
		t.Errorf("workbook: %d, %d bytes", status, len(body))
	}
	e := newDemoEnv(t, models.DemoToday)
	if res := e.tokenClient("leader").do("GET", "/closeout", nil); !strings.Contains(res.body, "预评估") || !strings.Contains(res.body, "达到序时进度") ||
		!strings.Contains(res.body, "预警或滞后的指标") || strings.Contains(res.body, "进度落后") {
		t.Error("inside the plan the summary does not say it is provisional, judged on pace in the dashboards' words (正常/预警/滞后)")
	}
}

// TestPrintedDocumentsNumberTheirPages: the briefing PDF had no page numbers.
func TestPrintedDocumentsNumberTheirPages(t *testing.T) {
	_, s := newTestApp(t, false)
	in, err := s.reportInput("")
	if err != nil {
		t.Fatal(err)
	}
	html, err := s.BriefingHTML(reports.BuildBriefing(in))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(html), "counter(page)") {
		t.Error("the briefing document numbers no pages")
	}
}
