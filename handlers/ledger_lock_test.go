package handlers

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"
	"golang.org/x/crypto/bcrypt"

	"ruralkpi/internal/testkit"
	"ruralkpi/models"
)

// addAccessUser stores one more user of the access tests, with the common password.
func addAccessUser(t *testing.T, e *accessEnv, nu models.NewUser) {
	t.Helper()
	hash, err := bcrypt.GenerateFromPassword([]byte(accessPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	u := models.User{Username: nu.Username, DisplayName: nu.DisplayName, PasswordHash: string(hash), Role: nu.Role, UnitCode: nu.UnitCode, Demo: true}
	insertUser(t, e.store, &u)
}

// bigLedgerFile is a ledger of n points in operation (no village list: names are not checked).
func bigLedgerFile(t *testing.T, n int) []byte {
	t.Helper()
	rows := make([][]any, n)
	for i := range rows {
		rows[i] = []any{fmt.Sprintf("P%05d", i+1), fmt.Sprintf("第%d服务站", i+1), "马过河镇", fmt.Sprintf("村%03d", i%100), "2023-08-15", "运营中", nil, "否", "否", 100, 10, "中国邮政"}
	}
	return ledgerTestFile(t, rows)
}

// progressItem is the figure of one indicator for a county in GET /api/v1/progress.
func progressItem(t *testing.T, c *accessClient, period, county, indicator string) map[string]any {
	t.Helper()
	res := c.do("GET", "/api/v1/progress?period="+period+"&county="+county, nil)
	if res.status != fiber.StatusOK {
		t.Fatalf("progress: %d %s", res.status, res.body)
	}
	var out struct {
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal([]byte(res.body), &out); err != nil {
		t.Fatal(err)
	}
	for _, it := range out.Items {
		if it["indicator"] == indicator {
			return it
		}
	}
	t.Fatalf("no %s in %s", indicator, res.body)
	return nil
}

// countyReturn downloads a unit's template as its clerk and types service_points into it.
func countyReturn(t *testing.T, c *accessClient, unit, period string, servicePoints int) []byte {
	t.Helper()
	res := c.do("GET", "/api/v1/returns/template?county="+unit+"&period="+period, nil)
	if res.status != fiber.StatusOK {
		t.Fatalf("template: %d %.300s", res.status, res.body)
	}
	return testkit.FillReturn(t, []byte(res.body), map[string]any{models.IndServicePoints: servicePoints})
}

// TestLedgerCannotBypassMonthLock is the reported attack: as county-530304 a return for March 2024
// is refused (locked), but a 3,000-point ledger for March went through preview and upload and the
// progress API then showed 3000 service points (the return said 80), approved. Now the ledger obeys
// the lock and reopenings, and its figures carry the snapshot's own review.
func TestLedgerCannotBypassMonthLock(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir()) // previews wait in the temp folder
	e := newAccessEnv(t)            // 2024-07-03: March locked at the end of 2024-04-15
	addAccessUser(t, e, models.NewUser{Username: "county-530304", DisplayName: "马龙区填报员", Role: models.RoleCounty, UnitCode: "530304"})
	if _, err := e.store.SaveVersion(models.NewVersion{UnitCode: "530304", Period: "2024-03", Source: models.SourceUpload, Status: models.StatusApproved,
		UploadedBy: "county-530304", Values: []models.ReturnValue{{Indicator: models.IndServicePoints, Value: 80}}}); err != nil {
		t.Fatal(err)
	}
	clerk := e.tokenClient("county-530304")
	office := e.tokenClient("office")
	march := map[string]string{"period": "2024-03"}
	ledger := bigLedgerFile(t, 3000)
	const lockedMessage = "2024年3月网点台账已于2024年4月15日锁定，如需补报或更正，请联系工作专班办公室重新开放。"
	snapshots := func() []models.LedgerSnapshot {
		t.Helper()
		s, err := e.store.LedgerSnapshots("530304")
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	servicePoints := func(t *testing.T, actual float64, approved bool) map[string]any {
		t.Helper()
		it := progressItem(t, office, "2024-03", "530304", models.IndServicePoints)
		if it["actual"] != actual || it["all_approved"] != approved {
			t.Fatalf("service_points actual %v all_approved %v, want %v %v: %v", it["actual"], it["all_approved"], actual, approved, it)
		}
		return it
	}
	preview := func(t *testing.T, c *accessClient, file []byte) (accessResult, string) {
		t.Helper()
		res := c.uploadForm("/ledger/530304/preview", march, "台账.xlsx", file)
		token := ""
		if m := ledgerTokenField.FindStringSubmatch(res.body); m != nil {
			token = m[1]
		}
		return res, token
	}
	confirm := func(c *accessClient, token string) accessResult {
		return c.do("POST", "/ledger/530304/upload", url.Values{"period": {"2024-03"}, "token": {token}, "file_name": {"台账.xlsx"}})
	}

	t.Run("the return for the locked month is refused", func(t *testing.T) {
		file := countyReturn(t, clerk, "530304", "2024-03", 90)
		body, ctype := testkit.Form(nil, "月报.xlsx", file)
		req := httptest.NewRequest("POST", "/api/v1/returns", body)
		req.Header.Set("Content-Type", ctype)
		if res := clerk.send(req); res.status != fiber.StatusConflict || !strings.Contains(res.body, "2024年3月月报已于2024年4月15日锁定") {
			t.Fatalf("%d %s", res.status, res.body)
		}
	})
	t.Run("the ledger preview is refused alike and stores nothing", func(t *testing.T) {
		res, token := preview(t, clerk, ledger)
		if res.status != fiber.StatusConflict || !strings.Contains(res.body, lockedMessage) || token != "" {
			t.Fatalf("%d %.600s", res.status, res.body)
		}
		if n := len(snapshots()); n != 0 {
			t.Fatalf("%d snapshots stored", n)
		}
		servicePoints(t, 80, true)
	})
	var token string
	t.Run("a reopening lets the preview in", func(t *testing.T) {
		if res := office.do("POST", "/deadlines/reopen", url.Values{"period": {"2024-03"}, "unit": {"530304"}, "reason": {"补报台账"}}); res.status != fiber.StatusSeeOther {
			t.Fatalf("reopen: %d %.300s", res.status, res.body)
		}
		var res accessResult
		res, token = preview(t, clerk, ledger)
		if res.status != fiber.StatusOK || token == "" || !strings.Contains(res.body, "检查通过：3000 个网点") {
			t.Fatalf("%d %.600s", res.status, res.body)
		}
	})
	t.Run("the upload is refused once the reopening has expired", func(t *testing.T) {
		e.clock.Advance(models.ReopenLifetime + time.Hour)
		clerk, office = e.tokenClient("county-530304"), e.tokenClient("office")
		if res := confirm(clerk, token); res.status != fiber.StatusConflict || !strings.Contains(res.body, lockedMessage) {
			t.Fatalf("%d %.600s", res.status, res.body)
		}
		if n := len(snapshots()); n != 0 {
			t.Fatalf("%d snapshots stored", n)
		}
	})
	t.Run("reopened, the upload is stored and awaits review", func(t *testing.T) {
		office.do("POST", "/deadlines/reopen", url.Values{"period": {"2024-03"}, "unit": {"530304"}, "reason": {"补报台账"}})
		_, token = preview(t, clerk, ledger)
		if res := confirm(clerk, token); res.status != fiber.StatusSeeOther {
			t.Fatalf("%d %.600s", res.status, res.body)
		}
		snaps := snapshots()
		if len(snaps) != 1 || snaps[0].Points != 3000 || snaps[0].Status != models.StatusSubmitted {
			t.Fatalf("snapshots %+v", snaps)
		}
	})
	snap := snapshots()[0]
	id := itoaUint(snap.ID)
	t.Run("progress counts the ledger but not as approved", func(t *testing.T) {
		it := servicePoints(t, 3000, false)
		if ids, _ := it["ledger_snapshot_ids"].([]any); len(ids) != 1 || ids[0] != float64(snap.ID) {
			t.Errorf("ledger_snapshot_ids %v", it["ledger_snapshot_ids"])
		}
		page := office.do("GET", "/counties/530304?period=2024-03", nil)
		if page.status != fiber.StatusOK || !strings.Contains(page.body, "网点台账第1版（版本号"+id+"，待审核）") || !strings.Contains(page.body, "第1版（待审核）") {
			t.Errorf("county page does not say the ledger figure is unreviewed: %d", page.status)
		}
	})
	t.Run("the workbook names the ledger and marks it unreviewed", func(t *testing.T) {
		res := office.do("GET", "/api/v1/reports/monthly?period=2024-03", nil)
		if res.status != fiber.StatusOK {
			t.Fatalf("%d %.300s", res.status, res.body)
		}
		f, err := excelize.OpenReader(strings.NewReader(res.body))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows("马龙区")
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range rows {
			if strings.Contains(strings.Join(r, "|"), "2024年3月网点台账第1版（待审核）|含待审核数据") {
				found = true
			}
		}
		if !found {
			t.Errorf("no unreviewed ledger source on the unit sheet: %v", rows)
		}
	})
	t.Run("the office sees the snapshot waiting for review", func(t *testing.T) {
		res := office.do("GET", "/review", nil)
		if !strings.Contains(res.body, "待审核的网点台账（1）") || !strings.Contains(res.body, `action="/review/ledger/`+id+`"`) {
			t.Fatalf("%d %.600s", res.status, res.body)
		}
	})
	t.Run("returning needs a reason; returned figures are not approved", func(t *testing.T) {
		if res := office.do("POST", "/review/ledger/"+id, url.Values{"decision": {"return"}, "note": {" "}}); res.status != fiber.StatusUnprocessableEntity || !strings.Contains(res.body, "退回原因") {
			t.Errorf("return without a reason: %d", res.status)
		}
		if res := office.do("POST", "/review/ledger/"+id, url.Values{"decision": {"return"}, "note": {"网点数与上月相差过大，请核对"}}); res.status != fiber.StatusSeeOther {
			t.Fatalf("return: %d %.300s", res.status, res.body)
		}
		if n := auditCount(t, e.store, models.AuditLedgerReturn); n != 1 {
			t.Errorf("%d audit entries", n)
		}
		servicePoints(t, 3000, false)
		if res := clerk.do("GET", "/review", nil); !strings.Contains(res.body, "网点数与上月相差过大，请核对") {
			t.Errorf("the county does not see the reason: %.600s", res.body)
		}
	})
	t.Run("a returned snapshot can be corrected though the month is locked", func(t *testing.T) {
		e.clock.Advance(models.ReopenLifetime + time.Hour) // the reopening is over
		clerk, office = e.tokenClient("county-530304"), e.tokenClient("office")
		res, token := preview(t, clerk, bigLedgerFile(t, 2990))
		if res.status != fiber.StatusOK || token == "" {
			t.Fatalf("%d %.600s", res.status, res.body)
		}
		if res := confirm(clerk, token); res.status != fiber.StatusSeeOther {
			t.Fatalf("%d %.600s", res.status, res.body)
		}
		servicePoints(t, 2990, false)
	})
	t.Run("approving the corrected snapshot approves its figures", func(t *testing.T) {
		snaps := snapshots()
		if len(snaps) != 2 {
			t.Fatalf("snapshots %+v", snaps)
		}
		req := httptest.NewRequest("POST", "/api/v1/ledger/"+itoaUint(snaps[0].ID)+"/review", strings.NewReader(`{"decision":"approve"}`))
		req.Header.Set("Content-Type", "application/json")
		if res := office.send(req); res.status != fiber.StatusOK || !strings.Contains(res.body, `"status":"approved"`) {
			t.Fatalf("%d %s", res.status, res.body)
		}
		if n := auditCount(t, e.store, models.AuditLedgerApprove); n != 1 {
			t.Errorf("%d audit entries", n)
		}
		servicePoints(t, 2990, true)
		// Approved, the month is locked again for the ledger: no reopening, nothing returned.
		if res, _ := preview(t, clerk, ledger); res.status != fiber.StatusConflict {
			t.Errorf("preview after approval: %d", res.status)
		}
	})
}

// TestLedgerAPIObeysMonthLock is the API door: a locked month is refused with 409, dry run too,
// until the office reopens it.
func TestLedgerAPIObeysMonthLock(t *testing.T) {
	app, s := returnsApp(t) // 2024-07-10: March 2024 is locked
	post := func(fields map[string]string) (int, string) {
		t.Helper()
		status, body := postFile(t, app, "/api/v1/ledger", "台账.xlsx", bigLedgerFile(t, 3), fields)
		return status, string(body)
	}
	for _, dry := range []string{"0", "1"} {
		status, body := post(map[string]string{"county": "530304", "period": "2024-03", "dry_run": dry})
		if status != fiber.StatusConflict || !strings.Contains(body, "2024年3月网点台账已于2024年4月15日锁定") {
			t.Fatalf("dry_run=%s: %d %s", dry, status, body)
		}
	}
	if snaps, _ := s.Store.LedgerSnapshots("530304"); len(snaps) != 0 {
		t.Fatalf("%d snapshots stored", len(snaps))
	}
	if _, err := s.Store.Reopen("530304", models.MustPeriod("2024-03"), "补报", models.Actor{Username: "office"}, s.Config.Now()); err != nil {
		t.Fatal(err)
	}
	if status, body := post(map[string]string{"county": "530304", "period": "2024-03", "dry_run": "1"}); status != fiber.StatusOK {
		t.Fatalf("reopened dry run: %d %s", status, body)
	}
	if status, body := post(map[string]string{"county": "530304", "period": "2024-03"}); status != fiber.StatusCreated {
		t.Fatalf("reopened: %d %s", status, body)
	}
}
