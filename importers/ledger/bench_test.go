package ledger

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"ruralkpi/importers/xlsx"
	"ruralkpi/internal/testkit"
	"ruralkpi/internal/teststore"
	"ruralkpi/models"
	"ruralkpi/store"
)

// The ledger benchmarks all read the same generated 200,000-row, 12-column sheet, in the two
// layouts: "shared" (Excel's own: strings in sharedStrings.xml, written by our generator) and
// "inline" (t="inlineStr", written by excelize's StreamWriter). Run them with
//
//	go test ./importers -run '^$' -bench Ledger -benchtime 3x
const ledgerBenchRows = 200_000

var ledgerBenchLayouts = []string{"shared", "inline"}

func ledgerBenchFile(b *testing.B, layout string) ([]byte, []Village) {
	b.Helper()
	p, villages := ledgerGenFile(b, ledgerBenchRows, layout)
	data, err := os.ReadFile(p)
	if err != nil {
		b.Fatal(err)
	}
	return data, villages
}

// ledgerReportRows reports rows per wall-clock second and rows per CPU-second of the whole process
// (all threads, GC included). On a shared machine the second is the steadier figure: it is what one
// core achieves when the benchmark has it to itself.
func ledgerReportRows(b *testing.B, rows int, cpu0 float64) {
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(rows)*float64(b.N)/(testkit.CPUTime().Seconds()-cpu0), "rows/cpu-s")
}

// ledgerBaselineCPU times one encoding/xml token pass over the file in CPU-seconds per row.
func ledgerBaselineCPU(b *testing.B, data []byte) float64 {
	b.Helper()
	cpu0 := testkit.CPUTime().Seconds()
	if _, err := xmlTokenPass(data); err != nil {
		b.Fatal(err)
	}
	return float64(ledgerBenchRows) / (testkit.CPUTime().Seconds() - cpu0)
}

// ledgerPeakHeap samples the live heap while fn runs and returns the highest value seen, in bytes.
// It complements the subprocess RSS figure of BenchmarkLedgerImportRSS.
func ledgerPeakHeap(fn func()) uint64 {
	runtime.GC()
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	go func() {
		defer close(done)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	fn()
	close(stop)
	<-done
	return peak.Load()
}

// xmlTokenPass is the baseline: unzip the sheet and run encoding/xml's tokenizer over it, counting
// rows; no values are even looked at.
func xmlTokenPass(data []byte) (int, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return 0, err
	}
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, "xl/worksheets/") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return 0, err
		}
		defer rc.Close()
		d := xml.NewDecoder(bufio.NewReaderSize(rc, 64<<10))
		rows := 0
		for {
			tok, err := d.Token()
			if errors.Is(err, io.EOF) {
				return rows, nil
			}
			if err != nil {
				return 0, err
			}
			if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "row" {
				rows++
			}
		}
	}
	return 0, errors.New("no sheet")
}

// ledgerBenchPasses runs pass b.N times over each layout's file, as the sub-benchmark layout+suffix,
// and reports its rows per second and per CPU-second.
func ledgerBenchPasses(b *testing.B, suffix string, pass func(b *testing.B, data []byte)) {
	for _, layout := range ledgerBenchLayouts {
		b.Run(layout+suffix, func(b *testing.B) {
			data, _ := ledgerBenchFile(b, layout)
			b.ResetTimer()
			cpu0 := testkit.CPUTime().Seconds()
			for range b.N {
				pass(b, data)
			}
			ledgerReportRows(b, ledgerBenchRows, cpu0)
		})
	}
}

func BenchmarkLedgerXMLTokenBaseline(b *testing.B) {
	ledgerBenchPasses(b, "", func(b *testing.B, data []byte) {
		n, err := xmlTokenPass(data)
		if err != nil || n != ledgerBenchRows+1 {
			b.Fatalf("rows %d, %v", n, err)
		}
	})
}

func BenchmarkLedgerExcelizeRows(b *testing.B) {
	for _, raw := range []bool{false, true} {
		suffix := "/default"
		if raw {
			suffix = "/raw"
		}
		ledgerBenchPasses(b, suffix, func(b *testing.B, data []byte) {
			f, err := excelize.OpenReader(bytes.NewReader(data))
			if err != nil {
				b.Fatal(err)
			}
			rows, err := f.Rows(SheetName)
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for rows.Next() {
				if _, err := rows.Columns(excelize.Options{RawCellValue: raw}); err != nil {
					b.Fatal(err)
				}
				n++
			}
			_ = rows.Close()
			_ = f.Close()
			if n != ledgerBenchRows+1 {
				b.Fatalf("rows %d", n)
			}
		})
	}
}

// BenchmarkLedgerRead is the streaming reader alone: every cell decoded, nothing validated.
func BenchmarkLedgerRead(b *testing.B) {
	ledgerBenchPasses(b, "", func(b *testing.B, data []byte) {
		wb, err := xlsx.Open(bytes.NewReader(data), int64(len(data)), xlsx.DefaultLimits())
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		err = wb.ReadRows(SheetName, nil, func(r xlsx.Row) error {
			n++
			return nil
		})
		if err != nil || n != ledgerBenchRows+1 {
			b.Fatalf("rows %d, %v", n, err)
		}
	})
}

// BenchmarkLedgerParse is read and validate: the points come out ready to store. It also reports
// the ratio to the encoding/xml baseline measured once on the same file, and the peak live heap.
func BenchmarkLedgerParse(b *testing.B) {
	for _, layout := range ledgerBenchLayouts {
		b.Run(layout, func(b *testing.B) {
			data, villages := ledgerBenchFile(b, layout)
			chk := Check{AsOf: models.MustPeriod("2024-06"), Villages: NewVillageIndex(villages), Limits: xlsx.DefaultLimits()}
			baseline := ledgerBaselineCPU(b, data)
			var peak uint64
			b.ResetTimer()
			cpu0 := testkit.CPUTime().Seconds()
			for range b.N {
				peak = max(peak, ledgerPeakHeap(func() {
					li, err := ParseBytes(data, chk)
					if err != nil || !li.OK() || len(li.Points) != ledgerBenchRows {
						b.Fatalf("points %d, problems %v, %v", len(li.Points), li.Problems, err)
					}
				}))
			}
			ledgerReportRows(b, ledgerBenchRows, cpu0)
			b.ReportMetric(float64(ledgerBenchRows)*float64(b.N)/(testkit.CPUTime().Seconds()-cpu0)/baseline, "x-xml-baseline-cpu")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		})
	}
}

// ledgerBenchStore opens a fresh database (closed when the test ends) holding the generated unit's village list.
func ledgerBenchStore(tb testing.TB, dir string, villages []Village) *store.Store {
	tb.Helper()
	st := teststore.Open(tb, filepath.Join(dir, "bench.db"))
	vs := make([]models.AdminVillage, len(villages))
	for i, v := range villages {
		vs[i] = models.AdminVillage{Township: v.Township, Name: v.Name, Division: v.Division}
	}
	if err := st.ReplaceAdminVillages("530302", vs, "bench", models.Actor{Username: "bench"}, time.Now()); err != nil {
		tb.Fatal(err)
	}
	return st
}

// BenchmarkLedgerImport is the whole import as the API runs it: read the upload, validate against
// the village list, store the snapshot, the points and the original file in SQLite.
func BenchmarkLedgerImport(b *testing.B) {
	for _, layout := range ledgerBenchLayouts {
		b.Run(layout, func(b *testing.B) {
			data, villages := ledgerBenchFile(b, layout)
			st := ledgerBenchStore(b, b.TempDir(), villages)
			baseline := ledgerBaselineCPU(b, data)
			plan := testkit.Plan(b) // the months are past: IgnoreLock loads them as the CLI would
			var peak uint64
			b.ResetTimer()
			cpu0 := testkit.CPUTime().Seconds()
			for i := range b.N {
				peak = max(peak, ledgerPeakHeap(func() {
					res, err := Import(st, bytes.NewReader(data), Request{UnitCode: "530302",
						Period: models.MustPeriod("2025-12").AddMonths(-i), FileName: "bench.xlsx", Limits: xlsx.DefaultLimits(), Plan: plan, Now: testNow, IgnoreLock: true})
					if err != nil || !res.Stored || res.Points != ledgerBenchRows {
						b.Fatalf("stored %v, points %d, problems %v, %v", res.Stored, res.Points, res.Problems, err)
					}
				}))
			}
			ledgerReportRows(b, ledgerBenchRows, cpu0)
			b.ReportMetric(float64(ledgerBenchRows)*float64(b.N)/(testkit.CPUTime().Seconds()-cpu0)/baseline, "x-xml-baseline-cpu")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		})
	}
}

// BenchmarkLedgerImportRSS runs one whole import in a fresh child process and reports the child's
// peak resident set size: everything the import costs in memory (Go heap and its slack, SQLite's
// caches and its copies of the original file, the runtime), with nothing from the benchmark harness
// mixed in. "dryrun" stops before storing. Set GOMEMLIMIT in the environment to see its effect.
func BenchmarkLedgerImportRSS(b *testing.B) {
	for _, layout := range ledgerBenchLayouts {
		for _, mode := range []string{"store", "dryrun"} {
			b.Run(layout+"/"+mode, func(b *testing.B) {
				p, _ := ledgerGenFile(b, ledgerBenchRows, layout)
				var rss, secs, cpu, heap float64
				for range b.N {
					cmd := exec.Command(os.Args[0], "-test.run=^TestLedgerImportChild$", "-test.v")
					cmd.Env = append(os.Environ(), "RURALKPI_LEDGER_CHILD_FILE="+p, "RURALKPI_LEDGER_CHILD_DIR="+b.TempDir())
					if mode == "dryrun" {
						cmd.Env = append(cmd.Env, "RURALKPI_LEDGER_CHILD_DRYRUN=1")
					}
					out, err := cmd.CombinedOutput()
					if err != nil {
						b.Fatalf("child: %v\n%s", err, out)
					}
					if !bytes.Contains(out, []byte("imported 200000")) {
						b.Fatalf("child did not import:\n%s", out)
					}
					// The child reads its own high-water mark: the rusage of a child started by os/exec
					// also counts the parent's memory, which the child shared until exec.
					rss = max(rss, ledgerChildFigure(out, "vmhwm-KiB=")/1024)
					secs = max(secs, ledgerChildFigure(out, "seconds="))
					cpu = max(cpu, ledgerChildFigure(out, "cpu="))
					heap = max(heap, ledgerChildFigure(out, "peak-heap-MiB="))
				}
				b.ReportMetric(rss, "peak-RSS-MiB")
				b.ReportMetric(heap, "peak-heap-MiB")
				b.ReportMetric(float64(ledgerBenchRows)/secs, "child-rows/s")
				b.ReportMetric(float64(ledgerBenchRows)/cpu, "child-rows/cpu-s")
			})
		}
	}
}

// ledgerHighWaterKiB is this process's peak resident set size (VmHWM), in KiB, or 0 off Linux.
func ledgerHighWaterKiB() int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return n
		}
	}
	return 0
}

// ledgerChildFigure reads "name=value" from the child's output.
func ledgerChildFigure(out []byte, name string) float64 {
	i := bytes.Index(out, []byte(name))
	if i < 0 {
		return 0
	}
	f := bytes.Fields(out[i+len(name):])
	if len(f) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(string(f[0]), 64)
	return v
}

// TestLedgerImportChild is the child process of BenchmarkLedgerImportRSS; it does nothing in a
// normal test run.
func TestLedgerImportChild(t *testing.T) {
	path := os.Getenv("RURALKPI_LEDGER_CHILD_FILE")
	if path == "" {
		t.Skip("only runs as the child of BenchmarkLedgerImportRSS")
	}
	st := ledgerBenchStore(t, os.Getenv("RURALKPI_LEDGER_CHILD_DIR"), ledgerGenVillages(1700, 1))
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dry := os.Getenv("RURALKPI_LEDGER_CHILD_DRYRUN") == "1"
	start, cpu0 := time.Now(), testkit.CPUTime().Seconds()
	var res Result
	peak := ledgerPeakHeap(func() {
		res, err = Import(st, f, Request{UnitCode: "530302", Period: models.MustPeriod("2024-06"), FileName: filepath.Base(path),
			Limits: xlsx.DefaultLimits(), DryRun: dry, Plan: testkit.Plan(t), Now: testNow, IgnoreLock: true})
	})
	if err != nil || res.Stored == dry {
		t.Fatalf("stored %v, problems %v, %v", res.Stored, res.Problems, err)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("imported %d points seconds=%f cpu=%f peak-heap-MiB=%.1f go-sys-MiB=%.1f vmhwm-KiB=%d\n", res.Points, time.Since(start).Seconds(),
		testkit.CPUTime().Seconds()-cpu0, float64(peak)/(1<<20), float64(ms.Sys)/(1<<20), ledgerHighWaterKiB())
}
