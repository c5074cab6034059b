package ledger

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"ruralkpi/importers/hostile"
	"ruralkpi/importers/xlsx"
	"ruralkpi/models"
)

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
	data, err := hostile.Classes()[0].Bytes()
	if err != nil {
		t.Fatal(err)
	}
	alloc := allocatedBy(func() {
		_, err = ParseAt(bytes.NewReader(data), int64(len(data)), Check{AsOf: models.MustPeriod("2024-06"), Limits: xlsx.DefaultLimits()})
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
	data := hostile.Book(t, hostile.UniqueCount)
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
	data := hostile.Book(t, hostile.Dimension)
	alloc := allocatedBy(func() {
		if _, err := ParseBytes(data, Check{AsOf: models.MustPeriod("2024-06"), Limits: xlsx.DefaultLimits()}); err != nil {
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

// TestRefusalsNameTheUpload: the streaming reader's size refusals call a village list a
// 行政村名录 and a ledger a 台账, whichever door refuses it (the file's size, the shared strings).
func TestRefusalsNameTheUpload(t *testing.T) {
	data := hostile.Book(t, func(w io.Writer) error { return hostile.SharedStrings(w, 2<<20) })
	small := xlsx.DefaultLimits()
	small.MaxFileBytes = 1 << 10
	tight := xlsx.DefaultLimits()
	tight.MaxSharedStringBytes = 1 << 20
	doors := []struct {
		name, noun, other string
		read              func(lim xlsx.Limits) error
	}{
		{"village list", "行政村名录", "台账", func(lim xlsx.Limits) error {
			_, err := ParseVillagesAt(bytes.NewReader(data), int64(len(data)), lim)
			return err
		}},
		{"village list in memory", "行政村名录", "台账", func(lim xlsx.Limits) error {
			_, err := ParseVillages(bytes.NewReader(data), lim)
			return err
		}},
		{"ledger", "台账", "行政村名录", func(lim xlsx.Limits) error {
			_, err := ParseAt(bytes.NewReader(data), int64(len(data)), Check{AsOf: models.MustPeriod("2024-06"), Limits: lim})
			return err
		}},
		{"ledger in memory", "台账", "行政村名录", func(lim xlsx.Limits) error {
			_, _, err := Parse(bytes.NewReader(data), Check{AsOf: models.MustPeriod("2024-06"), Limits: lim})
			return err
		}},
	}
	for _, d := range doors {
		for _, lim := range []struct {
			name   string
			limits xlsx.Limits
			want   string
		}{{"too large", small, "文件过大：" + d.noun + "文件"}, {"too much text", tight, "超出" + d.noun + "的正常规模"}} {
			t.Run(d.name+"/"+lim.name, func(t *testing.T) {
				err := d.read(lim.limits)
				var appErr *models.Error
				if !errors.As(err, &appErr) {
					t.Fatalf("want a refusal, got %v", err)
				}
				if !strings.Contains(appErr.Message, lim.want) || strings.Contains(appErr.Message, d.other) {
					t.Errorf("refusal %q, want it to say %q and not %q", appErr.Message, lim.want, d.other)
				}
			})
		}
	}
}
