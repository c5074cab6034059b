package importers

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"unicode"

	"ruralkpi/importers/hostile"
	"ruralkpi/importers/xlsx"
	"ruralkpi/internal/testkit"
	"ruralkpi/models"
)

// hostileBook writes a hostile class.
func hostileBook(t testing.TB, c hostile.Class) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// hasChinese reports whether a message is written for a clerk (it holds Chinese text).
func hasChinese(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// heapGrowth runs fn and returns how much the live heap grew at most, sampled by a finaliser-free
// trick: total allocation during fn bounds what fn can have held at once.
func allocatedBy(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestLedgerSharedStringsBounded: the shared-string table is bounded in total bytes, whatever the
// part's size, so a 256 MiB table of distinct entries (2.5 MiB on the wire, under the ratio guard)
// is refused with a message, having allocated far less than the table.
func TestLedgerSharedStringsBounded(t *testing.T) {
	data := hostileBook(t, hostile.Classes()[0])
	var err error
	alloc := allocatedBy(func() {
		_, err = ParseLedgerAt(bytes.NewReader(data), int64(len(data)), LedgerCheck{AsOf: models.MustPeriod("2024-06"), Limits: xlsx.DefaultLimits()})
	})
	var appErr *models.Error
	if !errors.As(err, &appErr) || appErr.Code != models.ETooLarge || !strings.Contains(appErr.Message, "共享字符串") {
		t.Fatalf("want a too-large refusal naming the shared strings, got %v", err)
	}
	if limit := uint64(2 * xlsx.DefaultLimits().MaxSharedStringBytes); alloc > limit {
		t.Errorf("allocated %d MiB reading a hostile table, want at most %d MiB", alloc>>20, limit>>20)
	}
}

// TestLedgerUniqueCountNotTrusted: a 2 KB file declaring uniqueCount="16000000" allocates nothing
// like the 64 MB the declaration asks for.
func TestLedgerUniqueCountNotTrusted(t *testing.T) {
	var buf bytes.Buffer
	if err := hostile.UniqueCount(&buf); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	alloc := allocatedBy(func() {
		if _, err := ledgerRawRows(t, data, xlsx.DefaultLimits()); err != nil {
			t.Fatal(err)
		}
	})
	if alloc > 4<<20 {
		t.Errorf("reading a %d-byte file allocated %d MiB; the declared uniqueCount must not size anything", len(data), alloc>>20)
	}
}

// TestLedgerDimensionNotTrusted: <dimension ref="A1:XFD1048576"> in a tiny sheet does not make the
// validator (without a sink, which keeps points) reserve room for a million points.
func TestLedgerDimensionNotTrusted(t *testing.T) {
	var buf bytes.Buffer
	if err := hostile.Dimension(&buf); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	alloc := allocatedBy(func() {
		if _, err := ParseLedgerBytes(data, LedgerCheck{AsOf: models.MustPeriod("2024-06"), Limits: xlsx.DefaultLimits()}); err != nil {
			var appErr *models.Error
			if !errors.As(err, &appErr) {
				t.Fatal(err)
			}
		}
	})
	if alloc > 4<<20 {
		t.Errorf("a sheet declaring A1:XFD1048576 allocated %d MiB", alloc>>20)
	}
}

// TestLedgerSmallPartsBounded: the parts read whole (workbook, relationships) are bounded by what
// they need, not by the sheet's limit.
func TestLedgerSmallPartsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>`)
	for i := range 100_000 { // distinct names, so the part deflates like real data (under the ratio guard)
		fmt.Fprintf(&b, `<sheet name="%x" sheetId="%d" r:id="rId%d"/>`, i*2654435761, i, i)
	}
	b.WriteString(`</sheets></workbook>`)
	big := b.String()
	data := ledgerTestBookWith(t, map[string]string{"xl/workbook.xml": big})
	_, err := xlsx.Open(bytes.NewReader(data), int64(len(data)), xlsx.DefaultLimits())
	var appErr *models.Error
	if !errors.As(err, &appErr) || appErr.Code != models.ETooLarge || !strings.Contains(appErr.Message, "workbook.xml") {
		t.Fatalf("want a too-large refusal of workbook.xml, got %v", err)
	}
}

// TestHostileClassesRefused sends every hostile class to every importer and wants a refusal (an
// application error or problems) explained in Chinese, never a crash or an acceptance.
func TestHostileClassesRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("generates hundreds of MiB of hostile XML")
	}
	p := testkit.Plan(t)
	doors := []struct {
		name string
		read func(data []byte) (string, error) // the refusal message, "" when accepted
	}{
		{"ledger", func(data []byte) (string, error) {
			li, err := ParseLedgerAt(bytes.NewReader(data), int64(len(data)), LedgerCheck{AsOf: models.MustPeriod("2024-06"), Limits: xlsx.DefaultLimits()})
			if err != nil {
				return models.ErrorMessage(err), appErrOnly(err)
			}
			if len(li.Problems) > 0 {
				return li.Problems[0].Message, nil
			}
			return "", nil
		}},
		{"villages", func(data []byte) (string, error) {
			list, err := ParseLedgerVillagesAt(bytes.NewReader(data), int64(len(data)), xlsx.DefaultLimits())
			if err != nil {
				return models.ErrorMessage(err), appErrOnly(err)
			}
			if len(list.Problems) > 0 {
				return list.Problems[0].Message, nil
			}
			return "", nil
		}},
		{"returns", func(data []byte) (string, error) {
			_, ps, err := Read(bytes.NewReader(data), DefaultLimits(), p)
			if len(ps) > 0 {
				return ps[0].Message, err
			}
			return "", err
		}},
		{"allocations", func(data []byte) (string, error) {
			_, ps, err := ParseAllocations(bytes.NewReader(data), p)
			if len(ps) > 0 {
				return ps[0].Message, err
			}
			return "", err
		}},
	}
	for _, c := range hostile.Classes() {
		data := hostileBook(t, c)
		for _, d := range doors {
			t.Run(c.Name+"/"+d.name, func(t *testing.T) {
				msg, err := d.read(data)
				if err != nil {
					t.Fatalf("failed instead of refusing: %v", err)
				}
				if msg == "" || !hasChinese(msg) {
					t.Fatalf("not refused with a Chinese message: %q", msg)
				}
			})
		}
	}
}

// appErrOnly passes application errors (refusals) as nil and returns anything else.
func appErrOnly(err error) error {
	var appErr *models.Error
	if errors.As(err, &appErr) {
		return nil
	}
	return err
}

// hostileSeeds are small members of every hostile class, as fuzz seeds: big enough to cross the
// fuzz targets' reduced limits, small enough to mutate quickly.
func hostileSeeds(tb testing.TB) [][]byte {
	tb.Helper()
	var out [][]byte
	for _, write := range []func(w *bytes.Buffer) error{
		func(w *bytes.Buffer) error { return hostile.SharedStrings(w, 512<<10) },
		func(w *bytes.Buffer) error { return hostile.UniqueCount(w) },
		func(w *bytes.Buffer) error { return hostile.HugeSheet(w, 600, 70) },
		func(w *bytes.Buffer) error { return hostile.LongToken(w, 200<<10) },
		func(w *bytes.Buffer) error { return hostile.DeepXML(w, 20_000) },
		func(w *bytes.Buffer) error { return hostile.ZipBomb(w, 16<<20) },
		func(w *bytes.Buffer) error { return hostile.ManyEntries(w, 400) },
		func(w *bytes.Buffer) error { return hostile.Dimension(w) },
	} {
		var buf bytes.Buffer
		if err := write(&buf); err != nil {
			tb.Fatal(err)
		}
		out = append(out, buf.Bytes())
	}
	return out
}
