package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"strings"
	"testing"

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
