package returns

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"ruralkpi/importers"
	"ruralkpi/importers/hostile"
	"ruralkpi/internal/testkit"
)

// FuzzParseReturn feeds arbitrary bytes to the reader and the rules: they must never panic, never
// accept a file without a unit and month, and always explain a refusal.
func FuzzParseReturn(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil && len(b) < 1<<20 {
			f.Add(b)
		}
	}
	seeds, err := hostile.Seeds()
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range seeds {
		f.Add(seed)
	}
	f.Add([]byte{})
	f.Add([]byte("PK\x03\x04"))
	p := testkit.Plan(f)
	lim := importers.DefaultLimits()
	lim.MaxRows = 200
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Parse(bytes.NewReader(data), lim, testReference(p))
		if err != nil {
			t.Fatal(err)
		}
		if res.OK() && (res.Return.UnitCode == "" || res.Return.Period == "") {
			t.Fatalf("accepted without unit or month: %+v", res.Return)
		}
		for _, pr := range res.Problems {
			if pr.Message == "" {
				t.Fatal("problem without a message")
			}
		}
	})
}
