package testkit

import (
	"bytes"
	"io"
	"maps"
	"mime/multipart"
	"os"
	"path/filepath"
	"slices"
)

// Form is a multipart form of fields (in name order) and, unless file is nil, the file as its
// "file" part named name, as a browser or a script posts an upload, and the form's Content-Type.
// It is written to memory, where writing cannot fail, so it takes no testing.TB and can be built
// inside a client's goroutine.
func Form(fields map[string]string, name string, file []byte) (*bytes.Buffer, string) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		_ = w.WriteField(k, fields[k])
	}
	if file != nil {
		part, _ := w.CreateFormFile("file", name)
		_, _ = part.Write(file)
	}
	_ = w.Close()
	return &body, w.FormDataContentType()
}

// MultipartFile is a multipart form of fields and the file at path as its "file" part, streamed
// from disk as it is read (a test client holds none of a large ledger in memory), and the form's
// Content-Type. An error writing it — the file missing, or the connection cut by a killed server —
// is the reader's error.
func MultipartFile(fields map[string]string, path string) (io.Reader, string) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		pw.CloseWithError(func() error {
			for k, v := range fields {
				if err := mw.WriteField(k, v); err != nil {
					return err
				}
			}
			fw, err := mw.CreateFormFile("file", filepath.Base(path))
			if err != nil {
				return err
			}
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			if _, err := io.Copy(fw, f); err != nil {
				return err
			}
			return mw.Close()
		}())
	}()
	return pr, mw.FormDataContentType()
}
