package handlers

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"ruralkpi/models"
)

// TestHomeByRole: `/` after sign-in is the clerk's month, the office's 10th, the leader's overview
// (issue 14), on the demo's day.
func TestHomeByRole(t *testing.T) {
	e := newDemoEnv(t, models.DemoToday)
	tests := []struct {
		name, user string
		want       []string
		not        []string
	}{
		{"clerk who has not filed", "county-530326", []string{
			"会泽县 · 2025年9月月报", "报送截止 2025年10月5日", "status-grey\">未报",
			"/api/v1/returns/template?county=530326&amp;period=2025-09", "上传2025年9月月报",
			"村级快递服务站点建设进度低于序时进度", "期限 2025-10-12", "上月数据（2025年8月）", "每月还需", `href="/ledger/530326"`,
		}, []string{"工作总览", "锁定，如需"}},
		{"clerk sent back and filed again", "county-530325", []string{"富源县 · 2025年9月月报", "待审核", "快递业务收入连续三个月滞后"}, nil},
		{"office", "office", []string{
			"本月工作台", "会泽县</a> <span class=\"status status-grey\">未到期", "马龙区",
			"罗平县 <span class=\"status status-amber\">2025年8月逾期报送", "富源县 2025-09 第2版", "待审核台账", "沾益区 2025-09",
			"逾期督办", "师宗县 · 统仓共配", "/followups?due=2025-10-18&amp;indicator=", "/api/v1/reports/monthly?period=2025-09", "/briefing?period=2025-09",
		}, []string{"上传2025年9月月报"}},
		{"leader", "leader", []string{"工作总览", "指标状态矩阵"}, []string{"本月工作台", "followup-link"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.tokenClient(tt.user).do("GET", "/", nil)
			if res.status != 200 {
				t.Fatalf("status %d: %.300s", res.status, res.body)
			}
			for _, w := range tt.want {
				if !strings.Contains(res.body, w) {
					t.Errorf("home of %s lacks %q", tt.user, w)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(res.body, w) {
					t.Errorf("home of %s shows %q", tt.user, w)
				}
			}
		})
	}
	t.Run("the office's matrix offers a follow-up on red unit cells", func(t *testing.T) {
		res := e.tokenClient("office").do("GET", "/overview", nil)
		if !strings.Contains(res.body, `class="followup-link" href="/followups?`) {
			t.Error("no 督办 link in the office's overview")
		}
	})
	t.Run("a locked month says so before an upload", func(t *testing.T) {
		e.clock.Advance(20 * 24 * time.Hour) // 24 October: September locked, 会泽县 never filed
		res := e.tokenClient("county-530326").do("GET", "/", nil)
		for _, w := range []string{"2025年9月月报已于", "锁定，如需补报或更正，请联系工作专班办公室重新开放", "重新开放由工作专班办公室"} {
			if !strings.Contains(res.body, w) {
				t.Errorf("locked home lacks %q", w)
			}
		}
		if strings.Contains(res.body, "上传2025年9月月报") {
			t.Error("a locked month still offers the upload")
		}
	})
}

// TestPagesOpenOnTheClocksMonth: allocations open on the clock's year, the deadlines grid on the
// newest months (issue 14's polish: they opened on 2023 and 2023-08).
func TestPagesOpenOnTheClocksMonth(t *testing.T) {
	e := newDemoEnv(t, models.DemoToday)
	office := e.tokenClient("office")
	if res := office.do("GET", "/allocations", nil); !strings.Contains(res.body, `value="2025" selected`) {
		t.Errorf("allocations do not open on 2025:\n%.300s", res.body[strings.Index(res.body, "<main>"):])
	}
	res := office.do("GET", "/deadlines", nil)
	// One grid per year, newest first: 2025 starts with September, 2023 ends with August.
	y25, y23 := strings.Index(res.body, "<h3>2025年</h3>"), strings.Index(res.body, "<h3>2023年</h3>")
	if y25 < 0 || y23 < y25 || !strings.HasPrefix(res.body[strings.Index(res.body[y25:], "<th>单位</th>")+y25:], "<th>单位</th><th>9月</th>") {
		t.Error("the deadlines grid does not start with the newest month")
	}
}

// TestOfficeHomeListsOnlyTheNewestVersion: a superseded version waiting for review is not listed.
func TestOfficeHomeListsOnlyTheNewestVersion(t *testing.T) {
	e := newDemoEnv(t, models.DemoToday)
	v, err := e.store.LatestVersion("530302", "2025-09")
	if err != nil {
		t.Fatal(err)
	}
	again := models.NewVersion{UnitCode: "530302", Period: "2025-09", Source: models.SourceDemo, UploadedBy: "county-530302",
		UploadedAt: v.UploadedAt.Add(time.Hour), Values: []models.ReturnValue{{Indicator: "service_points", Value: 250}}}
	if err := e.store.SaveVersions([]models.NewVersion{again}); err != nil {
		t.Fatal(err)
	}
	res := e.tokenClient("office").do("GET", "/", nil)
	if strings.Contains(res.body, "麒麟区 2025-09 第1版") || !strings.Contains(res.body, "麒麟区 2025-09 第2版") {
		t.Error("the office's waiting list shows a superseded version")
	}
}

// TestReviewShowsReviewersByDisplayName: the review page showed the user name "office".
func TestReviewShowsReviewersByDisplayName(t *testing.T) {
	e := newDemoEnv(t, models.DemoToday)
	u, err := e.store.UserByName("office")
	if err != nil {
		t.Fatal(err)
	}
	res := e.tokenClient("county-530325").do("GET", "/review", nil)
	cell := func(text string) *regexp.Regexp {
		return regexp.MustCompile(`<td( data-label="[^"]*")?>` + regexp.QuoteMeta(text) + `</td>`)
	}
	if !cell(u.DisplayName).MatchString(res.body) || cell("office").MatchString(res.body) {
		t.Errorf("reviewers not shown as %q", u.DisplayName)
	}
}

// TestVersionsShowPeopleAndReturnsPlainly: the unit page's returns and a month's version history named
// people by user name (county-530325, office) and wrote 已退回 in the same plain text as 已通过.
func TestVersionsShowPeopleAndReturnsPlainly(t *testing.T) {
	e := newDemoEnv(t, models.DemoToday)
	names := map[string]string{}
	for _, user := range []string{"office", "county-530325"} {
		u, err := e.store.UserByName(user)
		if err != nil {
			t.Fatal(err)
		}
		names[user] = u.DisplayName
	}
	office := e.tokenClient("office")
	tests := []struct {
		name, url string
		want      []string
		wantNot   []string
	}{
		// The unit page lists a month once, its newest version: 2025-09's returned first version is
		// on the month's history, where the link (共2版) leads.
		{"unit page", "/counties/530325?period=2025-09",
			[]string{"<td>" + names["county-530325"] + "</td>", `<span class="status status-green">已通过</span>`,
				`<a href="/returns/history?county=530325&amp;period=2025-09">第2版（共2版）</a>`},
			[]string{"<td>county-530325</td>", "version-returned"}},
		{"review", "/review",
			[]string{`<td data-label="上传人">` + names["county-530325"] + "</td>"},
			[]string{">county-530325</td>", ">office</td>"}},
		{"closed follow-ups", "/followups",
			[]string{`<td data-label="销号人">` + names["office"] + "</td>"},
			[]string{">office</td>"}},
		{"version history", "/returns/history?county=530325&period=2025-09",
			[]string{"上传人：" + names["county-530325"], "审核人：" + names["office"], `状态：<span class="status status-red">已退回</span>`},
			[]string{"上传人：county-530325", "审核人：office"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := office.do("GET", tc.url, nil)
			if res.status != 200 {
				t.Fatalf("GET %s: %d", tc.url, res.status)
			}
			for _, w := range tc.want {
				if !strings.Contains(res.body, w) {
					t.Errorf("GET %s lacks %q", tc.url, w)
				}
			}
			for _, w := range tc.wantNot {
				if strings.Contains(res.body, w) {
					t.Errorf("GET %s still has %q", tc.url, w)
				}
			}
		})
	}
}

// TestFollowUpFromTheMatrixHasADueDay: the matrix's 督办 link opened the form with an empty due day.
func TestFollowUpFromTheMatrixHasADueDay(t *testing.T) {
	e := newDemoEnv(t, models.DemoToday)
	office := e.tokenClient("office")
	page := office.do("GET", "/followups?due=&indicator=service_points&unit=530304&title=x", nil)
	if !strings.Contains(page.body, `name="due" required value="2025-10-18"`) {
		t.Error("the follow-up form opened from the matrix has no due day two weeks after 2025-10-04")
	}
}

// TestReturnLooksUnlikeApprove: on the review page 退回 was the same blue button as 通过.
func TestReturnLooksUnlikeApprove(t *testing.T) {
	e := newDemoEnv(t, models.DemoToday)
	office := e.tokenClient("office")
	page := office.do("GET", "/review", nil)
	returns := strings.Count(page.body, `value="return"`)
	if returns == 0 || strings.Count(page.body, `value="return" class="button-return">退回`) != returns {
		t.Errorf("%d 退回 buttons, not all styled as returns", returns)
	}
	css := office.do("GET", "/static/css/app.css", nil)
	if !strings.Contains(css.body, ".button-return {") {
		t.Error("app.css has no style for a return button")
	}
}
