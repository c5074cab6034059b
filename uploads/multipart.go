// Package uploads receives request bodies without holding them in memory: a multipart form is read
// as a stream, its text fields kept (bounded) and its files written straight to spool files in the
// application's own temporary folder, which is swept of what a crashed process left behind.
package uploads

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"os"

	"ruralkpi/models"
)

// Limits bound one request body.
type Limits struct {
	// MaxBody is the largest body accepted, in bytes, files and fields together.
	MaxBody int64
	// MaxFields is the largest number of parts (fields and files).
	MaxFields int
	// MaxFieldBytes is the largest text field (the returns confirmation carries a base64 file).
	MaxFieldBytes int64
	// MaxFiles is the largest number of file parts.
	MaxFiles int
}

// DefaultLimits agree with the documented upload limits: a ledger is at most 64 MiB, so a body of
// 64 MiB plus 1 MiB for the form around it; a returns confirmation carries a 5 MiB file in base64
// (under 7 MiB) in a text field.
func DefaultLimits() Limits {
	return Limits{MaxBody: 65 << 20, MaxFields: 64, MaxFieldBytes: 8 << 20, MaxFiles: 2}
}

// TooLarge is the refusal of a body over the limit, in words a clerk understands.
func TooLarge(lim Limits) error {
	size := fmt.Sprintf("%d MB", lim.MaxBody>>20)
	if lim.MaxBody < 1<<20 {
		size = fmt.Sprintf("%d KB", lim.MaxBody>>10)
	}
	return models.Errorf(models.ETooLarge, "上传的内容过大（超过 %s），系统拒收。台账文件不能超过 64 MB，月报文件不能超过 5 MB，请检查是否选错了文件。", size)
}

// File is an uploaded file spooled to disk.
type File struct {
	// Name is the file name the browser sent (untrusted; for display and audit only).
	Name string
	// Path is the spool file; it is removed with the form.
	Path string
	Size int64
}

// Open opens the spooled file for reading.
func (f *File) Open() (*os.File, error) {
	file, err := os.Open(f.Path)
	if err != nil {
		return nil, fmt.Errorf("uploads: open spooled file: %w", err)
	}
	return file, nil
}

// Form is a multipart form as read from the stream.
type Form struct {
	Values map[string][]string
	Files  map[string]*File
}

// Remove deletes the form's spool files that are still there (a handler may have moved one).
func (f *Form) Remove() {
	for _, file := range f.Files {
		_ = os.Remove(file.Path)
	}
}

// errTooLarge marks the body reader passing MaxBody.
var errTooLarge = errors.New("uploads: body too large")

// limitedReader fails once more than n bytes are read, so that the limit is a refusal, not a cut.
type limitedReader struct {
	r io.Reader
	n int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		var one [1]byte
		if k, _ := l.r.Read(one[:]); k > 0 {
			return 0, errTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

// ReadMultipart reads a multipart/form-data body as a stream: text fields are kept (each within
// MaxFieldBytes), each file part is copied to a new spool file in dir, and the whole body is refused
// past MaxBody. Nothing but the fields and a copy buffer is held in memory. On error, every spool
// file already written is removed.
func ReadMultipart(body io.Reader, boundary string, lim Limits, dir string) (_ *Form, err error) {
	form := &Form{Values: map[string][]string{}, Files: map[string]*File{}}
	defer func() {
		if err != nil {
			form.Remove()
		}
	}()
	mr := multipart.NewReader(&limitedReader{r: body, n: lim.MaxBody}, boundary)
	bad := models.Errorf(models.EInvalid, "上传的表单格式不正确，请刷新页面后重新选择文件上传。")
	buf := make([]byte, 64<<10)
	for parts := 0; ; parts++ {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return form, nil
		}
		if errors.Is(err, errTooLarge) {
			return nil, TooLarge(lim)
		}
		if err != nil {
			return nil, bad
		}
		if parts >= lim.MaxFields {
			return nil, models.Errorf(models.EInvalid, "上传的表单字段过多，请刷新页面后重新上传。")
		}
		name := p.FormName()
		if name == "" {
			continue
		}
		if p.FileName() == "" {
			v, err := io.ReadAll(&limitedReader{r: p, n: lim.MaxFieldBytes})
			switch {
			case errors.Is(err, errTooLarge):
				return nil, models.Errorf(models.ETooLarge, "表单字段“%s”过长（超过 %d MB），系统拒收。", name, lim.MaxFieldBytes>>20)
			case err != nil:
				return nil, tooLargeOr(err, lim, bad)
			}
			form.Values[name] = append(form.Values[name], string(v))
			continue
		}
		if len(form.Files) >= lim.MaxFiles || form.Files[name] != nil {
			return nil, models.Errorf(models.EInvalid, "一次只能上传一个文件。")
		}
		f, err := spool(p, dir, buf)
		if f != nil {
			f.Name = p.FileName()
			form.Files[name] = f
		}
		if err != nil {
			return nil, tooLargeOr(err, lim, bad)
		}
	}
}

// tooLargeOr maps a read error: past the body limit is a 413, a broken body a 422, a failing disk
// an internal error.
func tooLargeOr(err error, lim Limits, bad error) error {
	var pathErr *os.PathError
	switch {
	case errors.Is(err, errTooLarge):
		return TooLarge(lim)
	case errors.As(err, &pathErr):
		return fmt.Errorf("uploads: spool: %w", err)
	}
	return bad
}

// spool copies one file part to a new file in dir. The file is returned (to be removed) even when
// the copy fails.
func spool(r io.Reader, dir string, buf []byte) (*File, error) {
	out, err := os.CreateTemp(dir, "upload-*.part")
	if err != nil {
		return nil, fmt.Errorf("uploads: spool: %w", err)
	}
	n, err := io.CopyBuffer(onlyWriter{out}, r, buf)
	if cerr := out.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("uploads: spool: %w", cerr)
	}
	return &File{Path: out.Name(), Size: n}, err
}

// onlyWriter hides ReadFrom so that io.CopyBuffer uses the given buffer.
type onlyWriter struct{ io.Writer }

// ReadAll reads a non-multipart body (an ordinary form) within max bytes.
func ReadAll(body io.Reader, max int64) ([]byte, error) {
	b, err := io.ReadAll(&limitedReader{r: body, n: max})
	if errors.Is(err, errTooLarge) {
		return nil, TooLarge(Limits{MaxBody: max})
	}
	if err != nil {
		return nil, models.Errorf(models.EInvalid, "请求内容不完整，请重新提交。")
	}
	return b, nil
}
