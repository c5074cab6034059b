package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestExportCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "demo.db")
	xlsx := filepath.Join(dir, "汇总表.xlsx")
	page := filepath.Join(dir, "briefing.html")
	tests := []struct {
		name     string
		args     []string
		code     int
		contains string
	}{
		{"usage", []string{"export"}, 2, "ruralkpi export briefing"},
		{"unknown export", []string{"export", "weekly"}, 2, `unknown command "weekly"`},
		{"no output", []string{"export", "monthly", "--db", db}, 2, "-o is required"},
		{"bad month", []string{"export", "monthly", "--db", db, "--demo", "--period", "2024-6", "-o", xlsx}, 1, "格式不正确"},
		{"monthly", []string{"export", "monthly", "--db", db, "--demo", "--period", "2024-06", "-o", xlsx}, 0, "monthly workbook for 2024-06"},
		{"briefing as html", []string{"export", "briefing", "--db", db, "--period", "2024-07", "-o", page}, 0, "briefing for 2024-07"},
		{"no chromium", []string{"export", "briefing", "--db", db, "--chromium", filepath.Join(dir, "no-such-chromium"), "-o", filepath.Join(dir, "b.pdf")}, 1, "no Chromium found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := run(t, "", tc.args...)
			if code != tc.code || !strings.Contains(out+errOut, tc.contains) {
				t.Errorf("%v: exit %d, out %q, err %q; want %d containing %q", tc.args, code, out, errOut, tc.code, tc.contains)
			}
		})
	}
	f, err := excelize.OpenFile(xlsx, excelize.Options{UnzipSizeLimit: 64 << 20, UnzipXMLSizeLimit: 32 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if title, _ := f.GetCellValue("汇总", "A1"); !strings.Contains(title, "2024年6月") {
		t.Errorf("workbook title %q", title)
	}
	b, err := os.ReadFile(page)
	if err != nil || !strings.Contains(string(b), "月报报送情况") || !strings.Contains(string(b), "师宗县") {
		t.Errorf("briefing page: %v", err)
	}
	// The exported page is a document on its own: opened from a disk or mailed, it has its styles
	// inline and no site navigation or links that lead nowhere.
	doc := string(b)
	if !strings.HasPrefix(doc, "<!DOCTYPE html>") || !strings.Contains(doc, "<style>") || !strings.Contains(doc, ".briefing table{") {
		t.Errorf("briefing page is not a styled document: %.200s", doc)
	}
	for _, bad := range []string{"<nav", "<link", "href=", "src=", "<script", "<form", "/static/"} {
		if strings.Contains(doc, bad) {
			t.Errorf("exported briefing contains %q", bad)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "b.pdf")); !os.IsNotExist(err) {
		t.Errorf("a PDF was written without Chromium: %v", err)
	}
}

// TestExportDemoIsMakeRunsDemo: export --demo fills the demo as `make run` shows it and reports on
// its day (2025-10-04: September is being collected), not the plan's whole span on the real clock
// (a briefing for 2025-12, and a database that serve --demo would then show with returns from
// months still to come).
func TestExportDemoIsMakeRunsDemo(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "demo.db")
	code, out, errOut := run(t, "", "export", "briefing", "--db", db, "--demo", "-o", filepath.Join(dir, "b.html"))
	if code != 0 || !strings.Contains(out, "briefing for 2025-09") {
		t.Fatalf("export briefing --demo: exit %d, %q %q; want September 2025's briefing", code, out, errOut)
	}
	plan, st, err := openPlanStore(db, "", existingDB)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	snap, err := st.Progress(plan)
	if err != nil {
		t.Fatal(err)
	}
	if latest, ok := snap.LatestReturn(); !ok || latest.String() != "2025-09" {
		t.Errorf("the demo's newest return is for %v; want 2025-09, the month being collected on 2025-10-04", latest)
	}
}
