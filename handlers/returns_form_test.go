package handlers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"

	"ruralkpi/dashboards"
	"ruralkpi/models"
)

// formFigures are 麒麟区's June 2024 figures, notes and milestones, typed both ways below.
var formFigures = struct {
	values     map[string]string
	notes      map[string]string
	milestones map[string][3]string
}{
	values:     map[string]string{"service_points": "398", "hub_parks": "2", "outbound_parcels": "612.5", "ev_replacement": "8"},
	notes:      map[string]string{"service_points": "含新建 6 个"},
	milestones: map[string][3]string{"joint_distribution": {"已完成", "2023-11-20", "已运行"}, "third_party_company": {"建设中", "", "选址中"}},
}

// formValues are formFigures as the web form posts them.
func formValues(county, period, action string) url.Values {
	f := url.Values{"county": {county}, "period": {period}, "action": {action}}
	for code, v := range formFigures.values {
		f.Set("v_"+code, v)
	}
	for code, n := range formFigures.notes {
		f.Set("n_"+code, n)
	}
	for code, m := range formFigures.milestones {
		f.Set("s_"+code, m[0])
		f.Set("d_"+code, m[1])
		f.Set("mn_"+code, m[2])
	}
	return f
}

// templateWith downloads a unit's template and types formFigures into it, as a clerk in Excel.
func templateWith(t *testing.T, app *fiber.App, county, period string) []byte {
	t.Helper()
	status, body := get(t, app, "/api/v1/returns/template?county="+county+"&period="+period)
	if status != 200 {
		t.Fatalf("template: %d %s", status, body)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for sheet, cols := range map[string][]int{"月报": {8, 9}, "里程碑": {5, 6, 7}} {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range rows {
			if len(r) == 0 {
				continue
			}
			var texts []string
			if v, ok := formFigures.values[r[0]]; ok && sheet == "月报" {
				texts = []string{v, formFigures.notes[r[0]]}
			}
			if m, ok := formFigures.milestones[r[0]]; ok && sheet == "里程碑" {
				texts = m[:]
			}
			for j, text := range texts {
				if text == "" {
					continue
				}
				cell, _ := excelize.CoordinatesToCellName(cols[j], i+1)
				if err := f.SetCellStr(sheet, cell, text); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	var out bytes.Buffer
	if _, err := f.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func postForm(t *testing.T, app *fiber.App, path string, form url.Values) (int, []byte) {
	t.Helper()
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(t, app, req)
}

// plainFigures strips a version down to what the clerk typed: values, notes and milestones.
func plainFigures(v models.ReturnVersion) ([]models.ReturnValue, []models.MilestoneReport) {
	var vals []models.ReturnValue
	for _, x := range v.Values {
		vals = append(vals, models.ReturnValue{Indicator: x.Indicator, Value: x.Value, Note: x.Note})
	}
	var ms []models.MilestoneReport
	for _, m := range v.Milestones {
		ms = append(ms, models.MilestoneReport{Indicator: m.Indicator, State: m.State, DoneOn: m.DoneOn, Note: m.Note})
	}
	return vals, ms
}

// TestWebFormStoresWhatTheTemplateStores types the same figures into the template and into the web
// form, on two fresh databases, and compares the stored versions.
func TestWebFormStoresWhatTheTemplateStores(t *testing.T) {
	fileApp, fileServer := returnsApp(t)
	if status, body := postFile(t, fileApp, "/api/v1/returns", "qilin.xlsx", templateWith(t, fileApp, "530302", "2024-06"), nil); status != 201 {
		t.Fatalf("upload: %d %s", status, body)
	}
	formApp, formServer := returnsApp(t)
	status, body := get(t, formApp, "/returns/form?county=530302&period=2024-06")
	if status != 200 || !strings.Contains(string(body), `name="v_service_points"`) || !strings.Contains(string(body), `name="s_joint_distribution"`) {
		t.Fatalf("form page: %d %.300s", status, body)
	}
	status, body = postForm(t, formApp, "/returns/form", formValues("530302", "2024-06", "preview"))
	if status != 200 || !strings.Contains(string(body), "检查通过") || !strings.Contains(string(body), `value="submit"`) {
		t.Fatalf("preview: %d %s", status, body)
	}
	if _, err := formServer.Store.LatestVersion("530302", "2024-06"); err == nil {
		t.Fatal("the preview stored a version")
	}
	status, body = postForm(t, formApp, "/returns/form", formValues("530302", "2024-06", "submit"))
	if status != 200 || !strings.Contains(string(body), "网页填报已保存为第 1 版") {
		t.Fatalf("submit: %d %s", status, body)
	}
	fromFile, err := fileServer.Store.LatestVersion("530302", "2024-06")
	if err != nil {
		t.Fatal(err)
	}
	fromForm, err := formServer.Store.LatestVersion("530302", "2024-06")
	if err != nil {
		t.Fatal(err)
	}
	fv, fm := plainFigures(fromFile)
	wv, wm := plainFigures(fromForm)
	if !reflect.DeepEqual(fv, wv) || !reflect.DeepEqual(fm, wm) || fromFile.Warnings != fromForm.Warnings || len(wv) != 4 || len(wm) != 2 {
		t.Errorf("versions differ:\nfile %+v %+v %s\nform %+v %+v %s", fv, fm, fromFile.Warnings, wv, wm, fromForm.Warnings)
	}
	if fromForm.Source != models.SourceWeb || fromForm.Status != models.StatusSubmitted || fromForm.FileHash == "" || fromForm.UploadedBy != "test-office" {
		t.Errorf("form version %+v", fromForm)
	}
}

// formCheckAnswer is the JSON of /returns/form/check.
type formCheckAnswer struct {
	OK     bool         `json:"ok"`
	Errors []fieldIssue `json:"errors"`
}

// uploadRefusal is the refusal of the upload API: its problems (422) or its error (409).
type uploadRefusal struct {
	Error  struct{ Message string } `json:"error"`
	Errors []struct {
		Cell, Message string
	} `json:"errors"`
}

// TestWebFormRefusesWhatTheUploadRefuses checks the refusals that need the database — a locked
// month and another unit's return — come from the form's check as from an upload, on the field.
// (Every rule of the figures themselves is compared in returns.TestFormAndTemplateAgree.)
func TestWebFormRefusesWhatTheUploadRefuses(t *testing.T) {
	app, s := returnsApp(t)
	// Bodies are streamed and read by readBody, as in the server (handlers.New).
	clerkApp := fiber.New(fiber.Config{Immutable: true, ErrorHandler: s.errorHandler, StreamRequestBody: true, DisablePreParseMultipartForm: true})
	clerkApp.Use(func(c *fiber.Ctx) error {
		c.Locals(localUser, &models.User{Username: "county-530303", Role: models.RoleCounty, UnitCode: "530303"})
		return c.Next()
	}, s.readBody)
	s.routes(clerkApp)
	if status, _ := get(t, clerkApp, "/returns/form?county=530302&period=2024-06"); status != 403 {
		t.Errorf("a clerk opened another unit's form: %d", status)
	}
	if status, body := get(t, clerkApp, "/returns/form?period=2024-06"); status != 200 || !strings.Contains(string(body), "沾益区 · 2024-06") {
		t.Errorf("a clerk's own form: %d", status)
	}
	if status, body := get(t, app, "/returns/form?period=2024-06"); status != 200 || strings.Contains(string(body), `id="return-form"`) || !strings.Contains(string(body), `name="county"`) {
		t.Errorf("the office without a unit should get the chooser only: %d", status)
	}
	cases := []struct {
		name, county, period, field string
		app                         *fiber.App
		wantUpload                  int
	}{
		{name: "locked month", county: "530302", period: "2024-03", field: "period", app: app, wantUpload: 409},
		{name: "another unit's return", county: "530302", period: "2024-06", field: "county", app: clerkApp, wantUpload: 422},
		{name: "text in a number", county: "530302", period: "2024-06", field: "v_service_points", app: app, wantUpload: 422},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			file := templateWith(t, app, tc.county, tc.period)
			form := formValues(tc.county, tc.period, "")
			if tc.field == "v_service_points" {
				form.Set("v_service_points", "三百九十八")
				file = filledReturn(t, app, map[string]any{"service_points": "三百九十八"})
			}
			status, body := postFile(t, tc.app, "/api/v1/returns", "r.xlsx", file, nil)
			var up uploadRefusal
			if err := json.Unmarshal(body, &up); status != tc.wantUpload || err != nil {
				t.Fatalf("upload: %d %s", status, body)
			}
			want := up.Error.Message
			if len(up.Errors) > 0 {
				want = up.Errors[0].Message
			}
			status, body = postForm(t, tc.app, "/returns/form/check", form)
			var got formCheckAnswer
			if err := json.Unmarshal(body, &got); status != 422 || err != nil || got.OK || len(got.Errors) == 0 {
				t.Fatalf("check: %d %s", status, body)
			}
			var onField []string
			for _, e := range got.Errors {
				if e.Field == tc.field {
					onField = append(onField, e.Message)
				}
			}
			if len(onField) == 0 || onField[0] != want {
				t.Errorf("want %q on %s, got %s", want, tc.field, fmt.Sprint(got.Errors))
			}
			// The page itself (no script) shows it too, and stores nothing.
			form.Set("action", "submit")
			status, body = postForm(t, tc.app, "/returns/form", form)
			if status != 422 || !strings.Contains(string(body), htmlEscape(want)) {
				t.Errorf("page: %d, want %q in %.2000s", status, want, body)
			}
			if _, err := s.Store.LatestVersion(tc.county, tc.period); err == nil {
				t.Error("a refused form stored a version")
			}
		})
	}
}

// htmlEscape escapes as html/template does in text.
func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

// TestWebFormRepeatedSubmitStoresOneVersion submits the same preview twice, as a double click or the
// browser's "resubmit" does: one version is stored and the second answer shows it. The version keeps
// what the clerk typed as its original, downloadable like an upload's file; a later submit of other
// figures from the newer form is a new version.
func TestWebFormRepeatedSubmitStoresOneVersion(t *testing.T) {
	app, s := returnsApp(t)
	status, body := get(t, app, "/returns/form?county=530302&period=2024-06")
	if status != 200 || !strings.Contains(string(body), `name="base" value="0"`) {
		t.Fatalf("form page: %d, want the version it was laid out on (base 0)", status)
	}
	form := formValues("530302", "2024-06", "submit")
	form.Set("base", "0")
	for i := 0; i < 2; i++ {
		status, body := postForm(t, app, "/returns/form", form)
		if status != 200 || !strings.Contains(string(body), "第 1 版") {
			t.Fatalf("submit %d: %d %.400s", i+1, status, body)
		}
	}
	versions, err := s.Store.Versions(models.VersionFilter{UnitCode: "530302", Period: "2024-06"})
	if err != nil || len(versions) != 1 {
		t.Fatalf("versions after a repeated submit: %d %v", len(versions), err)
	}
	v := versions[0]
	if v.FileHash == "" || !strings.HasSuffix(v.FileName, ".json") {
		t.Fatalf("the web version keeps no original: %+v", v)
	}
	status, body = get(t, app, fmt.Sprintf("/returns/versions/%d/file", v.ID))
	var orig struct {
		Unit   string            `json:"unit"`
		Period string            `json:"period"`
		Base   int               `json:"base_version"`
		Fields map[string]string `json:"fields"`
	}
	if err := json.Unmarshal(body, &orig); status != 200 || err != nil || orig.Unit != "530302" || orig.Period != "2024-06" ||
		orig.Fields["v_service_points"] != "398" || orig.Fields["n_service_points"] != "含新建 6 个" || orig.Fields["s_third_party_company"] != "建设中" {
		t.Errorf("original: %d %v %s", status, err, body)
	}
	status, body = get(t, app, "/returns/history?county=530302&period=2024-06")
	if status != 200 || !strings.Contains(string(body), fmt.Sprintf("/returns/versions/%d/file", v.ID)) {
		t.Errorf("history has no link to the web version's original: %d", status)
	}
	// A preview on version 1 shows the differences from it, beside the field's check (JSON) too.
	form.Set("base", "1")
	form.Set("v_service_points", "405")
	form.Set("action", "preview")
	status, body = postForm(t, app, "/returns/form", form)
	if status != 200 || !strings.Contains(string(body), "与第 1 版比较") || !regexp.MustCompile(`<td class="num">398</td><td class="num">405</td>`).Match(body) {
		t.Errorf("the preview does not show 398 → 405: %d", status)
	}
	status, body = postForm(t, app, "/returns/form/check", form)
	var check formCheck
	changed := map[string]dashboards.PreviewRow{}
	if err := json.Unmarshal(body, &check); status != 200 || err != nil || check.Previous != 1 {
		t.Fatalf("check: %d %v %s", status, err, body)
	}
	for _, r := range check.Changes {
		if r.Kind != "无变化" {
			changed[r.Code] = r
		}
	}
	if r := changed["service_points"]; len(changed) != 1 || r.Old != "398" || r.New != "405" {
		t.Errorf("check's changes: %s", body)
	}
	if vs, _ := s.Store.Versions(models.VersionFilter{UnitCode: "530302", Period: "2024-06"}); len(vs) != 1 {
		t.Errorf("a preview stored a version: %d", len(vs))
	}
	// The same figures from the form laid out on version 1 are a correction the clerk chose: version 2.
	form.Set("v_service_points", "398")
	form.Set("action", "submit")
	if status, body := postForm(t, app, "/returns/form", form); status != 200 || !strings.Contains(string(body), "第 2 版") {
		t.Fatalf("submit on version 1: %d %.400s", status, body)
	}
	// A double click: the same form posted twice at once is one version.
	form.Set("base", "2")
	form.Set("v_service_points", "410")
	var wg sync.WaitGroup
	statuses := make([]int, 2)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := httptest.NewRequest("POST", "/returns/form", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Authorization", "Bearer "+testOfficeToken)
			resp, err := app.Test(req, -1)
			if err == nil {
				statuses[i] = resp.StatusCode
			}
		}()
	}
	wg.Wait()
	if vs, err := s.Store.Versions(models.VersionFilter{UnitCode: "530302", Period: "2024-06"}); err != nil || len(vs) != 3 || statuses[0] != 200 || statuses[1] != 200 {
		t.Errorf("a double click: %d versions (want 3), answers %v, %v", len(vs), statuses, err)
	}
}
