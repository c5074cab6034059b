package handlers

import (
	"io"
	"os"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
	"ruralkpi/uploads"
)

// Request bodies are streamed (fiber StreamRequestBody) and read here, once, for every door: a
// multipart form's file goes straight to a spool file in the application's temporary folder and
// its fields into the request's form values, so that no upload is ever held in memory, let alone
// twice. Handlers take the file with uploadedFile.

// localUpload holds the request's *uploads.Form.
const localUpload = "upload"

// maxFormBody bounds a body that is not multipart (ordinary forms, JSON): the largest is the
// returns confirmation, a 5 MiB file in base64, about 7 MiB.
const maxFormBody = 10 << 20

// maxAnonymousBody bounds the body of a request from someone not signed in (the login form).
const maxAnonymousBody = 64 << 10

// readBody reads the request body within the limits: 413 with a Chinese message past them. Whatever
// happens, the stream is left consumed or replaced by an empty one (so that nothing later, such as
// a form lookup, reads from the connection again), and a connection whose body was not read to its
// end is closed so that its unread bytes are never taken for the next request.
func (s *Server) readBody(c *fiber.Ctx) error {
	stream := c.Context().RequestBodyStream()
	if stream == nil {
		return c.Next()
	}
	lim := uploads.DefaultLimits()
	lim.MaxBody = int64(s.Config.BodyLimit)
	boundary := string(c.Request().Header.MultipartFormBoundary())
	anonymous := currentUser(c) == nil
	switch {
	case anonymous && boundary != "":
		// Nobody signed in uploads files: the request is refused later (401, 403) unread.
		s.dropBody(c)
		return c.Next()
	case c.Request().Header.ContentLength() > int(lim.MaxBody):
		s.dropBody(c)
		return uploads.TooLarge(lim)
	case boundary == "":
		max := min(maxFormBody, lim.MaxBody)
		if anonymous {
			max = maxAnonymousBody
		}
		body, err := uploads.ReadAll(stream, max)
		if err != nil {
			s.dropBody(c)
			return err
		}
		c.Request().SetBodyStream(emptyBody{}, 0)
		c.Request().SetBodyRaw(body)
		c.Request().Header.SetContentLength(len(body))
		if len(body) > 1<<20 { // a returns confirmation carrying its file
			release, err := s.importSlot(c)
			if err != nil {
				return err
			}
			defer release()
		}
		return c.Next()
	}
	if strings.TrimSpace(c.Get(fiber.HeaderContentEncoding)) != "" {
		s.dropBody(c)
		return models.Errorf(models.EInvalid, "不支持压缩的上传内容，请直接上传文件。")
	}
	form, err := uploads.ReadMultipart(stream, boundary, lim, s.tmp.Run())
	if err != nil {
		s.dropBody(c)
		return err
	}
	defer form.Remove()
	// After the closing boundary only an epilogue (and a chunked body's last chunk) may follow.
	if n, _ := io.CopyN(io.Discard, stream, 64<<10); n == 64<<10 {
		c.Context().SetConnectionClose()
	}
	c.Request().SetBodyStream(emptyBody{}, 0)
	if len(form.Files) > 0 {
		// Reading a workbook costs up to a few tens of MiB; only so many run at once, the rest
		// wait with their file on disk.
		release, err := s.importSlot(c)
		if err != nil {
			return err
		}
		defer release()
	}
	args := c.Request().PostArgs() // empty for multipart: fields are added for FormValue (and CSRF)
	for k, vs := range form.Values {
		for _, v := range vs {
			args.Add(k, v)
		}
	}
	c.Locals(localUpload, form)
	return c.Next()
}

// importSlot waits for one of the server's import slots (Config.MaxImports); after importWait it
// gives up with a 503 and Retry-After.
func (s *Server) importSlot(c *fiber.Ctx) (release func(), err error) {
	t := time.NewTimer(importWait)
	defer t.Stop()
	select {
	case s.imports <- struct{}{}:
		return func() { <-s.imports }, nil
	case <-t.C:
		c.Set(fiber.HeaderRetryAfter, "60")
		return nil, fiber.NewError(fiber.StatusServiceUnavailable, "系统正在处理其他上传的文件，请稍后重试。")
	}
}

// importWait is how long an upload waits for an import slot.
const importWait = 2 * time.Minute

// dropBody leaves a body unread: the stream is replaced by an empty one and the connection closed.
func (s *Server) dropBody(c *fiber.Ctx) {
	c.Context().SetConnectionClose()
	c.Request().SetBodyStream(emptyBody{}, 0)
}

// emptyBody is a request body stream that has ended.
type emptyBody struct{}

func (emptyBody) Read([]byte) (int, error) { return 0, io.EOF }

// openUploadedFile is uploadedFile with its spooled file opened for reading; the caller closes it.
func openUploadedFile(c *fiber.Ctx, field, missing string) (*uploads.File, *os.File, error) {
	fh, err := uploadedFile(c, field, missing)
	if err != nil {
		return nil, nil, err
	}
	f, err := fh.Open()
	if err != nil {
		return nil, nil, err
	}
	return fh, f, nil
}

// uploadedFile is the spooled file of the form field; missing says what to choose, in Chinese.
func uploadedFile(c *fiber.Ctx, field, missing string) (*uploads.File, error) {
	form, _ := c.Locals(localUpload).(*uploads.Form)
	if form == nil || form.Files[field] == nil || form.Files[field].Size == 0 && form.Files[field].Name == "" {
		return nil, models.Errorf(models.EInvalid, "%s", missing)
	}
	return form.Files[field], nil
}
