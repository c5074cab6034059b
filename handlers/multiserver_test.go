package handlers

import (
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// TestLedgerPreviewConfirmedOnAnotherServer: a ledger preview waits in the temporary folder of the
// server that made it (docs/operations.md: sticky sessions). A confirm that reaches another server
// on the same database is refused with the "preview expired" message and stores nothing; the
// same confirm on the first server stores the ledger.
func TestLedgerPreviewConfirmedOnAnotherServer(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	db := filepath.Join(t.TempDir(), "shared.db")
	a := newAccessEnvAt(t, db)
	b := &accessEnv{t: t, plan: a.plan, dbPath: db, clock: a.clock} // its own temporary folder
	b.open()
	onA := a.loggedIn("county-530302")
	onB := &accessClient{env: b, jar: onA.jar} // the same browser, sent to B by the balancer
	june := map[string]string{"period": "2024-06"}
	res := onA.uploadForm("/ledger/530302/preview", june, "台账.xlsx", bigLedgerFile(t, 30))
	m := ledgerTokenField.FindStringSubmatch(res.body)
	if res.status != fiber.StatusOK || m == nil {
		t.Fatalf("preview on A: %d %.400s", res.status, res.body)
	}
	confirm := func(c *accessClient) accessResult {
		return c.do("POST", "/ledger/530302/upload", url.Values{"period": {"2024-06"}, "token": {m[1]}, "file_name": {"台账.xlsx"}})
	}
	if res := confirm(onB); res.status != fiber.StatusUnprocessableEntity || !strings.Contains(res.body, "预览已过期或已提交，请重新选择文件上传。") {
		t.Errorf("confirm on B: %d %.400s, want 422 with the expired-preview message", res.status, res.body)
	}
	if s, err := a.store.LedgerSnapshots("530302"); err != nil || len(s) != 0 {
		t.Fatalf("after the confirm on B: %d snapshots (%v), want none", len(s), err)
	}
	if res := confirm(onA); res.status >= 400 {
		t.Fatalf("confirm on A: %d %.400s", res.status, res.body)
	}
	if s, err := b.store.LedgerSnapshots("530302"); err != nil || len(s) != 1 || s[0].Points != 30 {
		t.Fatalf("after the confirm on A, B reads %v (%v), want one snapshot of 30 points", s, err)
	}
}
