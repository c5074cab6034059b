package testkit

import (
	"archive/zip"
	"bytes"
	"io"
	"maps"
	"slices"
	"testing"
)

// Zip writes a zip archive of the parts (name → content), deflated and in name order, so the same
// parts always give the same bytes: a workbook, or something posing as one, built part by part.
func Zip(tb testing.TB, parts map[string][]byte) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range slices.Sorted(maps.Keys(parts)) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := w.Write(parts[name]); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// Unzip reads every part of a zip archive (name → content), as Zip takes them.
func Unzip(tb testing.TB, data []byte) map[string][]byte {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			tb.Fatal(err)
		}
		out[f.Name], err = io.ReadAll(rc)
		rc.Close()
		if err != nil {
			tb.Fatal(err)
		}
	}
	return out
}
