package handlers

import (
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/internal/testkit"
	"ruralkpi/models"
)

// do sends req, as the office by API token unless it carries its own Authorization, and returns the
// status and body.
func do(t testing.TB, app *fiber.App, req *http.Request) (int, []byte) {
	t.Helper()
	if req.Header.Get("Authorization") == "" {
		req.Header.Set("Authorization", "Bearer "+testOfficeToken) // the office, by API token: no CSRF
	}
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

func postFile(t *testing.T, app *fiber.App, url, name string, data []byte, fields map[string]string) (int, []byte) {
	t.Helper()
	body, ctype := testkit.Form(fields, name, data)
	req := httptest.NewRequest("POST", url, body)
	req.Header.Set("Content-Type", ctype)
	return do(t, app, req)
}

// filledReturn downloads 麒麟区's June 2024 template and types figures into it.
func filledReturn(t *testing.T, app *fiber.App, values map[string]any) []byte {
	t.Helper()
	status, body := get(t, app, "/api/v1/returns/template?county=530302&period=2024-06")
	if status != 200 {
		t.Fatalf("template: %d %s", status, body)
	}
	return testkit.FillReturn(t, body, values)
}

// returnsApp is the test app with its clock on 10 July 2024, while June 2024 is open for returns.
func returnsApp(t *testing.T) (*fiber.App, *Server) {
	t.Helper()
	app, s := newTestApp(t, false)
	s.Config.Now = func() time.Time { return time.Date(2024, 7, 10, 9, 0, 0, 0, time.UTC) }
	return app, s
}

func TestReturnTemplateEndpoint(t *testing.T) {
	app, _ := returnsApp(t)
	req := httptest.NewRequest("GET", "/api/v1/returns/template?county=530302&period=2024-06", nil)
	req.Header.Set("Authorization", "Bearer "+testOfficeToken)
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), "filename*=UTF-8''%E9%BA%92") {
		t.Errorf("status %d, headers %v", resp.StatusCode, resp.Header)
	}
	for _, bad := range []string{"county=530300&period=2024-06", "county=530302&period=2030-01", "county=530302&period=june"} {
		status, body := get(t, app, "/api/v1/returns/template?"+bad)
		if status != 422 || !strings.Contains(string(body), `"code":"invalid"`) {
			t.Errorf("%s: %d %s", bad, status, body)
		}
	}
}

func TestReturnUploadAPI(t *testing.T) {
	app, s := returnsApp(t)
	file := filledReturn(t, app, map[string]any{"service_points": 118, "outbound_parcels": 612.5})

	status, body := postFile(t, app, "/api/v1/returns?dry_run=1", "r.xlsx", file, nil)
	if status != 200 || !strings.Contains(string(body), `"dry_run":true`) || !strings.Contains(string(body), `"kind":"added"`) {
		t.Fatalf("dry run: %d %s", status, body)
	}
	if _, err := s.Store.LatestVersion("530302", "2024-06"); err != models.ErrNotFound {
		t.Fatalf("dry run stored: %v", err)
	}

	status, body = postFile(t, app, "/api/v1/returns", "r.xlsx", file, nil)
	var created struct {
		Version  versionJSON `json:"version"`
		Warnings []any       `json:"warnings"`
	}
	if err := json.Unmarshal(body, &created); err != nil || status != 201 || created.Version.Number != 1 || created.Warnings == nil {
		t.Fatalf("upload: %d %s", status, body)
	}

	entries, err := s.Store.AuditEntries(models.AuditFilter{Action: models.AuditUpload})
	if err != nil || len(entries) != 1 || entries[0].Subject != "530302 2024-06" {
		t.Errorf("audit trail: %+v %v", entries, err)
	}

	status, body = postFile(t, app, "/api/v1/returns", "r.xlsx", file, nil)
	if status != 409 || !strings.Contains(string(body), "已经上传过") {
		t.Errorf("same file again: %d %s", status, body)
	}

	bad, err := os.ReadFile("../importers/returns/testdata/bad_values.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	status, body = postFile(t, app, "/api/v1/returns", "bad.xlsx", bad, nil)
	var refused struct {
		Errors []struct{ Sheet, Cell, Indicator, Message string } `json:"errors"`
	}
	if err := json.Unmarshal(body, &refused); err != nil || status != 422 || len(refused.Errors) != 11 ||
		refused.Errors[1].Sheet != "月报" || refused.Errors[1].Cell != "H6" || refused.Errors[1].Indicator != "service_points" {
		t.Errorf("bad file: %d %s", status, body)
	}
	versions, _ := s.Store.ReturnHistory("530302", "2024-06")
	if len(versions) != 1 {
		t.Errorf("%d versions stored, want 1", len(versions))
	}

	status, body = get(t, app, "/api/v1/returns/versions?county=530302&period=2024-06")
	if status != 200 || !strings.Contains(string(body), `"number":1`) {
		t.Errorf("versions: %d %s", status, body)
	}
	req := httptest.NewRequest("POST", "/api/v1/returns", strings.NewReader("x"))
	if status, body := do(t, app, req); status != 422 || !strings.Contains(string(body), "请选择要上传的月报文件") {
		t.Errorf("no file: %d %s", status, body)
	}
}

func TestReturnWebUploadWithPreview(t *testing.T) {
	app, _ := returnsApp(t)
	status, body := get(t, app, "/returns?county=530302&period=2024-06")
	if status != 200 || !strings.Contains(string(body), "下载月报模板") {
		t.Fatalf("upload page: %d", status)
	}
	file := filledReturn(t, app, map[string]any{"service_points": 118})
	status, body = postFile(t, app, "/returns/preview", "麒麟区.xlsx", file, map[string]string{"county": "530302", "period": "2024-06"})
	if status != 200 || !strings.Contains(string(body), "检查通过") || !strings.Contains(string(body), "确认后将保存为第 1 版") {
		t.Fatalf("preview: %d %s", status, body)
	}
	m := regexp.MustCompile(`name="file_b64" value="([^"]+)"`).FindSubmatch(body)
	if m == nil {
		t.Fatal("no file carried to the confirm step")
	}
	form := url.Values{"file_b64": {html.UnescapeString(string(m[1]))}, "file_name": {"麒麟区.xlsx"}, "county": {"530302"}, "period": {"2024-06"}}
	req := httptest.NewRequest("POST", "/returns", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	status, body = do(t, app, req)
	if status != 200 || !strings.Contains(string(body), "已保存为第 1 版") || !strings.Contains(string(body), "麒麟区.xlsx") {
		t.Fatalf("confirm: %d %s", status, body)
	}

	// A file for another county than the one chosen is refused with the reason.
	status, body = postFile(t, app, "/returns/preview", "x.xlsx", file, map[string]string{"county": "530303"})
	if status != 422 || !strings.Contains(string(body), "与所选（或您所属）单位沾益区不符") {
		t.Errorf("wrong county: %d", status)
	}
	status, body = get(t, app, "/returns/history?county=530302&period=2024-06")
	if status != 200 || !strings.Contains(string(body), "第 1 版（当前有效）") {
		t.Errorf("history: %d", status)
	}

	// The problem table names the indicator in Chinese (the code stays in a tooltip).
	bad := filledReturn(t, app, map[string]any{"service_points": -3})
	status, body = postFile(t, app, "/returns/preview", "麒麟区.xlsx", bad, map[string]string{"county": "530302", "period": "2024-06"})
	if status != 422 || !strings.Contains(string(body), `<span title="service_points">村（社区）级快递物流电商末端服务网点</span>`) {
		t.Errorf("problem table: %d %s", status, truncate(body))
	}
}

func TestOfficeEntry(t *testing.T) {
	app, s := returnsApp(t)
	status, body := get(t, app, "/returns/office?period=2024-06")
	if status != 200 || !strings.Contains(string(body), "农村快递物流降本") || strings.Contains(string(body), "村（社区）级快递物流电商末端服务网点") {
		t.Fatalf("office form: %d", status)
	}
	post := func(form url.Values) (int, []byte) {
		req := httptest.NewRequest("POST", "/returns/office", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return do(t, app, req)
	}
	status, body = post(url.Values{"period": {"2024-06"}, "v_cost_reduction": {"130"}})
	if status != 422 || !strings.Contains(string(body), "不能超过 100") {
		t.Errorf("bad office figure: %d", status)
	}
	if strings.Contains(string(body), "cost_reduction：") {
		t.Error("the office form's error shows the indicator's internal code")
	}
	status, body = post(url.Values{"period": {"2024-06"}, "v_cost_reduction": {"12.5%"}, "v_firms_10m": {"4"}, "s_trunk_zhejiang": {"已完成"}, "d_trunk_zhejiang": {"2023-12-01"}})
	if status != 200 || !strings.Contains(string(body), "办公室录入已保存") {
		t.Fatalf("office save: %d %s", status, body)
	}
	v, err := s.Store.LatestVersion(s.Plan.Root.Code, "2024-06")
	if err != nil || v.Source != models.SourceOffice || len(v.Values) != 2 || len(v.Milestones) != 1 {
		t.Errorf("stored %+v %v", v, err)
	}
	// The office ticks a county's 工作专班 on the same form, one row per county (issue 13).
	if _, body := get(t, app, "/returns/office?period=2024-06"); !strings.Contains(string(body), "县（市、区）组建成立工作专班（会泽县）") ||
		!strings.Contains(string(body), `name="s_county_task_force@530326"`) {
		t.Errorf("office form lacks the county ticks")
	}
	status, body = post(url.Values{"period": {"2024-06"}, "s_county_task_force@530326": {"已完成"}, "d_county_task_force@530326": {"2023-10-08"}})
	if status != 200 {
		t.Fatalf("office tick: %d %s", status, body)
	}
	ds, err := s.Store.Dataset("2024-06")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, m := range ds.Milestones {
		found = found || m.Unit == "530326" && m.Indicator == "county_task_force" && m.State == models.MilestoneDone && m.Ticked
	}
	if !found {
		t.Error("the office's tick is not 会泽县's task in the dataset")
	}
}

// TestCountyUserIsConfinedToOwnUnit signs a county user in (as the sessions middleware will) and
// checks every returns door refuses another county's return.
func TestCountyUserIsConfinedToOwnUnit(t *testing.T) {
	_, s := newTestApp(t, false)
	app := fiber.New(fiber.Config{Immutable: true, ErrorHandler: s.errorHandler, StreamRequestBody: true, DisablePreParseMultipartForm: true})
	app.Use(func(c *fiber.Ctx) error {
		c.Locals(localUser, &models.User{Username: "zhanyi", Role: models.RoleCounty, UnitCode: "530303"})
		return c.Next()
	}, s.readBody)
	s.routes(app)
	if status, _ := get(t, app, "/api/v1/returns/template?county=530302&period=2024-06"); status != 403 {
		t.Errorf("other county's template: %d", status)
	}
	if status, _ := get(t, app, "/api/v1/returns/template?county=530303&period=2024-06"); status != 200 {
		t.Errorf("own template: %d", status)
	}
	file, err := os.ReadFile("../importers/returns/testdata/ok_template.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	status, body := postFile(t, app, "/api/v1/returns", "qilin.xlsx", file, nil)
	if status != 422 || !strings.Contains(string(body), "单位沾益区不符") {
		t.Errorf("other county's upload: %d %s", status, body)
	}
	if status, _ := get(t, app, "/returns/office"); status != 403 {
		t.Errorf("office form for a county user: %d", status)
	}
	if status, _ := get(t, app, "/returns/history?county=530302&period=2024-06"); status != 403 {
		t.Errorf("other county's history: %d", status)
	}
}

// TestCorrectionOfAnEarlierMonthIsFlaggedForTheOffice: a correction that raises an earlier month's
// to-date figure above what a later month says (issue 13, item 8) is named on the preview, and the
// office's review page flags the later month to be corrected too.
func TestCorrectionOfAnEarlierMonthIsFlaggedForTheOffice(t *testing.T) {
	app, s := returnsApp(t)
	june := filledReturn(t, app, map[string]any{"service_points": 120, "mfg_parks": 0})
	if status, body := postFile(t, app, "/api/v1/returns", "june.xlsx", june, nil); status != 201 {
		t.Fatalf("June: %d %s", status, body)
	}
	if _, err := s.Store.Reopen("530302", models.MustPeriod("2024-05"), "更正", models.Actor{Username: "office"}, s.Config.Now()); err != nil {
		t.Fatal(err)
	}
	status, tpl := get(t, app, "/api/v1/returns/template?county=530302&period=2024-05")
	if status != 200 {
		t.Fatalf("May template: %d", status)
	}
	may := testkit.FillReturn(t, tpl, map[string]any{"service_points": 110, "mfg_parks": 1})
	status, body := postFile(t, app, "/api/v1/returns?dry_run=1", "may.xlsx", may, nil)
	if status != 200 || !strings.Contains(string(body), "后续月份需更正") || !strings.Contains(string(body), "2024年6月（0）") {
		t.Fatalf("preview of the May correction: %d %s", status, truncate(body))
	}
	var dry struct {
		Warnings []struct{ Indicator, Message string } `json:"warnings"`
	}
	if err := json.Unmarshal(body, &dry); err != nil {
		t.Fatal(err)
	}
	var flagged []string
	for _, w := range dry.Warnings {
		if strings.HasPrefix(w.Message, "后续月份需更正") {
			flagged = append(flagged, w.Indicator)
		}
	}
	if strings.Join(flagged, ",") != "mfg_parks" {
		t.Errorf("later months flagged on %v, want mfg_parks only (110 service points stay below June's 120)", flagged)
	}
	if status, body := postFile(t, app, "/api/v1/returns", "may.xlsx", may, nil); status != 201 {
		t.Fatalf("May: %d %s", status, truncate(body))
	}
	status, page := get(t, app, "/review")
	if status != 200 || !strings.Contains(string(page), "later-months") || !strings.Contains(string(page), "快递服务进园区更正为 1 后，已确认的 2024年6月（0）") {
		t.Errorf("review page does not flag June for the office: %d", status)
	}
}
