package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ruralkpi/models"
	"ruralkpi/store"
)

func TestTemplateAndImportCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "r.db")
	tpl := filepath.Join(dir, "t.xlsx")
	if code, _, errOut := run(t, "a-long-password\n", "user", "add", "--db", db, "--username", "office"); code != 0 {
		t.Fatalf("user add: %d %s", code, errOut)
	}
	if code, _, errOut := run(t, "", "template", "--db", db, "--county", "530302", "--period", "2024-06", "-o", tpl); code != 0 {
		t.Fatalf("template: %d %s", code, errOut)
	}
	f, err := excelize.OpenFile(tpl)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellValue("月报", "H6", 118); err != nil { // service_points
		t.Fatal(err)
	}
	filled := filepath.Join(dir, "filled.xlsx")
	if err := f.SaveAs(filled); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()

	// June 2024 locked long ago: refused unless the operator loads past months on purpose.
	if code, _, errOut := run(t, "", "import", "--db", db, filled); code != 1 || !strings.Contains(errOut, "锁定") {
		t.Fatalf("locked month: %d %q", code, errOut)
	}
	// A dry run checks the lock too (the README says so).
	if code, _, errOut := run(t, "", "import", "--db", db, "--dry-run", filled); code != 1 || !strings.Contains(errOut, "锁定") {
		t.Fatalf("locked month, dry run: %d %q", code, errOut)
	}
	if code, out, errOut := run(t, "", "import", "--db", db, "--ignore-lock", "--dry-run", filled); code != 0 || !strings.Contains(out, "would be version 1") {
		t.Fatalf("dry run: %d %q %q", code, out, errOut)
	}
	if code, out, errOut := run(t, "", "import", "--db", db, "--ignore-lock", filled); code != 0 || !strings.Contains(out, "stored 530302 2024-06 as version 1") {
		t.Fatalf("import: %d %q %q", code, out, errOut)
	}
	assertLockOverrides(t, db, "530302 2024-06 月报", 1) // the dry run left none
	bad := filepath.Join("..", "importers", "returns", "testdata", "bad_values.xlsx")
	code, _, errOut := run(t, "", "import", "--db", db, "--ignore-lock", filled, bad)
	if code != 1 || !strings.Contains(errOut, "已经上传过") || !strings.Contains(errOut, "月报!H6 [service_points]") ||
		!strings.Contains(errOut, "2 of 2 file(s) refused") {
		t.Errorf("refused files: %d %q", code, errOut)
	}
	if code, _, errOut := run(t, "", "template", "--db", db, "--county", "530300", "--period", "2024-06", "-o", tpl); code != 1 || !strings.Contains(errOut, "不是填报单位") {
		t.Errorf("bad county: %d %q", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "missing.xlsx")); err == nil {
		t.Fatal("unexpected file")
	}
	if code, _, errOut := run(t, "", "import", "--db", db, filepath.Join(dir, "missing.xlsx")); code != 1 || !strings.Contains(errOut, "no such file") {
		t.Errorf("missing file: %d %q", code, errOut)
	}
}

// assertLockOverrides checks that the database holds n audit entries of imports let past a locked
// month by --ignore-lock, all for subject.
func assertLockOverrides(t *testing.T, db, subject string, n int) {
	t.Helper()
	store, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	entries, err := store.AuditEntries(models.AuditFilter{Action: models.AuditLockOverride})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != n {
		t.Fatalf("%d lock override entries, want %d: %+v", len(entries), n, entries)
	}
	for _, e := range entries {
		if e.Actor != "cli" || e.Subject != subject || !strings.Contains(e.Before, "锁定") {
			t.Errorf("lock override entry %+v", e)
		}
	}
}
