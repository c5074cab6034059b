package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"ruralkpi/importers/hostile"
	"ruralkpi/models"
)

// TestPartLimitActualSize checks that the zip header is not trusted: a part whose header
// under-declares its size is refused once the declared size is passed.
func TestPartLimitActualSize(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	body := strings.Repeat("x", 10_000)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "a.xml", Method: zip.Store, CompressedSize64: uint64(len(body)), UncompressedSize64: 100, CRC32: 0})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte(body)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	wb := &Workbook{zr: zr, limits: DefaultLimits()}
	rc, err := wb.openPart(zr.File[0])
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	n := 0
	p := make([]byte, 64)
	for {
		k, err := rc.Read(p)
		n += k
		if err != nil {
			var appErr *models.Error
			// archive/zip itself stops at the declared size (ErrFormat); the limit reader backs it up.
			if !errors.As(err, &appErr) || (appErr.Code != models.ETooLarge && appErr.Code != models.EInvalid) {
				t.Fatalf("after %d bytes: want a refusal, got %v", n, err)
			}
			break
		}
	}
	if n > 101 {
		t.Errorf("read %d bytes of a part declared as 100", n)
	}
}

func TestColumnName(t *testing.T) {
	for col, want := range map[int]string{0: "A", 11: "L", 25: "Z", 26: "AA", 27: "AB", 701: "ZZ", 702: "AAA"} {
		if got := ColumnName(col); got != want {
			t.Errorf("ColumnName(%d) = %q, want %q", col, got, want)
		}
		c, r, err := CellRef([]byte(want + "12"))
		if err != nil || c != col || r != 12 {
			t.Errorf("CellRef(%s12) = %d, %d, %v", want, c, r, err)
		}
	}
}

// TestRefusalsNameWhatIsRead: the reader is general, so its size refusals name what the caller
// says it reads (Limits.Noun), 表格 when it says nothing, and never 台账 on their own.
func TestRefusalsNameWhatIsRead(t *testing.T) {
	data := hostile.Book(t, func(w io.Writer) error { return hostile.SharedStrings(w, 2<<20) })
	refusals := []struct {
		name string
		read func(lim Limits) error
		want string // with %s for the noun
	}{
		{"ReadFile too large", func(lim Limits) error {
			lim.MaxFileBytes = 1 << 10
			_, err := ReadFile(bytes.NewReader(data), lim)
			return err
		}, "文件过大：%s文件不能超过"},
		{"Open too large", func(lim Limits) error {
			lim.MaxFileBytes = 1 << 10
			_, err := Open(bytes.NewReader(data), int64(len(data)), lim)
			return err
		}, "文件过大：%s文件不能超过"},
		{"shared strings over the budget", func(lim Limits) error {
			lim.MaxSharedStringBytes = 1 << 20
			wb, err := Open(bytes.NewReader(data), int64(len(data)), lim)
			if err != nil {
				return err
			}
			return wb.ReadRows(wb.SheetNames()[0], nil, func(Row) error { return nil })
		}, "超出%s的正常规模"},
	}
	for _, noun := range []struct{ set, said string }{{"台账", "台账"}, {"行政村名录", "行政村名录"}, {"", "表格"}} {
		for _, r := range refusals {
			t.Run(r.name+"/"+noun.said, func(t *testing.T) {
				lim := DefaultLimits()
				lim.Noun = noun.set
				err := r.read(lim)
				var appErr *models.Error
				if !errors.As(err, &appErr) || appErr.Code != models.ETooLarge {
					t.Fatalf("want a too-large refusal, got %v", err)
				}
				want := strings.Replace(r.want, "%s", noun.said, 1)
				if !strings.Contains(appErr.Message, want) {
					t.Errorf("refusal %q, want it to say %q", appErr.Message, want)
				}
				if noun.said != "台账" && strings.Contains(appErr.Message, "台账") {
					t.Errorf("refusal %q speaks of a 台账 the caller is not reading", appErr.Message)
				}
			})
		}
	}
}
