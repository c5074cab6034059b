package testkit

import (
	"io"
	"mime/multipart"
	"os"
	"path/filepath"
)

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
