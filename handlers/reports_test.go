package handlers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"math"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"ruralkpi/dashboards"
	"ruralkpi/internal/testkit"
	"ruralkpi/models"
	"ruralkpi/reports"
)

func TestMonthlyWorkbookEndpoint(t *testing.T) {
	app, s := newTestApp(t, true)
	req := httptest.NewRequest("GET", "/api/v1/reports/monthly?period=2024-06", nil)
	req.Header.Set("Authorization", "Bearer "+testOfficeToken)
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), "monthly-2024-06.xlsx") {
		t.Fatalf("status %d, headers %v", resp.StatusCode, resp.Header)
	}
	f, err := excelize.OpenReader(resp.Body, excelize.Options{UnzipSizeLimit: 64 << 20, UnzipXMLSizeLimit: 32 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, want := len(f.GetSheetList()), 4+len(s.Plan.Root.Children); got != want {
		t.Errorf("%d sheets, want %d: %v", got, want, f.GetSheetList())
	}
	title, _ := f.GetCellValue("汇总", "A1")
	if !strings.Contains(title, "2024年6月") {
		t.Errorf("title %q", title)
	}
}

func TestReportEndpointsErrors(t *testing.T) {
	app, _ := newTestApp(t, true)
	tests := []struct {
		name, url string
		status    int
		contains  string
	}{
		{"bad month", "/api/v1/reports/monthly?period=2024-13", 422, "格式不正确"},
		{"outside plan", "/api/v1/reports/monthly?period=2022-06", 422, "不在方案实施期"},
		{"unknown unit", "/api/v1/reports/unit.csv?period=2024-06&unit=999999", 404, "没有代码"},
		{"unknown indicator", "/api/v1/reports/indicator.csv?period=2024-06&indicator=nope", 404, "没有代码"},
		{"briefing bad month", "/briefing?period=abc", 422, "格式不正确"},
		{"progress csv", "/api/v1/reports/progress.csv?period=2024-06", 200, "\uFEFF月份,指标代码,指标"},
		{"matrix csv", "/api/v1/reports/matrix.csv?period=2024-06", 200, "\uFEFF指标,计量单位,曲靖市,麒麟区"},
		{"unit csv", "/api/v1/reports/unit.csv?period=2024-06&unit=530325", 200, "富源县"},
		{"indicator csv", "/api/v1/reports/indicator.csv?period=2024-06&indicator=service_points", 200, "service_points,村（社区）级"},
		{"returns csv", "/api/v1/reports/returns.csv?period=2024-07", 200, "530323,师宗县,2024-08-05,,未报送"},
		{"latest month by default", "/briefing", 200, "2025年12月"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := get(t, app, tc.url)
			if status != tc.status || !strings.Contains(string(body), tc.contains) {
				t.Errorf("GET %s: %d %s; want %d containing %q", tc.url, status, truncate(body), tc.status, tc.contains)
			}
		})
	}
}

// TestBriefingSentencesMatchRenderedTables checks, on the page as served, that every figure the
// summary states is printed in one of the page's tables.
func TestBriefingSentencesMatchRenderedTables(t *testing.T) {
	app, _ := newTestApp(t, true)
	tablePattern := regexp.MustCompile(`(?s)<table.*?</table>`)
	summaryPattern := regexp.MustCompile(`(?s)<p class="summary">(.*?)</p>`)
	tagPattern := regexp.MustCompile(`<[^>]*>`)
	figurePattern := regexp.MustCompile(`\d[\d,]*(?:\.\d+)?%?`)
	for _, month := range []string{"2023-08", "2023-12", "2024-06", "2024-07", "2025-06", "2025-12"} {
		t.Run(month, func(t *testing.T) {
			status, body := get(t, app, "/briefing?period="+month)
			if status != 200 {
				t.Fatalf("status %d: %s", status, truncate(body))
			}
			page := string(body)
			shown := map[string]bool{}
			for _, tab := range tablePattern.FindAllString(page, -1) {
				for _, n := range figurePattern.FindAllString(html.UnescapeString(tagPattern.ReplaceAllString(tab, " ")), -1) {
					shown[n] = true
				}
			}
			sentences := summaryPattern.FindAllStringSubmatch(page, -1)
			if len(sentences) < 4 {
				t.Fatalf("%d sentences", len(sentences))
			}
			label := month[:4] + "年" + strings.TrimPrefix(month[5:], "0") + "月"
			for _, m := range sentences {
				text := strings.ReplaceAll(html.UnescapeString(m[1]), label, "")
				for _, n := range figurePattern.FindAllString(text, -1) {
					if !shown[n] {
						t.Errorf("figure %s of %q is in no table", n, text)
					}
				}
			}
			for _, section := range []string{"主要目标完成情况", "进展排名", "本月新增滞后指标", "月报报送情况", "督办事项"} {
				if !strings.Contains(page, section) {
					t.Errorf("section %s missing", section)
				}
			}
		})
	}
}

func TestBriefingPDF(t *testing.T) {
	if _, err := reports.FindChromium(""); err != nil {
		testkit.Missing(t, "chromium", "apt-get install chromium; without it /briefing.pdf answers with a message")
	}
	app, _ := newTestApp(t, true)
	// The briefing and the plan's close-out (总结评估) are both printed by the server.
	for _, path := range []string{"/briefing.pdf?period=2024-07", "/closeout.pdf"} {
		t.Run(path, func(t *testing.T) {
			req := httptest.NewRequest("GET", path, nil)
			req.Header.Set("Authorization", "Bearer "+testOfficeToken)
			resp, err := app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var buf bytes.Buffer
			if _, err := buf.ReadFrom(resp.Body); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != 200 || !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
				t.Fatalf("status %d, %s", resp.StatusCode, truncate(buf.Bytes()))
			}
		})
	}
}

// TestMonthlyWorkbookAgreesWithProgressAPI compares the summary sheet with GET /api/v1/progress
// for the same month, value by value.
func TestMonthlyWorkbookAgreesWithProgressAPI(t *testing.T) {
	app, s := newTestApp(t, true)
	for _, month := range []string{"2023-10", "2024-06", "2025-12"} {
		t.Run(month, func(t *testing.T) {
			status, body := get(t, app, "/api/v1/progress?period="+month)
			if status != 200 {
				t.Fatalf("progress API: %d %s", status, truncate(body))
			}
			var api dashboards.ProgressResponse
			if err := json.Unmarshal(body, &api); err != nil {
				t.Fatal(err)
			}
			status, body = get(t, app, "/api/v1/reports/monthly?period="+month)
			if status != 200 {
				t.Fatalf("workbook: %d", status)
			}
			f, err := excelize.OpenReader(bytes.NewReader(body), excelize.Options{UnzipSizeLimit: 64 << 20, UnzipXMLSizeLimit: 32 << 20, RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rows, err := f.GetRows("汇总")
			if err != nil {
				t.Fatal(err)
			}
			type rowKey struct{ indicator, unit string }
			sheet := map[rowKey][]string{}
			for _, r := range rows[3:] {
				sheet[rowKey{r[0], r[1]}] = r
			}
			// The office's city-wide figures have a city row only: per unit the API says office_only
			// and the sheet, like the pages, leaves them out.
			var items []dashboards.ProgressItem
			for _, item := range api.Items {
				if item.GreyReason != string(models.GreyOfficeOnly) {
					items = append(items, item)
				}
			}
			if len(items) == 0 || len(items) == len(api.Items) || len(sheet) != len(items) {
				t.Fatalf("%d API items (%d not office-only), %d sheet rows", len(api.Items), len(items), len(sheet))
			}
			for _, item := range items {
				ind, _ := s.Plan.Indicator(item.Indicator)
				code := item.County
				if code == "" {
					code = s.Plan.Root.Code
				}
				u, _ := s.Plan.Unit(code)
				name := u.Name
				if u.ShortName != "" {
					name = u.ShortName
				}
				r, ok := sheet[rowKey{ind.Name, name}]
				if !ok {
					t.Errorf("no sheet row for %s %s", ind.Name, name)
					continue
				}
				word := models.Progress{Status: models.ProgressStatus(item.Status), GreyReason: models.GreyReason(item.GreyReason)}.StatusWord()
				if r[8] != word && !(item.Status == "grey" && r[8] == "未开始报送") {
					t.Errorf("%s %s: status %q, API %q", item.Indicator, code, r[8], item.Status)
				}
				if ind.Judged() == models.ScheduleMilestone {
					continue // tasks print as words (已完成, 2024年底前完成); their statuses are compared above
				}
				for col, want := range map[int]*float64{3: item.Target, 4: item.Expected, 5: item.Actual, 6: item.Ratio} {
					got, err := strconv.ParseFloat(r[col], 64)
					switch {
					case want == nil && err == nil:
						t.Errorf("%s %s column %d: %v in the sheet, null in the API", item.Indicator, code, col, got)
					case want != nil && (err != nil || math.Abs(got-*want) > 1e-4*math.Max(1, math.Abs(*want))):
						t.Errorf("%s %s column %d: %q in the sheet, %v in the API", item.Indicator, code, col, r[col], *want)
					}
				}
			}
		})
	}
}

func TestBriefingListsOpenFollowUps(t *testing.T) {
	app, s := newTestApp(t, true)
	opened := time.Date(2024, 8, 10, 9, 0, 0, 0, models.ReportingZone())
	f, err := s.Store.OpenFollowUp(s.Plan, models.NewFollowUp{UnitCode: "530325", Indicator: "service_points", Title: "加快村级网点建设",
		Assignee: "富源县邮政管理局", DueDate: "2024-08-31"}, models.Actor{Username: "office"}, opened)
	if err != nil {
		t.Fatal(err)
	}
	open, err := s.Store.FollowUps("")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range open {
		if f.Status != models.FollowUpClosed {
			n++
		}
	}
	status, body := get(t, app, "/briefing?period=2024-07")
	page := string(body)
	if status != 200 || !strings.Contains(page, f.Title) || !strings.Contains(page, "富源县邮政管理局") || !strings.Contains(page, fmt.Sprintf("未销号%d项", n)) {
		t.Errorf("status %d; follow-up missing from the briefing", status)
	}
}
