package importers

import (
	"bytes"
	"io"
	"os"
	"testing"
)

// BenchmarkParseReturn is the server time of one return: read, inflate-check and validate a filled template.
func BenchmarkParseReturn(b *testing.B) {
	p := testPlan(b)
	data := filledTemplate(b, p, testPeriod, goodFilling())
	ref := testReference(p)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		res, err := ParseReturn(bytes.NewReader(data), DefaultLimits(), ref)
		if err != nil || !res.OK() {
			b.Fatal(err, res.Problems)
		}
	}
}

// BenchmarkParseHostile reads zip bombs: the cost must stay flat whatever size they declare.
func BenchmarkParseHostile(b *testing.B) {
	p := testPlan(b)
	for _, name := range []string{"bad_zipbomb.xlsx", "bad_zipbomb_lying.xlsx", "bad_too_many_rows.xlsx"} {
		data := readFixtureB(b, name)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				res, err := ParseReturn(bytes.NewReader(data), DefaultLimits(), testReference(p))
				if err != nil || res.OK() {
					b.Fatal("accepted", err)
				}
			}
		})
	}
}

// BenchmarkWriteTemplate is the cost of one template download.
func BenchmarkWriteTemplate(b *testing.B) {
	p := testPlan(b)
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
