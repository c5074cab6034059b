package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"ruralkpi/importers/ledger"

	"github.com/xuri/excelize/v2"
)

func TestLedgerCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "app.db")
	write := func(name string, b []byte) string { return writeTestFile(t, dir, name, b) }
	villages := cliVillageList(t)
	ledgerFile := func(village string) []byte { return cliLedgerFile(t, village) }
	steps := []struct {
		name    string
		args    []string
		code    int
		outHas  string
		errHas  string
		outFile string
	}{
		{"new database", []string{"user", "add", "--db", db, "--username", "office", "--role", "office"}, 0, "created", "", ""},
		{"villages", []string{"ledger", "villages", "--db", db, "--county", "530302", write("v.xlsx", villages)}, 0, "stored 1 villages", "", ""},
		// June 2024 locked on 2024-07-16: the CLI obeys the lock like the web and the API, dry run too.
		{"locked month, dry run", []string{"ledger", "import", "--db", db, "--county", "530302", "--period", "2024-06", "--dry-run", write("good.xlsx", ledgerFile("潇湘村"))}, 1, "", "2024年6月网点台账已于2024年7月15日锁定，如需补报或更正，请联系工作专班办公室重新开放。", ""},
		{"locked month", []string{"ledger", "import", "--db", db, "--county", "530302", "--period", "2024-06", filepath.Join(dir, "good.xlsx")}, 1, "", "锁定", ""},
		{"refused ledger", []string{"ledger", "import", "--db", db, "--county", "530302", "--period", "2024-06", "--ignore-lock", write("bad.xlsx", ledgerFile("萧湘村"))}, 1, "", "D2: 行政村“萧湘村”不在本单位的行政村名录中，是否为：潇湘村？", ""},
		{"dry run", []string{"ledger", "import", "--db", db, "--county", "530302", "--period", "2024-06", "--dry-run", "--ignore-lock", filepath.Join(dir, "good.xlsx")}, 0, "dry run 530302 2024-06: 1 points", "", ""},
		{"import past the lock", []string{"ledger", "import", "--db", db, "--county", "530302", "--period", "2024-06", "--ignore-lock", filepath.Join(dir, "good.xlsx")}, 0, "stored 530302 2024-06 version 1: 1 points", "", ""},
		{"template", []string{"ledger", "template", "--db", db, "--county", "530302", "-o", filepath.Join(dir, "t.xlsx")}, 0, "wrote", "", filepath.Join(dir, "t.xlsx")},
		{"unknown unit", []string{"ledger", "template", "--db", db, "--county", "1", "-o", filepath.Join(dir, "x.xlsx")}, 1, "", "unknown unit code", ""},
		{"help", []string{"ledger", "--help"}, 0, "ledger import", "", ""},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			code, out, errOut := run(t, "a-long-password\n", s.args...)
			if code != s.code || !strings.Contains(out, s.outHas) || !strings.Contains(errOut, s.errHas) {
				t.Fatalf("code %d\nstdout %s\nstderr %s", code, out, errOut)
			}
			if s.outFile != "" {
				f, err := excelize.OpenFile(s.outFile)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				if v, _ := f.GetCellValue(ledger.SheetName, "A2"); v != "P001" {
					t.Errorf("template A2 = %q", v)
				}
			}
		})
	}
	t.Run("the override is audited once, with the refusal it overrode", func(t *testing.T) {
		assertLockOverrides(t, db, "530302 2024-06 网点台账", 1)
	})
}
