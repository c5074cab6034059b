package importers

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"ruralkpi/models"
)

// The ledger benchmarks all read the same generated 200,000-row, 12-column sheet, in the two
// layouts: "shared" (Excel's own: strings in sharedStrings.xml, written by our generator) and
// "inline" (t="inlineStr", written by excelize's StreamWriter). Run them with
//
//	go test ./importers -run '^$' -bench Ledger -benchtime 3x
const ledgerBenchRows = 200_000

var ledgerBenchLayouts = []string{"shared", "inline"}

func ledgerBenchFile(b *testing.B, layout string) ([]byte, []LedgerVillage) {
	b.Helper()
	p, villages := ledgerGenFile(b, ledgerBenchRows, layout)
	data, err := os.ReadFile(p)
	if err != nil {
		b.Fatal(err)
	}
	return data, villages
}

func ledgerReportRows(b *testing.B, rows int) {
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
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

func BenchmarkLedgerXMLTokenBaseline(b *testing.B) {
	for _, layout := range ledgerBenchLayouts {
		b.Run(layout, func(b *testing.B) {
			data, _ := ledgerBenchFile(b, layout)
			b.ResetTimer()
			for range b.N {
				n, err := xmlTokenPass(data)
				if err != nil || n != ledgerBenchRows+1 {
					b.Fatalf("rows %d, %v", n, err)
				}
			}
			ledgerReportRows(b, ledgerBenchRows)
		})
	}
}

func BenchmarkLedgerExcelizeRows(b *testing.B) {
	for _, raw := range []bool{false, true} {
		for _, layout := range ledgerBenchLayouts {
			name := layout + "/default"
			if raw {
				name = layout + "/raw"
			}
			b.Run(name, func(b *testing.B) {
				data, _ := ledgerBenchFile(b, layout)
				b.ResetTimer()
				for range b.N {
					f, err := excelize.OpenReader(bytes.NewReader(data))
					if err != nil {
						b.Fatal(err)
					}
					rows, err := f.Rows(LedgerSheetName)
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
				}
				ledgerReportRows(b, ledgerBenchRows)
			})
		}
	}
}

// BenchmarkLedgerRead is the streaming reader alone: every cell decoded, nothing validated.
func BenchmarkLedgerRead(b *testing.B) {
	for _, layout := range ledgerBenchLayouts {
		b.Run(layout, func(b *testing.B) {
			data, _ := ledgerBenchFile(b, layout)
			b.ResetTimer()
			for range b.N {
				wb, err := OpenLedgerWorkbook(data, DefaultLedgerLimits())
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				err = wb.ReadRows(LedgerSheetName, nil, func(r LedgerRow) error {
					n++
					return nil
				})
				if err != nil || n != ledgerBenchRows+1 {
					b.Fatalf("rows %d, %v", n, err)
				}
			}
			ledgerReportRows(b, ledgerBenchRows)
		})
	}
}

// BenchmarkLedgerParse is read and validate: the points come out ready to store. It also reports
// the ratio to the encoding/xml baseline measured once on the same file, and the peak live heap.
func BenchmarkLedgerParse(b *testing.B) {
	for _, layout := range ledgerBenchLayouts {
		b.Run(layout, func(b *testing.B) {
			data, villages := ledgerBenchFile(b, layout)
			chk := LedgerCheck{AsOf: models.MustPeriod("2024-06"), Villages: NewLedgerVillageIndex(villages), Limits: DefaultLedgerLimits()}
			start := time.Now()
			if _, err := xmlTokenPass(data); err != nil {
				b.Fatal(err)
			}
			baseline := float64(ledgerBenchRows) / time.Since(start).Seconds()
			var peak uint64
			b.ResetTimer()
			for range b.N {
				peak = max(peak, ledgerPeakHeap(func() {
					li, err := ParseLedgerBytes(data, chk)
					if err != nil || !li.OK() || len(li.Points) != ledgerBenchRows {
						b.Fatalf("points %d, problems %v, %v", len(li.Points), li.Problems, err)
					}
				}))
			}
			ledgerReportRows(b, ledgerBenchRows)
			b.ReportMetric(float64(ledgerBenchRows)*float64(b.N)/b.Elapsed().Seconds()/baseline, "x-xml-baseline")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		})
	}
}
