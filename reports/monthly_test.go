package reports

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"ruralkpi/internal/testkit"
	"ruralkpi/internal/teststore"
	"ruralkpi/models"
)

// openWorkbook reads a workbook back with the limits every reader in the app uses.
func openWorkbook(t *testing.T, b []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: 256 << 20, UnzipXMLSizeLimit: 128 << 20, RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

func monthlyBytes(t *testing.T, in Input) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteMonthly(&buf, in, MonthlyOptions{}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// cellNumber reads a numeric cell; ok is false for "—" or text.
func cellNumber(t *testing.T, f *excelize.File, sheet, cell string) (float64, bool) {
	t.Helper()
	s, err := f.GetCellValue(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

// TestMonthlyWorkbookMatchesProgress reads every summary and unit row back and compares it with
// the progress calculator over the same stored data for the same month.
func TestMonthlyWorkbookMatchesProgress(t *testing.T) {
	st, p := teststore.Demo(t)
	for _, month := range []string{"2023-08", "2024-06", "2024-07", "2025-12"} {
		t.Run(month, func(t *testing.T) {
			period := models.MustPeriod(month)
			in, err := Load(st, p, period, afterPlanTime())
			if err != nil {
				t.Fatal(err)
			}
			ds, err := st.Dataset(month)
			if err != nil {
				t.Fatal(err)
			}
			calc := models.NewProgressCalculator(p, ds, models.ProgressOptions{})
			f := openWorkbook(t, monthlyBytes(t, in))

			wantSheets := []string{SheetSummary}
			for _, u := range p.Root.Children {
				wantSheets = append(wantSheets, p.UnitShortName(u.Code))
			}
			wantSheets = append(wantSheets, SheetMilestones, SheetReturns, SheetNewlyRed)
			if got := f.GetSheetList(); strings.Join(got, ",") != strings.Join(wantSheets, ",") {
				t.Fatalf("sheets %v, want %v", got, wantSheets)
			}

			scopeByName := map[string]string{}
			for _, code := range scopeOrder(p) {
				scopeByName[p.UnitShortName(code)] = code
			}
			indByName := map[string]models.Indicator{}
			for _, ind := range p.Indicators {
				indByName[ind.Name] = ind
			}
			rows, err := f.GetRows(SheetSummary)
			if err != nil {
				t.Fatal(err)
			}
			data := rows[headerRow:]
			// The office's city-wide figures (firms, cost reduction, growth, trunk lines) have a city row
			// only: units have none (issue 13, item 7), as on the pages.
			var unitInds []models.Indicator
			want := 0
			for _, ind := range p.Indicators {
				want++
				if ind.RollUp != models.RollUpOffice {
					unitInds = append(unitInds, ind)
					want += len(p.ReportingUnits())
				}
			}
			if len(data) != want {
				t.Fatalf("summary has %d rows, want %d", len(data), want)
			}
			for _, r := range data {
				if len(r) > 8 && r[8] == models.GreyOfficeOnly.Label() {
					t.Errorf("summary row %v: an office-only figure listed for a unit", r[:2])
				}
			}
			checked := 0
			for i, r := range data {
				row := headerRow + 1 + i
				ind, scope := indByName[r[0]], scopeByName[r[1]]
				want := calc.Progress(ind.Code, scope, period)
				cell := func(col string) string { return col + strconv.Itoa(row) }
				if r[8] != statusWord(want) {
					t.Errorf("%s %s: status %q, want %q", ind.Code, scope, r[8], statusWord(want))
				}
				checks := []struct {
					col  string
					has  bool
					want float64
				}{
					{"D", want.HasTarget, want.Target}, {"E", want.HasExpected, want.Expected}, {"F", want.HasActual, want.Actual},
					{"G", want.HasRatio, want.Ratio}, {"H", want.HasTarget && want.HasActual && want.Target != 0, want.Completion},
				}
				own := want.OwnTask
				for _, c := range checks {
					got, ok := cellNumber(t, f, SheetSummary, cell(c.col))
					if own || want.NotStarted {
						if ok {
							t.Errorf("%s %s %s: number %v where text is expected", ind.Code, scope, c.col, got)
						}
						continue
					}
					if ok != c.has || ok && !near(got, c.want) {
						t.Errorf("%s %s column %s: %v (%v), want %v (%v)", ind.Code, scope, c.col, got, ok, c.want, c.has)
					}
					checked++
				}
			}
			if checked == 0 {
				t.Fatal("no figure compared")
			}
			// A unit sheet repeats the unit's rows of the summary.
			unit := p.Root.Children[0]
			urows, err := f.GetRows(p.UnitShortName(unit.Code))
			if err != nil {
				t.Fatal(err)
			}
			if len(urows)-headerRow != len(unitInds) {
				t.Errorf("unit sheet has %d rows, want %d (every indicator but the office's city-wide ones)", len(urows)-headerRow, len(unitInds))
			}
			for i, ind := range unitInds {
				want := calc.Progress(ind.Code, unit.Code, period)
				if got, ok := cellNumber(t, f, p.UnitShortName(unit.Code), "F"+strconv.Itoa(headerRow+1+i)); want.HasActual && !want.OwnTask && ind.Kind != models.KindMilestone && (!ok || !near(got, want.Actual)) {
					t.Errorf("unit sheet %s actual %v, want %v", ind.Code, got, want.Actual)
				}
			}
		})
	}
}

func TestMonthlyReturnsAndNewlyRedSheets(t *testing.T) {
	st, p := teststore.Demo(t)
	tests := []struct {
		month   string
		now     time.Time
		missing string // unit name expected 未报送
		late    int
		pending int
	}{
		{"2024-07", afterPlanTime(), "师宗县", 0, 0},
		{"2025-12", afterPlanTime(), "马龙区", 0, 0},
		{"2025-12", time.Date(2026, 1, 4, 9, 0, 0, 0, models.ReportingZone()), "", 0, 1},
	}
	for _, tc := range tests {
		t.Run(tc.month+"@"+tc.now.Format("2006-01-02"), func(t *testing.T) {
			in, err := Load(st, p, models.MustPeriod(tc.month), tc.now)
			if err != nil {
				t.Fatal(err)
			}
			f := openWorkbook(t, monthlyBytes(t, in))
			rows, err := f.GetRows(SheetReturns)
			if err != nil {
				t.Fatal(err)
			}
			missing, pending := "", 0
			for _, r := range rows[headerRow:] {
				if len(r) < 4 {
					continue
				}
				switch r[3] {
				case Missing.Label():
					missing = r[0]
				case NotYetDue.Label():
					pending++
				}
			}
			if missing != tc.missing || pending != tc.pending {
				t.Errorf("missing %q pending %d, want %q %d", missing, pending, tc.missing, tc.pending)
			}
			last := rows[len(rows)-1][0]
			if !strings.HasPrefix(last, "合计：") || !strings.Contains(last, CountReturns(in.Returns).Sentence()) {
				t.Errorf("returns total line %q", last)
			}
			red, err := f.GetRows(SheetNewlyRed)
			if err != nil {
				t.Fatal(err)
			}
			changes := NewlyRed(in)
			if len(changes) == 0 {
				if !strings.Contains(red[len(red)-1][0], "无新增") {
					t.Errorf("no newly red, yet the sheet says %v", red[len(red)-1])
				}
				return
			}
			if len(red)-headerRow != len(changes) {
				t.Errorf("newly red sheet %d rows, want %d", len(red)-headerRow, len(changes))
			}
			for i, c := range changes {
				r := red[headerRow+i]
				if r[0] != p.UnitShortName(c.Current.Scope) || r[4] != "滞后" || r[3] == "滞后" {
					t.Errorf("newly red row %v for %+v", r, c.Current.Indicator)
				}
			}
		})
	}
}

func TestMonthlyPrintSettings(t *testing.T) {
	st, p := teststore.Demo(t)
	in, err := Load(st, p, models.MustPeriod("2024-06"), afterPlanTime())
	if err != nil {
		t.Fatal(err)
	}
	f := openWorkbook(t, monthlyBytes(t, in))
	titles := map[string]string{}
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm.Print_Titles" {
			titles[dn.Scope] = dn.RefersTo
		}
	}
	for _, name := range f.GetSheetList() {
		t.Run(name, func(t *testing.T) {
			pl, err := f.GetPageLayout(name)
			if err != nil {
				t.Fatal(err)
			}
			if *pl.Size != 9 || *pl.Orientation != "landscape" || pl.FitToWidth == nil || *pl.FitToWidth != 1 || pl.FitToHeight == nil || *pl.FitToHeight != 0 {
				t.Errorf("page layout size %v orientation %v fit %v×%v", *pl.Size, *pl.Orientation, pl.FitToWidth, pl.FitToHeight)
			}
			props, err := f.GetSheetProps(name)
			if err != nil || props.FitToPage == nil || !*props.FitToPage {
				t.Errorf("fit to page not set: %v", err)
			}
			panes, err := f.GetPanes(name)
			if err != nil || !panes.Freeze || panes.YSplit != headerRow {
				t.Errorf("panes %+v, %v", panes, err)
			}
			if want := "'" + name + "'!$3:$3"; titles[name] != want {
				t.Errorf("print titles %q, want %q", titles[name], want)
			}
			cols, err := f.GetCols(name)
			if err != nil {
				t.Fatal(err)
			}
			for i := range cols {
				col, _ := excelize.ColumnNumberToName(i + 1)
				if w, err := f.GetColWidth(name, col); err != nil || w < 8 {
					t.Errorf("column %s width %v, %v", col, w, err)
				}
			}
			formulas, err := f.SearchSheet(name, "^=", true)
			if err != nil || len(formulas) > 0 {
				t.Errorf("formulas %v, %v", formulas, err)
			}
		})
	}
}

// TestMonthlyWorkbookIsWellFormed parses every XML part of the package, and converts the file
// with LibreOffice where it is installed (the closest check we have to "opens without a repair").
func TestMonthlyWorkbookIsWellFormed(t *testing.T) {
	st, p := teststore.Demo(t)
	in, err := Load(st, p, models.MustPeriod("2025-06"), afterPlanTime())
	if err != nil {
		t.Fatal(err)
	}
	b := monthlyBytes(t, in)
	parts := testkit.Unzip(t, b)
	for name, part := range parts {
		if !strings.HasSuffix(name, ".xml") && !strings.HasSuffix(name, ".rels") {
			continue
		}
		dec := xml.NewDecoder(bytes.NewReader(part))
		for {
			if _, err := dec.Token(); err != nil {
				if !errors.Is(err, io.EOF) {
					t.Errorf("%s: %v", name, err)
				}
				break
			}
		}
	}
	for _, want := range []string{"[Content_Types].xml", "xl/workbook.xml", "xl/styles.xml", "xl/worksheets/sheet1.xml", "docProps/core.xml"} {
		if _, ok := parts[want]; !ok {
			t.Errorf("part %s missing", want)
		}
	}

	if testing.Short() {
		t.Skip("SKIPPED in -short: the LibreOffice conversion takes half a minute")
	}
	soffice := testkit.Tool(t, "soffice", "apt-get install libreoffice-calc-nogui, to check the workbook converts")
	dir := t.TempDir()
	src := filepath.Join(dir, "monthly.xlsx")
	if err := os.WriteFile(src, b, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(soffice, "--headless", "--norestore", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--convert-to", "pdf", "--outdir", dir, src)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("LibreOffice failed: %v\n%s", err, out)
	}
	if fi, err := os.Stat(filepath.Join(dir, "monthly.pdf")); err != nil || fi.Size() < 1000 {
		t.Fatalf("LibreOffice produced no PDF: %v\n%s", err, out)
	}
}
