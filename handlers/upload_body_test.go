package handlers

import (
	"archive/zip"
	"bytes"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/internal/testkit"
	"ruralkpi/models"
	"ruralkpi/uploads"
)

// postLedgerAPI posts a ledger file (none when file is nil) to the API as the office and returns the
// status and JSON.
func postLedgerAPI(t *testing.T, app *fiber.App, fields map[string]string, file []byte) (int, map[string]any) {
	t.Helper()
	body, ctype := testkit.Form(fields, "台账.xlsx", file)
	req := httptest.NewRequest("POST", "/api/v1/ledger", body)
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Authorization", "Bearer "+testOfficeToken)
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%d %.300s", resp.StatusCode, b)
	}
	return resp.StatusCode, out
}

// padLedger adds a stored part of n random bytes to a workbook: a ledger of that size on the wire
// that the reader accepts (it reads only the parts it needs).
func padLedger(t *testing.T, book []byte, n int) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(book), int64(len(book)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "xl/media/photo.bin", Method: zip.Store})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.CopyN(w, rand.Reader, int64(n)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestUploadBodyLimitAgreesWithLedgerLimit: a ledger over the old 16 MiB body limit but under the
// documented 64 MiB ledger limit is read; a body over the limit is a 413 that says the limits in
// Chinese (it used to tell the clerk they had chosen the wrong file).
func TestUploadBodyLimitAgreesWithLedgerLimit(t *testing.T) {
	app, _ := returnsApp(t) // June 2024 is open on its clock
	unit := map[string]string{"county": "530302", "period": "2024-06", "dry_run": "1"}
	good := ledgerTestFile(t, [][]any{{"P001", "潇湘村快递服务站", "越州镇", "潇湘村", "2023-08-15", "运营中", nil, "是", "否", 12000, 3000, "中国邮政"}})
	status, out := postLedgerAPI(t, app, unit, padLedger(t, good, 20<<20))
	if status != 200 || out["points"] != float64(1) {
		t.Errorf("a 20 MiB ledger: %d %v", status, out)
	}
	status, out = postLedgerAPI(t, app, unit, padLedger(t, good, 66<<20))
	msg, _ := out["error"].(map[string]any)["message"].(string)
	if status != fiber.StatusRequestEntityTooLarge || !strings.Contains(msg, "台账文件不能超过 64 MB") {
		t.Errorf("a 66 MiB body: %d %q", status, msg)
	}
}

// TestUploadSpooledToAppFolder: an upload is spooled into the server's own temporary folder and
// nothing of it is left there (or in the system folder) after the request.
func TestUploadSpooledToAppFolder(t *testing.T) {
	sysTmp := t.TempDir()
	t.Setenv("TMPDIR", sysTmp)
	app, s := returnsApp(t) // June 2024 is open on its clock
	good := ledgerTestFile(t, [][]any{{"P001", "潇湘村快递服务站", "越州镇", "潇湘村", "2023-08-15", "运营中", nil, "是", "否", 12000, 3000, "中国邮政"}})
	if status, out := postLedgerAPI(t, app, map[string]string{"county": "530302", "period": "2024-06"}, padLedger(t, good, 1<<20)); status != 201 {
		t.Fatalf("%d %v", status, out)
	}
	var left []string
	for _, dir := range []string{s.tmp.Run(), sysTmp} {
		_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && filepath.Base(p) != "lock" {
				left = append(left, p)
			}
			return nil
		})
	}
	if len(left) > 0 {
		t.Errorf("files left after the upload: %v", left)
	}
}

// TestPendingPreviewsCapped: previews waiting for confirmation are capped per user; a new preview
// replaces the user's oldest, whose token then no longer confirms.
func TestPendingPreviewsCapped(t *testing.T) {
	e := newAccessEnv(t)
	if err := e.store.ReplaceAdminVillages("530302", []models.AdminVillage{{Township: "越州镇", Name: "潇湘村"}}, "test", models.Actor{Username: "test"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	clerk := e.loggedIn("county-530302")
	good := ledgerTestFile(t, [][]any{{"P001", "潇湘村快递服务站", "越州镇", "潇湘村", "2023-08-15", "运营中", nil, "是", "否", 12000, 3000, "中国邮政"}})
	var tokens []string
	for range ledgerPendingPerUser + 1 {
		res := clerk.uploadForm("/ledger/530302/preview", map[string]string{"period": "2024-06"}, "台账.xlsx", good)
		m := ledgerTokenField.FindStringSubmatch(res.body)
		if res.status != 200 || m == nil {
			t.Fatalf("%d %.500s", res.status, res.body)
		}
		tokens = append(tokens, m[1])
	}
	if des, _ := os.ReadDir(e.server.tmp.Pending()); len(des) != ledgerPendingPerUser {
		t.Errorf("%d previews waiting, want the cap of %d", len(des), ledgerPendingPerUser)
	}
	res := clerk.do("POST", "/ledger/530302/upload", map[string][]string{"period": {"2024-06"}, "token": {tokens[0]}, "file_name": {"a.xlsx"}})
	if res.status != fiber.StatusUnprocessableEntity || !strings.Contains(res.body, "预览已过期") {
		t.Errorf("the oldest preview beyond the cap still confirms: %d", res.status)
	}
	res = clerk.do("POST", "/ledger/530302/upload", map[string][]string{"period": {"2024-06"}, "token": {tokens[len(tokens)-1]}, "file_name": {"a.xlsx"}})
	if res.status != fiber.StatusSeeOther {
		t.Errorf("the newest preview does not confirm: %d %.300s", res.status, res.body)
	}
	// Another user cannot confirm someone else's preview with its token.
	res = clerk.uploadForm("/ledger/530302/preview", map[string]string{"period": "2024-06"}, "台账.xlsx", good)
	m := ledgerTokenField.FindStringSubmatch(res.body)
	if m == nil {
		t.Fatalf("%d", res.status)
	}
	office := e.loggedIn("office")
	if res := office.do("POST", "/ledger/530302/upload", map[string][]string{"period": {"2024-06"}, "token": {m[1]}, "file_name": {"a.xlsx"}}); res.status == fiber.StatusSeeOther {
		t.Errorf("another user confirmed the clerk's preview")
	}
}

// TestPendingTotalCap: all users' waiting previews are capped in number; the oldest go first.
func TestPendingTotalCap(t *testing.T) {
	dir, spools := t.TempDir(), t.TempDir()
	p := pendingLedgers{dir: dir, now: time.Now}
	for i := range ledgerPendingMaxFiles + 5 {
		f := filepath.Join(spools, "spool")
		if err := os.WriteFile(f, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := p.save("user"+string(rune('a'+i%26))+string(rune('a'+i/26)), "530302", "2024-06", &uploads.File{Path: f, Size: 1}); err != nil {
			t.Fatal(err)
		}
	}
	if des, _ := os.ReadDir(dir); len(des) != ledgerPendingMaxFiles {
		t.Errorf("%d previews waiting, want the total cap of %d", len(des), ledgerPendingMaxFiles)
	}
}

// TestAnonymousUploadNotRead: a file from someone not signed in is refused (401/403) and leaves
// nothing in the temporary folder.
func TestAnonymousUploadNotRead(t *testing.T) {
	app, s := newTestApp(t, false)
	body, ctype := testkit.Form(nil, "a.xlsx", bytes.Repeat([]byte("x"), 1<<20))
	req := httptest.NewRequest("POST", "/api/v1/ledger", body)
	req.Header.Set("Content-Type", ctype)
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != fiber.StatusUnauthorized && resp.StatusCode != fiber.StatusForbidden {
		t.Errorf("status %d", resp.StatusCode)
	}
	if des, _ := os.ReadDir(s.tmp.Run()); len(des) != 1 { // the lock file only
		t.Errorf("%d files in the run folder after an anonymous upload", len(des))
	}
}
