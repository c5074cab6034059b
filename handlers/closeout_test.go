package handlers

import (
	"fmt"
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

// TestCloseoutReadsTheReadModel: the close-out answers from the read model every other page answers
// from, kept up to date by the server's writes, instead of reading every figure from the database
// again (16 s a request on the national data set). A figure changed behind the server's back — raw
// SQL, which none of its doors writes — reaches neither the unit page nor the close-out; it had
// reached the close-out alone.
func TestCloseoutReadsTheReadModel(t *testing.T) {
	app, s := newTestApp(t, true)
	before, err := s.closeout()
	if err != nil {
		t.Fatal(err)
	}
	db := rawSQL(t, s.Store)
	res, err := db.Exec(`UPDATE return_values SET value = value + 1000 WHERE version_id IN (SELECT id FROM return_versions WHERE unit_code = '530302')`)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		t.Fatal("no figure of 麒麟区 to change")
	}
	after, err := s.closeout()
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(after.Units) != fmt.Sprint(before.Units) || fmt.Sprint(after.City) != fmt.Sprint(before.City) {
		t.Error("the close-out read the figures from the database again instead of the read model")
	}
	if status, body := get(t, app, "/closeout"); status != 200 || !strings.Contains(string(body), "各单位") {
		t.Errorf("close-out page: %d", status)
	}
}
