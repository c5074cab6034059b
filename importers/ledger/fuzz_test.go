package ledger

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"ruralkpi/importers/hostile"
	"ruralkpi/importers/xlsx"
	"ruralkpi/models"
)

// FuzzLedgerParse feeds arbitrary sheet XML (wrapped in a valid workbook) and arbitrary whole files
// to the ledger reader and validator. Whatever comes in, they must not panic, must stay within the
// limits, and must either refuse with an application error or return points that passed every rule.
//
//	go test ./importers -run '^$' -fuzz FuzzLedgerParse -fuzztime 60s
func FuzzLedgerParse(f *testing.F) {
	const ns = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	f.Add([]byte(`<worksheet `+ns+`><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>网点编码</t></is></c></row></sheetData></worksheet>`), false)
	f.Add([]byte(`<worksheet `+ns+`><sheetData><row r="2"><c r="A2" t="s"><v>0</v></c><c t="inlineStr"><is><r><t>a&amp;b</t></r><rPh><t>x</t></rPh></is></c><c><v>45123</v></c></row><row/></sheetData></worksheet>`), false)
	f.Add([]byte(`<?xml version="1.0"?><!--c--><x:worksheet><x:sheetData><x:row><x:c r="B1" t="str"><x:f>A1</x:f><x:v><![CDATA[<q>]]></x:v></x:c></x:row></x:sheetData></x:worksheet>`), false)
	fixtures, _ := filepath.Glob(filepath.Join("testdata", "*.xlsx"))
	for _, p := range fixtures {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b, true)
		}
	}
	seeds, err := hostile.Seeds()
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range seeds {
		f.Add(seed, true)
	}
	limits := xlsx.DefaultLimits()
	limits.MaxRows = 500
	limits.MaxTokenBytes = 64 << 10
	limits.MaxPartBytes = 8 << 20
	limits.MaxSharedStringBytes = 256 << 10
	chk := Check{AsOf: models.MustPeriod("2024-06"), Villages: ledgerTestVillages(), Limits: limits}
	sst := `<sst ` + ns + `><si><t>网点编码</t></si><si><t>运营中</t></si></sst>`
	f.Fuzz(func(t *testing.T, in []byte, whole bool) {
		data := in
		if !whole {
			data = ledgerTestBook(t, string(in), sst)
		}
		li, err := ParseBytes(data, chk)
		if err != nil {
			var appErr *models.Error
			if !errors.As(err, &appErr) {
				t.Fatalf("error without a user message: %v", err)
			}
			return
		}
		if len(li.Problems) > MaxProblems+1 {
			t.Fatalf("%d problems, more than the cap", len(li.Problems))
		}
		if !li.OK() && len(li.Points) != 0 {
			t.Fatalf("points returned beside problems")
		}
		seen := map[string]bool{}
		for _, p := range li.Points {
			if p.Code == "" || seen[p.Code] || p.Status == 0 || p.OpenedOn == 0 || p.Income < 0 || p.Parcels < 0 {
				t.Fatalf("invalid point passed validation: %+v", p)
			}
			seen[p.Code] = true
		}
		for _, p := range li.Problems {
			if p.Message == "" || !bytes.ContainsRune([]byte(p.Message), '。') && !bytes.ContainsRune([]byte(p.Message), '？') {
				t.Fatalf("problem without a proper message: %+v", p)
			}
		}
	})
}
