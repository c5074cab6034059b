package ledger

import (
	"bytes"
	"testing"

	"ruralkpi/importers/xlsx"
	"ruralkpi/internal/testkit"
	"ruralkpi/models"
)

// BenchmarkLedgerPreview is the web preview: a dry run that stages the points and compares them in
// SQL with a stored 200,000-point snapshot (stored once, untimed).
func BenchmarkLedgerPreview(b *testing.B) {
	for _, layout := range ledgerBenchLayouts {
		b.Run(layout, func(b *testing.B) {
			data, villages := ledgerBenchFile(b, layout)
			st := ledgerBenchStore(b, b.TempDir(), villages)
			req := Request{UnitCode: "530302", Period: models.MustPeriod("2025-11"), FileName: "bench.xlsx", Limits: xlsx.DefaultLimits(),
				Plan: testkit.Plan(b), Now: testNow, IgnoreLock: true}
			if res, err := Import(st, bytes.NewReader(data), req); err != nil || !res.Stored {
				b.Fatalf("setup: %v %v", res.Problems, err)
			}
			req.Period, req.DryRun, req.Diff = models.MustPeriod("2025-12"), true, true
			var peak uint64
			b.ResetTimer()
			cpu0 := testkit.CPUTime().Seconds()
			for range b.N {
				peak = max(peak, ledgerPeakHeap(func() {
					res, err := Import(st, bytes.NewReader(data), req)
					if err != nil || !res.HasDiff || res.Diff.Added != 0 || res.Diff.Missing != 0 {
						b.Fatalf("diff %+v, problems %v, %v", res.Diff, res.Problems, err)
					}
				}))
			}
			ledgerReportRows(b, ledgerBenchRows, cpu0)
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		})
	}
}
