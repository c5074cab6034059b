package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ruralkpi/importers/ledger"
	"ruralkpi/models"
	"ruralkpi/store"
)

// cliMutations lists, for every command and subcommand, the audit action each change it makes
// leaves ("" for a command that changes no data: it reads, writes a file, or serves).
// TestCLIMutationsListEveryCommand keeps it complete.
var cliMutations = map[string]string{
	"user add":            models.AuditUserCreate,
	"user disable":        models.AuditUserUpdate,
	"user enable":         models.AuditUserUpdate,
	"user reset-password": models.AuditUserUpdate,
	"user set-role":       models.AuditUserUpdate,
	"user list":           "",
	"token create":        models.AuditTokenCreate,
	"import":              models.AuditUpload,
	"ledger import":       models.AuditLedgerUpload,
	"ledger villages":     models.AuditLedgerVillages,
	"ledger template":     "",
	"template":            "",
	"export":              "",
	"backup":              "",
	"version":             "",
	"serve":               "", // its changes come through the web routes (handlers' mutation table)
	"seed":                "", // writes a new database of synthetic test data: set-up, nobody's change
	"remind":              "", // sends messages and logs each delivery (a log, like the audit trail)
	// copies every row, the audit trail included, into an empty database: an entry of its own would
	// make the target's trail differ from the source's (TestMigrateDemoToPostgres checks it is equal)
	"migrate": "",
}

func TestCLIMutationsListEveryCommand(t *testing.T) {
	var missing []string
	for name := range commands() {
		found := false
		for k := range cliMutations {
			if k == name || strings.HasPrefix(k, name+" ") {
				found = true
			}
		}
		if !found {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("commands missing from cliMutations: %v", missing)
	}
}

// TestEveryCLIChangeIsAuditedOnce runs every mutating command once on a fresh database and checks
// that it left exactly one audit entry of its action, by the command line.
func TestEveryCLIChangeIsAuditedOnce(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "cli.db")
	write := func(name string, b []byte) string { return writeTestFile(t, dir, name, b) }
	villages := cliVillageList(t)
	// Only serve and user add create a database: the first user creates it for the template.
	if code, _, errOut := run(t, "first-long-password\n", "user", "add", "--db", db, "--username", "first", "--role", "office"); code != 0 {
		t.Fatalf("user add: %d %s", code, errOut)
	}
	tpl := filepath.Join(dir, "t.xlsx")
	if code, _, errOut := run(t, "", "template", "--db", db, "--county", "530302", "--period", "2024-06", "-o", tpl); code != 0 {
		t.Fatalf("template: %d %s", code, errOut)
	}
	f, err := excelize.OpenFile(tpl)
	if err != nil {
		t.Fatal(err)
	}
	_ = f.SetCellValue("月报", "H6", 118) // service_points
	returnFile := filepath.Join(dir, "return.xlsx")
	if err := f.SaveAs(returnFile); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()

	steps := []struct {
		cmd   string
		stdin string
		args  []string
	}{
		{"user add", "a-long-password\n", []string{"user", "add", "--db", db, "--username", "zhang", "--role", "office"}},
		{"user disable", "", []string{"user", "disable", "--db", db, "--username", "zhang"}},
		{"user enable", "", []string{"user", "enable", "--db", db, "--username", "zhang"}},
		{"user reset-password", "another-long-password\n", []string{"user", "reset-password", "--db", db, "--username", "zhang"}},
		{"user set-role", "", []string{"user", "set-role", "--db", db, "--username", "zhang", "--role", "leader"}},
		{"token create", "", []string{"token", "create", "--db", db, "--user", "zhang"}},
		{"import", "", []string{"import", "--db", db, "--ignore-lock", returnFile}},
		{"ledger villages", "", []string{"ledger", "villages", "--db", db, "--county", "530302", write("v.xlsx", villages)}},
		{"ledger import", "", []string{"ledger", "import", "--db", db, "--county", "530302", "--period", "2024-06", "--ignore-lock", write("ledger.xlsx", cliLedgerFile(t, "潇湘村"))}},
	}
	for _, s := range steps {
		t.Run(s.cmd, func(t *testing.T) {
			before := auditEntries(t, db)
			if code, out, errOut := run(t, s.stdin, s.args...); code != 0 {
				t.Fatalf("code %d\n%s\n%s", code, out, errOut)
			}
			after := auditEntries(t, db)
			// June 2024 is locked: --ignore-lock passes it, and the override is audited beside the change.
			var added []models.AuditEntry
			overrides := 0
			for _, e := range after[len(before):] {
				if e.Action == models.AuditLockOverride {
					overrides++
					continue
				}
				added = append(added, e)
			}
			wantOverrides := 0
			if slices.Contains(s.args, "--ignore-lock") {
				wantOverrides = 1
			}
			if len(added) != 1 || added[0].Action != cliMutations[s.cmd] || added[0].Actor == "" || added[0].IP == "" || overrides != wantOverrides {
				t.Errorf("audit entries added: %+v (%d lock overrides, want %d), want one %s", added, overrides, wantOverrides, cliMutations[s.cmd])
			}
		})
	}
}

func auditEntries(t *testing.T, db string) []models.AuditEntry {
	t.Helper()
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	all, err := st.AuditEntries(models.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]models.AuditEntry, 0, len(all))
	for i := len(all) - 1; i >= 0; i-- { // newest first: turned to oldest first
		out = append(out, all[i])
	}
	return out
}

// writeTestFile writes b to a file named name in dir and returns its path.
func writeTestFile(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// cliVillageList is the ledger template of 麒麟区 listing one village, 越州镇 潇湘村, as a village list.
func cliVillageList(t *testing.T) []byte {
	t.Helper()
	var villages bytes.Buffer
	if err := ledger.WriteTemplate(&villages, "麒麟区", []ledger.Village{{Township: "越州镇", Name: "潇湘村"}}, nil); err != nil {
		t.Fatal(err)
	}
	return villages.Bytes()
}

// cliLedgerFile is a one-point ledger whose point stands in village (of 越州镇).
func cliLedgerFile(t *testing.T, village string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	_ = f.SetSheetName("Sheet1", ledger.SheetName)
	var header []any
	for _, c := range ledger.Columns()[:12] {
		header = append(header, c.Header)
	}
	row := []any{"P001", "潇湘村快递服务站", "越州镇", village, "2023-08-15", "运营中", nil, "是", "否", 12000, 3000, "中国邮政"}
	_ = f.SetSheetRow(ledger.SheetName, "A1", &header)
	_ = f.SetSheetRow(ledger.SheetName, "A2", &row)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
