package handlers

import (
	"bytes"
	"maps"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"

	"ruralkpi/importers/ledger"
	"ruralkpi/internal/testkit"
	"ruralkpi/models"
	"ruralkpi/store"
)

// uploadForm posts a multipart form with a file and the CSRF token, like the browser does.
func (c *accessClient) uploadForm(path string, fields map[string]string, name string, file []byte) accessResult {
	c.env.t.Helper()
	withToken := map[string]string{"_csrf": c.jar[csrfCookie]}
	maps.Copy(withToken, fields)
	body, ctype := testkit.Form(withToken, name, file)
	req := httptest.NewRequest("POST", path, body)
	req.Header.Set("Content-Type", ctype)
	return c.send(req)
}

// upload posts a file alone (with the CSRF token) as the browser's upload forms do.
func (c *accessClient) upload(path string, file []byte) accessResult {
	c.env.t.Helper()
	return c.uploadForm(path, nil, "allocations.xlsx", file)
}

var ledgerTokenField = regexp.MustCompile(`name="token" value="([0-9a-f]+)"`)

// auditCount counts the audit entries of an action.
func auditCount(t *testing.T, store *store.Store, action string) int {
	t.Helper()
	entries, err := store.AuditEntries(models.AuditFilter{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

func TestLedgerWebUpload(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir()) // previews wait in the temp folder; keep them in the test's
	e := newAccessEnv(t)
	// The server's clock reads UTC, as on a machine set to UTC: the same instant as the env's
	// 2024-07-03 10:00 in China, which the pages must show.
	e.clock.now = e.clock.now.UTC()
	if err := e.store.ReplaceAdminVillages("530302", []models.AdminVillage{{Township: "越州镇", Name: "潇湘村"}, {Township: "越州镇", Name: "越州村"}}, "test", models.Actor{Username: "test"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	clerk := e.loggedIn("county-530302")
	if res := clerk.do("GET", "/ledger/530302", nil); res.status != 200 || !strings.Contains(res.body, `action="/ledger/530302/preview"`) {
		t.Fatalf("ledger page has no upload form: %d", res.status)
	}
	// A leader reads the page but is neither offered the form nor told to upload.
	if res := e.loggedIn("leader").do("GET", "/ledger/530302", nil); res.status != 200 ||
		strings.Contains(res.body, "/preview") || strings.Contains(res.body, "填写后上传") {
		t.Errorf("leader's ledger page offers an upload: %d", res.status)
	}
	good := ledgerTestFile(t, [][]any{
		{"P001", "潇湘村快递服务站", "越州镇", "潇湘村", "2023-08-15", "运营中", nil, "是", "否", 12000, 3000, "中国邮政"},
		{"P002", "越州村快递服务站", "越州镇", "越州村", "2024-02-01", "运营中", nil, "否", "是", 500, 100, "中国邮政"},
	})
	bad := ledgerTestFile(t, [][]any{{"P001", "潇湘村快递服务站", "越州镇", "萧湘村", "2023-08-15", "运营中", nil, "是", "否", -1, 3000, "中国邮政"}})
	month := map[string]string{"period": "2024-06"}

	t.Run("refused file lists every problem with its cell, stores nothing", func(t *testing.T) {
		res := clerk.uploadForm("/ledger/530302/preview", month, "台账.xlsx", bad)
		if res.status != fiber.StatusUnprocessableEntity || !strings.Contains(res.body, "未保存任何数据") ||
			!strings.Contains(res.body, "<td>D2</td>") || !strings.Contains(res.body, "<td>J2</td>") || ledgerTokenField.MatchString(res.body) {
			t.Fatalf("%d %.800s", res.status, res.body)
		}
	})
	t.Run("another unit is refused", func(t *testing.T) {
		other := e.loggedIn("county-530303")
		if res := other.uploadForm("/ledger/530302/preview", month, "台账.xlsx", good); res.status != fiber.StatusForbidden {
			t.Fatalf("status %d", res.status)
		}
	})
	var token string
	t.Run("preview shows the derived figures and stores nothing", func(t *testing.T) {
		res := clerk.uploadForm("/ledger/530302/preview", month, "台账.xlsx", good)
		m := ledgerTokenField.FindStringSubmatch(res.body)
		if res.status != 200 || m == nil || !strings.Contains(res.body, "检查通过：2 个网点") {
			t.Fatalf("%d %.800s", res.status, res.body)
		}
		token = m[1]
		if strings.Contains(res.body, `id="ledger-diff"`) {
			t.Error("a first ledger is compared with nothing")
		}
		if snaps, _ := e.store.LedgerSnapshots("530302"); len(snaps) != 0 {
			t.Fatalf("preview stored %d snapshots", len(snaps))
		}
	})
	t.Run("confirm with a forged token is refused", func(t *testing.T) {
		res := clerk.do("POST", "/ledger/530302/upload", map[string][]string{"period": {"2024-06"}, "token": {"../../etc/passwd"}})
		if res.status != fiber.StatusUnprocessableEntity {
			t.Fatalf("status %d", res.status)
		}
	})
	t.Run("confirm stores the snapshot once and audits it", func(t *testing.T) {
		form := map[string][]string{"period": {"2024-06"}, "token": {token}, "file_name": {"台账.xlsx"}}
		res := clerk.do("POST", "/ledger/530302/upload", form)
		if res.status != fiber.StatusSeeOther || !strings.HasPrefix(res.location, "/ledger/530302?snapshot=") {
			t.Fatalf("%d %s %.500s", res.status, res.location, res.body)
		}
		snaps, _ := e.store.LedgerSnapshots("530302")
		if len(snaps) != 1 || snaps[0].Points != 2 || snaps[0].UploadedBy != "county-530302" {
			t.Fatalf("snapshots %+v", snaps)
		}
		var kept bytes.Buffer
		if err := e.store.StoredFileContent(snaps[0].FileHash, &kept); err != nil || !bytes.Equal(kept.Bytes(), good) {
			t.Errorf("original not kept: %v", err)
		}
		if n := auditCount(t, e.store, models.AuditLedgerUpload); n != 1 {
			t.Errorf("%d audit entries", n)
		}
		if res := clerk.do("POST", "/ledger/530302/upload", form); res.status != fiber.StatusUnprocessableEntity {
			t.Errorf("second confirm: %d", res.status)
		}
	})
	t.Run("the ledger page says when it was uploaded in China time", func(t *testing.T) {
		// The clock stands at 02:00 UTC, 10:00 in China; the page had printed the stored time in
		// whatever zone it came back from the database in.
		res := clerk.do("GET", "/ledger/530302", nil)
		if want := "上传于 2024-07-03 10:00"; res.status != 200 || !strings.Contains(res.body, want) {
			i := strings.Index(res.body, "上传于")
			t.Errorf("%d: the page does not say %q: %.60s", res.status, want, res.body[max(i, 0):])
		}
	})
	t.Run("a second preview compares with the stored snapshot", func(t *testing.T) {
		res := clerk.uploadForm("/ledger/530302/preview", month, "台账.xlsx", good)
		if res.status != 200 || !strings.Contains(res.body, "第 1 版（2 个网点）") || !strings.Contains(res.body, "无变化") ||
			!strings.Contains(res.body, "新增 0 个，裁撤 0 个，撤并 0 个，信息变更 0 个") {
			t.Fatalf("%d %.800s", res.status, res.body)
		}
		form := map[string][]string{"period": {"2024-06"}, "token": {ledgerTokenField.FindStringSubmatch(res.body)[1]}}
		if res := clerk.do("POST", "/ledger/530302/upload", form); res.status != fiber.StatusConflict {
			t.Errorf("same file confirmed again: %d", res.status)
		}
	})
	t.Run("the preview counts points added, closed and changed since the stored snapshot", func(t *testing.T) {
		next := ledgerTestFile(t, [][]any{
			{"P001", "潇湘村快递服务站", "越州镇", "潇湘村", "2023-08-15", "运营中", nil, "是", "否", 12000, 3000, "邮政快递"},
			{"P002", "越州村快递服务站", "越州镇", "越州村", "2024-02-01", "已裁撤", "2024-06-10", "否", "是", nil, nil, "中国邮政"},
			{"P003", "潇湘村第二服务站", "越州镇", "潇湘村", "2024-06-01", "运营中", nil, "否", "否", 100, 10, "中国邮政"},
		})
		res := clerk.uploadForm("/ledger/530302/preview", month, "台账.xlsx", next)
		if res.status != 200 || !strings.Contains(res.body, "新增 1 个，裁撤 1 个，撤并 0 个，信息变更 1 个") {
			t.Fatalf("%d %.1500s", res.status, res.body)
		}
	})
}

func TestLedgerWebVillages(t *testing.T) {
	e := newAccessEnv(t)
	if err := e.store.ReplaceAdminVillages("530302", []models.AdminVillage{{Township: "越州镇", Name: "潇湘村"}}, "test", models.Actor{Username: "test"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	office := e.loggedIn("office")
	res := office.do("GET", "/ledger/530302/villages/template", nil)
	if res.status != 200 {
		t.Fatalf("template: %d", res.status)
	}
	f, err := excelize.OpenReader(strings.NewReader(res.body))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := f.GetCellValue(ledger.VillageSheet, "B2"); v != "潇湘村" {
		t.Fatalf("template B2 = %q", v)
	}
	_ = f.SetSheetRow(ledger.VillageSheet, "A3", &[]any{"越州镇", "越州村", "530302100201"})
	var good bytes.Buffer
	_ = f.Write(&good)
	_ = f.SetSheetRow(ledger.VillageSheet, "A4", &[]any{"越州镇", "", "12"})
	var bad bytes.Buffer
	_ = f.Write(&bad)

	res = office.uploadForm("/ledger/530302/villages", nil, "名录.xlsx", bad.Bytes())
	if res.status != fiber.StatusUnprocessableEntity || !strings.Contains(res.body, "未保存任何数据") || !strings.Contains(res.body, "<td>B4</td>") {
		t.Fatalf("bad list: %d %.800s", res.status, res.body)
	}
	if vs, _ := e.store.AdminVillages("530302"); len(vs) != 1 {
		t.Fatalf("refused list stored: %d villages", len(vs))
	}
	res = office.uploadForm("/ledger/530302/villages", nil, "名录.xlsx", good.Bytes())
	if res.status != fiber.StatusSeeOther {
		t.Fatalf("good list: %d %.500s", res.status, res.body)
	}
	if vs, _ := e.store.AdminVillages("530302"); len(vs) != 2 {
		t.Fatalf("%d villages stored", len(vs))
	}
	if n := auditCount(t, e.store, models.AuditLedgerVillages); n != 2 { // the test's set-up list, then the upload
		t.Errorf("%d audit entries", n)
	}
	if res := office.do("GET", "/ledger/530302/villages", nil); res.status != 200 || !strings.Contains(res.body, "越州村") {
		t.Errorf("page: %d", res.status)
	}
}

func TestLedgerWebSource(t *testing.T) {
	e := newAccessEnv(t)
	office := e.loggedIn("office")
	tests := []struct {
		name, indicator, source string
		status                  int
	}{
		{"not a ledger indicator", "village_coverage", "return", fiber.StatusUnprocessableEntity},
		{"unknown source", models.IndServicePoints, "guess", fiber.StatusUnprocessableEntity},
		{"return counts", models.IndServicePoints, "return", fiber.StatusSeeOther},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := office.do("POST", "/ledger/sources", map[string][]string{"indicator": {tc.indicator}, "source": {tc.source}, "county": {"530302"}})
			if res.status != tc.status {
				t.Fatalf("status %d: %.300s", res.status, res.body)
			}
		})
	}
	src, err := e.store.LedgerSources()
	if err != nil || src[models.IndServicePoints] != models.LedgerSourceReturn || len(src) != 1 {
		t.Fatalf("sources %v %v", src, err)
	}
	if n := auditCount(t, e.store, models.AuditLedgerSource); n != 1 {
		t.Errorf("%d audit entries", n)
	}
}
