package handlers

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"

	"ruralkpi/models"
	"ruralkpi/store"
)

// hostileCells are what a user may type into any free-text field: formulas in every disguise.
var hostileCells = []string{
	`=HYPERLINK("http://evil.example","x")`, `＝HYPERLINK("http://evil.example","fw")`, `+cmd|' /C calc'!A0`,
	`@SUM(1+1)*cmd|' /C calc'!A0`, "\t=1+2", `-2+3+cmd|' /C calc'!A0`, `＠evil`, " =evil",
}

// exportRoutes is every route that writes a CSV file or a workbook, with a URL that reaches it.
// TestEveryExportDefusesFormulas checks the routes table against this list, so a new export
// cannot be added without being tested here.
func exportRoutes(indicator string) map[string]string {
	return map[string]string{
		"/audit/export":                     "/audit/export",
		"/api/v1/reports/progress.csv":      "/api/v1/reports/progress.csv?period=2024-06",
		"/api/v1/reports/matrix.csv":        "/api/v1/reports/matrix.csv?period=2024-06",
		"/api/v1/reports/unit.csv":          "/api/v1/reports/unit.csv?unit=530302&period=2024-06",
		"/api/v1/reports/indicator.csv":     "/api/v1/reports/indicator.csv?indicator=" + indicator + "&period=2024-06",
		"/api/v1/reports/returns.csv":       "/api/v1/reports/returns.csv?period=2024-06",
		"/api/v1/reports/monthly":           "/api/v1/reports/monthly?period=2024-06",
		"/allocations/template":             "/allocations/template",
		"/api/v1/returns/template":          "/api/v1/returns/template?county=530302&period=2024-06",
		"/api/v1/ledger/template":           "/api/v1/ledger/template?county=530302",
		"/ledger/:county/villages/template": "/ledger/530302/villages/template",
		"/api/v1/reports/closeout.xlsx":     "/api/v1/reports/closeout.xlsx",
	}
}

// notExports are GET routes that send a file but no cell of ours (the uploader's own original, the
// PDFs) or that are pages.
var notExports = map[string]bool{"/returns/versions/:id/file": true, "/briefing.pdf": true, "/closeout.pdf": true,
	"/closeout": true} // the close-out page itself (HTML); its workbook is an export

// looksLikeExport picks from the routes table everything that may be a download.
var looksLikeExport = regexp.MustCompile(`export|template|\.csv|\.xlsx|monthly|closeout|download|/file|\.pdf`)

// TestEveryExportDefusesFormulas puts hostile text into every free-text field that reaches an
// export (a failed login's user name, a return's notes, ledger points, the village list), then
// downloads every export and checks that no cell would run as a formula, while numbers stay
// numbers.
func TestEveryExportDefusesFormulas(t *testing.T) {
	app, s := newTestApp(t, true)
	ind := ""
	for _, i := range s.Plan.Indicators {
		if i.Kind != models.KindMilestone && i.Reporter == models.ReporterCounty {
			ind = i.Code
			break
		}
	}
	routes := exportRoutes(ind)
	t.Run("routes table", func(t *testing.T) {
		for _, r := range app.GetRoutes(true) {
			if r.Method != fiber.MethodGet || !looksLikeExport.MatchString(r.Path) || notExports[r.Path] {
				continue
			}
			if _, ok := routes[r.Path]; !ok {
				t.Errorf("GET %s looks like an export but is not in exportRoutes", r.Path)
			}
		}
	})
	seedHostile(t, app, s, ind)
	carriers := map[string]bool{"/audit/export": true, "/api/v1/returns/template": true, "/api/v1/ledger/template": true,
		"/ledger/:county/villages/template": true}
	for route, target := range routes {
		t.Run(route, func(t *testing.T) {
			status, body := get(t, app, target)
			if status != fiber.StatusOK {
				t.Fatalf("%s: %d %.300s", target, status, body)
			}
			cells := exportCells(t, body)
			if len(cells) == 0 {
				t.Fatal("no cells read")
			}
			seen := false
			for _, c := range cells {
				if strings.Contains(c, "evil") || strings.Contains(c, "calc") {
					seen = true
				}
				if live(c) {
					t.Errorf("live formula in a cell: %q", c)
				}
			}
			if carriers[route] && !seen {
				t.Error("the hostile text did not reach this export: the test proves nothing here")
			}
		})
	}
}

// live says whether a spreadsheet would read the cell as a formula.
func live(c string) bool {
	t := strings.TrimLeft(c, " \u00a0\u3000")
	if t == "" || !strings.ContainsAny(t[:len(string([]rune(t)[0]))], "=+-@\t\r\n＝＋－＠") {
		return false
	}
	return !regexp.MustCompile(`^[+-]?[0-9][0-9,]*(\.[0-9]*)?([eE][+-]?[0-9]+)?%?$`).MatchString(c)
}

// exportCells reads every text cell of a CSV file or every string cell of a workbook.
func exportCells(t *testing.T, body []byte) []string {
	t.Helper()
	if bytes.HasPrefix(body, []byte("PK")) {
		if _, err := zip.NewReader(bytes.NewReader(body), int64(len(body))); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		var out []string
		for _, sh := range f.GetSheetList() {
			rows, err := f.GetRows(sh, excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				out = append(out, r...)
			}
		}
		return out
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF"))))
	r.FieldsPerRecord = -1
	var out []string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rec...)
	}
	return out
}

// seedHostile writes hostile text into every free-text field an export shows.
func seedHostile(t *testing.T, app *fiber.App, s *Server, ind string) {
	t.Helper()
	// A failed login with a formula for a user name, through the form as an attacker sends it.
	req := httptest.NewRequest("GET", "/login", nil)
	res, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	var token string
	for _, ck := range res.Cookies() {
		if ck.Name == csrfCookie {
			token = ck.Value
		}
	}
	for _, h := range hostileCells {
		req = httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"username": {h}, "password": {"x"}, "_csrf": {token}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: csrfCookie, Value: token})
		if res, err := app.Test(req, -1); err != nil || res.StatusCode != fiber.StatusUnauthorized {
			t.Fatalf("failed login: %v %v", err, res)
		}
	}
	var values []models.ReturnValue
	values = append(values, models.ReturnValue{Indicator: ind, Value: -3, Note: hostileCells[0]})
	if _, err := s.Store.SaveVersion(models.NewVersion{UnitCode: "530302", Period: "2024-06", Source: models.SourceUpload,
		File: []byte("hostile"), FileName: hostileCells[2], Values: values}); err != nil {
		t.Fatal(err)
	}
	if err := s.Store.ReplaceAdminVillages("530302", []models.AdminVillage{{UnitCode: "530302", Township: hostileCells[1], Name: hostileCells[3]}}, "v.xlsx", models.Actor{Username: "office"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Store.SaveLedgerSnapshot(store.NewLedgerSnapshot{UnitCode: "530302", Period: "2024-06", FileName: "x.xlsx", File: []byte("x"),
		Points: []models.LedgerPoint{{Code: hostileCells[4], Name: hostileCells[0], Township: hostileCells[1], Village: hostileCells[3],
			Operator: hostileCells[5], Income: -10, Status: models.LedgerOperating}}}); err != nil {
		t.Fatal(err)
	}
}
