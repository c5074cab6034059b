package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"ruralkpi/importers"
	"ruralkpi/importers/ledger"
	"ruralkpi/internal/testkit"
	"ruralkpi/internal/teststore"
	"ruralkpi/models"
	"ruralkpi/reports"
)

// TestEveryWorkbookDeclaresItsRange: every workbook ruralkpi writes declares each sheet's used
// range, so that openpyxl in read-only mode — which trusts the declaration — reads every cell a
// full read finds. excelize leaves `<dimension ref="A1">`, and read-only openpyxl then saw one row
// of the monthly template and of every sheet of the monthly workbook (only the ledger template
// had been fixed).
func TestEveryWorkbookDeclaresItsRange(t *testing.T) {
	python := testkit.Openpyxl(t)
	dir := t.TempDir()
	db := demoDB(t)
	books := map[string][]string{
		"template.xlsx":        {"template", "--county", "530302", "--period", "2024-06"},
		"monthly.xlsx":         {"export", "monthly", "--period", "2024-06"},
		"ledger-template.xlsx": {"ledger", "template", "--county", "530326"},
	}
	for name, args := range books {
		args = append(args, "--db", db, "-o", filepath.Join(dir, name))
		if code, out, errOut := runCLI(t, args...); code != 0 {
			t.Fatalf("%s: %d %s %s", name, code, out, errOut)
		}
	}
	st, plan := teststore.Demo(t)
	ds, err := st.Dataset(plan.EndPeriod)
	if err != nil {
		t.Fatal(err)
	}
	var closeout bytes.Buffer
	if err := reports.WriteCloseout(&closeout, reports.BuildCloseout(models.NewProgressCalculator(plan, ds, models.ProgressOptions{}), true)); err != nil {
		t.Fatal(err)
	}
	targets, err := st.Targets(0)
	if err != nil {
		t.Fatal(err)
	}
	allocations, err := st.Allocations(0)
	if err != nil {
		t.Fatal(err)
	}
	af, err := importers.AllocationTemplate(plan, targets, allocations)
	if err != nil {
		t.Fatal(err)
	}
	var alloc, villages bytes.Buffer
	if err := af.Write(&alloc); err != nil {
		t.Fatal(err)
	}
	if err := ledger.WriteVillagesTemplate(&villages, "麒麟区", []ledger.Village{{Township: "越州镇", Name: "潇湘村", Division: "530302104201"}}); err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"closeout.xlsx": closeout.Bytes(), "allocations.xlsx": alloc.Bytes(), "villages.xlsx": villages.Bytes()} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Per sheet: the cells with a value, read in full and read-only.
	script := `import sys, openpyxl
def cells(read_only):
    wb = openpyxl.load_workbook(sys.argv[1], read_only=read_only)
    return [(ws.title, sum(1 for row in ws.iter_rows(values_only=True) for v in row if v is not None)) for ws in wb.worksheets]
print(cells(False))
print(cells(True))`
	names, _ := filepath.Glob(filepath.Join(dir, "*.xlsx"))
	if len(names) != 6 {
		t.Fatalf("workbooks: %v", names)
	}
	for _, path := range names {
		t.Run(filepath.Base(path), func(t *testing.T) {
			out, err := exec.Command(python, "-c", script, path).CombinedOutput()
			if err != nil {
				t.Fatalf("openpyxl: %v\n%s", err, out)
			}
			full, readOnly, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
			if full != readOnly || !strings.Contains(full, "', ") {
				t.Errorf("cells per sheet, read in full:\n%s\nread-only (trusting <dimension>):\n%s", full, readOnly)
			}
		})
	}
}
