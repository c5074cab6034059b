package returns

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"testing"
	"time"

	"ruralkpi/importers"
	"ruralkpi/internal/testkit"
)

// BenchmarkParseReturn is the server time of one return: read, inflate-check and validate a filled template.
func BenchmarkParseReturn(b *testing.B) {
	p := testkit.Plan(b)
	data := filledTemplate(b, p, testPeriod, goodFilling())
	ref := testReference(p)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	cpu := testkit.CPUTime()
	for b.Loop() {
		res, err := Parse(bytes.NewReader(data), importers.DefaultLimits(), ref)
		if err != nil || !res.OK() {
			b.Fatal(err, res.Problems)
		}
	}
	reportCPU(b, cpu)
}

// reportCPU adds the process CPU milliseconds per operation since start to a benchmark's figures.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(testkit.CPUTime()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}

// BenchmarkParseHostile reads zip bombs: the cost must stay flat whatever size they declare.
func BenchmarkParseHostile(b *testing.B) {
	p := testkit.Plan(b)
	for _, name := range []string{"bad_zipbomb.xlsx", "bad_zipbomb_lying.xlsx", "bad_too_many_rows.xlsx"} {
		data := readFixtureB(b, name)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				res, err := Parse(bytes.NewReader(data), importers.DefaultLimits(), testReference(p))
				if err != nil || res.OK() {
					b.Fatal("accepted", err)
				}
			}
		})
	}
}

// BenchmarkWriteTemplate is the cost of one template download.
func BenchmarkWriteTemplate(b *testing.B) {
	p := testkit.Plan(b)
	in := testTemplateInput(p, testPeriod)
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteTemplate(io.Discard, in); err != nil {
			b.Fatal(err)
		}
	}
}

func readFixtureB(b *testing.B, name string) []byte {
	b.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkImportSQLite is the server time of one accepted upload end to end: read, look up the
// reference, validate and store the version with its file in SQLite, in one transaction.
func BenchmarkImportSQLite(b *testing.B) {
	p := testkit.Plan(b)
	s := testStore(b, p)
	parts := testkit.Unzip(b, templateFromStore(b, s, p, goodFilling()))
	b.ReportAllocs()
	var cpu time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		// Each upload must differ by a byte, or the store refuses it as the same file.
		parts["docProps/bench.txt"] = []byte(fmt.Sprint(i))
		file := testkit.Zip(b, parts)
		b.StartTimer()
		start := testkit.CPUTime()
		out, err := Import(s, p, importers.DefaultLimits(), ImportRequest{File: file, Now: testNow})
		cpu += testkit.CPUTime() - start
		if err != nil || !out.Stored {
			b.Fatal(err, out.Problems)
		}
	}
	b.ReportMetric(float64(cpu)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}
