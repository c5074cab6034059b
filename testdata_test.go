package main

// testdata/ holds sample files an operator can try (see testdata/README.md). They are written by
// the project's own template writers (go test -run TestGenerateTestdata -update .) and
// TestTestdataFiles keeps them true: it runs the README's commands on a demo database.

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ruralkpi/cli"
	"ruralkpi/importers/ledger"
	"ruralkpi/importers/returns"
	"ruralkpi/internal/testkit"
	"ruralkpi/models"
	"ruralkpi/store"
)

var update = flag.Bool("update", false, "rewrite the sample files in testdata/")

// The sample files, by name.
const (
	sampleReturn       = "return-530302-2024-06.xlsx"
	sampleRefused      = "return-530302-2024-06-refused.xlsx"
	sampleRefusedList  = "return-530302-2024-06-refused.errors.txt"
	sampleVillages     = "villages-530302.xlsx"
	sampleLedger       = "ledger-530302-2024-06.xlsx"
	sampleUnit         = "530302"
	samplePeriod       = "2024-06"
	sampleDemoPassword = "a-long-password"
)

// demoDB makes a demo database the way an operator gets one (make run, or export --demo).
func demoDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "demo.db")
	if code, out, errOut := runCLI(t, "export", "monthly", "--db", db, "--demo", "--period", samplePeriod, "-o", filepath.Join(t.TempDir(), "m.xlsx")); code != 0 {
		t.Fatalf("demo database: %d %s %s", code, out, errOut)
	}
	return db
}

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := cli.Run(append([]string{"ruralkpi"}, args...), cli.Env{Stdout: &out, Stderr: &errOut, Stdin: strings.NewReader(sampleDemoPassword + "\n")})
	return code, out.String(), errOut.String()
}

// TestGenerateTestdata rewrites the sample files from the demo database with -update.
func TestGenerateTestdata(t *testing.T) {
	if !*update {
		t.Skip("run with -update to rewrite testdata/")
	}
	plan := testkit.Plan(t)
	store, err := store.Open(demoDB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	in, err := returns.TemplateFor(store, plan, sampleUnit, samplePeriod, "", time.Date(2024, 7, 2, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	// The template comes pre-filled with the unit's last accepted figures; a clerk changes some.
	// The figures follow the demo: a few more service points than last month, and, refused, a few fewer.
	prevPoints, ok := in.Previous.Values["service_points"]
	if !ok {
		t.Fatalf("the demo has no service_points for %s before %s", sampleUnit, samplePeriod)
	}
	filled := editReturn(t, in, map[string]any{"service_points": prevPoints + 3, "outbound_parcels": 372.5, "express_revenue": 0.55})
	refused := editReturn(t, in, map[string]any{
		"service_points":    prevPoints - 9, // a stock below the figure already accepted
		"outbound_parcels":  "三百七十",         // words, not a number
		"stations_closed":   2.5,            // a count with a fraction
		"express_revenue":   -0.5,           // negative
		"points_income_10k": "230 个左右",      // a number with words around it
	})
	write := func(name string, b []byte) {
		t.Helper()
		if err := os.WriteFile(filepath.Join("testdata", name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(sampleReturn, filled)
	write(sampleRefused, refused)
	villages := []ledger.Village{
		{Township: "越州镇", Name: "潇湘村", Division: "530302104201"},
		{Township: "越州镇", Name: "石堡村", Division: "530302104202"},
		{Township: "茨营镇", Name: "茨营村", Division: "530302105201"},
		{Township: "茨营镇", Name: "红土村", Division: "530302105202"},
	}
	var vb bytes.Buffer
	if err := ledger.WriteVillagesTemplate(&vb, "麒麟区", villages); err != nil {
		t.Fatal(err)
	}
	write(sampleVillages, vb.Bytes())
	day := func(s string) models.LedgerDate {
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		return models.LedgerDateOf(d)
	}
	points := []models.LedgerPoint{
		{Code: "530302-001", Name: "潇湘村快递物流电商服务站", Township: "越州镇", Village: "潇湘村", OpenedOn: day("2023-08-15"), Status: models.LedgerOperating, Fused: true, Direct: true, Income: 12000, Parcels: 3100, Operator: "中国邮政"},
		{Code: "530302-002", Name: "石堡村村邮站", Township: "越州镇", Village: "石堡村", OpenedOn: day("2023-09-01"), Status: models.LedgerOperating, Fused: true, Income: 6500, Parcels: 1400, Operator: "石堡村股份经济合作社"},
		{Code: "530302-003", Name: "茨营村快递驿站", Township: "茨营镇", Village: "茨营村", OpenedOn: day("2024-01-10"), Status: models.LedgerOperating, Direct: true, Income: 21000, Parcels: 5200, Operator: "曲靖某商贸有限公司", HasCoords: true, Lon: 103.77, Lat: 25.42},
	}
	var lb bytes.Buffer
	if err := ledger.WriteTemplate(&lb, "麒麟区", villages, points); err != nil {
		t.Fatal(err)
	}
	write(sampleLedger, lb.Bytes())

	// The refused file's problems, as the importer words them.
	db := demoDB(t)
	_, _, errOut := runCLI(t, "import", "--db", db, "--dry-run", "--ignore-lock", filepath.Join("testdata", sampleRefused))
	write(sampleRefusedList, []byte(strings.Join(problemLines(errOut), "\n")+"\n"))
}

// editReturn writes the template and types the figures into the value column, as a clerk would.
func editReturn(t *testing.T, in returns.TemplateInput, values map[string]any) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := returns.WriteTemplate(&buf, in); err != nil {
		t.Fatal(err)
	}
	return testkit.FillReturn(t, buf.Bytes(), values)
}

// problemLines are the lines of the import command's problem list ("  月报!H6 [code] message").
func problemLines(stderr string) []string {
	var lines []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(l, "  ") {
			lines = append(lines, strings.TrimSpace(l))
		}
	}
	return lines
}

// TestTestdataFiles runs what testdata/README.md tells an operator to try, on a demo database.
func TestTestdataFiles(t *testing.T) {
	db := demoDB(t)
	path := func(name string) string { return filepath.Join("testdata", name) }

	code, out, errOut := runCLI(t, "import", "--db", db, "--dry-run", "--ignore-lock", path(sampleReturn))
	if code != 0 || !strings.Contains(out, "OK (dry run) "+sampleUnit+" "+samplePeriod) {
		t.Errorf("filled return: %d\n%s%s", code, out, errOut)
	}
	// Without --ignore-lock the month (long past) is locked, also for a dry run.
	if code, _, errOut := runCLI(t, "import", "--db", db, "--dry-run", path(sampleReturn)); code != 1 || !strings.Contains(errOut, "锁定") {
		t.Errorf("locked month: %d %s", code, errOut)
	}

	code, _, errOut = runCLI(t, "import", "--db", db, "--dry-run", "--ignore-lock", path(sampleRefused))
	want, err := os.ReadFile(path(sampleRefusedList))
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(problemLines(errOut), "\n") + "\n"
	if code != 1 || got != string(want) || len(problemLines(errOut)) < 4 {
		t.Errorf("refused return: exit %d, problems\n%s\nwant (%s)\n%s", code, got, sampleRefusedList, want)
	}

	if code, out, errOut := runCLI(t, "ledger", "villages", "--db", db, "--county", sampleUnit, path(sampleVillages)); code != 0 || !strings.Contains(out, "stored 4 villages") {
		t.Errorf("villages: %d %s %s", code, out, errOut)
	}
	if code, out, errOut := runCLI(t, "ledger", "import", path(sampleLedger), "--db", db, "--county", sampleUnit, "--period", samplePeriod, "--dry-run", "--ignore-lock"); code != 0 || !strings.Contains(out, "3 points, no problems") {
		t.Errorf("ledger: %d %s %s", code, out, errOut)
	}
}
