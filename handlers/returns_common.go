package handlers

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/importers"
	"ruralkpi/importers/returns"
	"ruralkpi/models"
)

// actor is who is filing: a county user for its unit, or the office for any unit.
type actor struct {
	// Unit is the county user's unit; "" for the office, who may file for any unit.
	Unit string
	// Name is recorded as the uploader.
	Name string
}

// actingUser says who files a return, refusing users who may not. It fails closed: with nobody
// signed in it refuses (401) rather than lend the office's powers.
func (s *Server) actingUser(c *fiber.Ctx) (actor, error) {
	u, ok := c.Locals(localUser).(*models.User)
	if !ok || u == nil {
		return actor{}, models.Errorf(models.EUnauthorized, "请先登录。")
	}
	switch u.Role {
	case models.RoleCounty:
		if u.UnitCode == "" {
			return actor{}, models.Errorf(models.EForbidden, "您的账号没有设置所属单位，请联系工作专班办公室。")
		}
		return actor{Unit: u.UnitCode, Name: u.Username}, nil
	case models.RoleOffice:
		return actor{Name: u.Username}, nil
	}
	return actor{}, models.Errorf(models.EForbidden, "您的账号只能查看，不能填报月报。")
}

// returnLimits are the limits of one uploaded return (docs/returns.md).
func returnLimits() importers.Limits { return importers.DefaultLimits() }

// readUpload reads the uploaded return: the multipart field "file", or, when a previewed upload is
// confirmed, the same bytes carried back in "file_b64".
func readUpload(c *fiber.Ctx) ([]byte, string, error) {
	lim := returnLimits().MaxFileBytes
	if b64 := c.FormValue("file_b64"); b64 != "" {
		data, err := base64.StdEncoding.DecodeString(b64)
		if err != nil || int64(len(data)) > lim {
			return nil, "", models.Errorf(models.EInvalid, "确认提交的文件内容已损坏，请重新选择文件上传。")
		}
		return data, c.FormValue("file_name"), nil
	}
	fh, err := uploadedFile(c, "file", "请选择要上传的月报文件（表单字段 file）。")
	if err != nil {
		return nil, "", err
	}
	if fh.Size > lim {
		return nil, "", models.Errorf(models.ETooLarge, "文件过大：上限为 %d MB。月报模板正常只有几十 KB。", lim>>20)
	}
	f, err := fh.Open()
	if err != nil {
		return nil, "", fmt.Errorf("handlers: open upload: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, lim+1))
	if err != nil {
		return nil, "", fmt.Errorf("handlers: read upload: %w", err)
	}
	return data, fh.Name, nil
}

// returnUpload is an uploaded return after the shared import path: who filed it, the file, and
// what the import made of it.
type returnUpload struct {
	who  actor
	file []byte
	name string
	out  returns.ImportOutcome
}

// importUpload is the one way an uploaded return starts, for the API, the upload page and its
// preview: who files it (actingUser), the file (readUpload), then returns.Import with the unit
// and month the form expects. A dry run stores nothing.
func (s *Server) importUpload(c *fiber.Ctx, dryRun bool) (returnUpload, error) {
	who, err := s.actingUser(c)
	if err != nil {
		return returnUpload{}, err
	}
	data, name, err := readUpload(c)
	if err != nil {
		return returnUpload{}, err
	}
	out, err := returns.Import(s.Store, s.Plan, returnLimits(), returns.ImportRequest{File: data, FileName: name,
		ActingUnit: who.Unit, UploadedBy: who.Name, ExpectedUnit: c.FormValue("county"), ExpectedPeriod: c.FormValue("period"),
		DryRun: dryRun, By: s.actor(c), Now: s.Config.Now()})
	if err != nil {
		return returnUpload{}, err
	}
	return returnUpload{who: who, file: data, name: name, out: out}, nil
}

// reportingPeriods lists the months a return may be filed for, newest first.
func (s *Server) reportingPeriods() []string {
	now := s.Config.Now()
	last := models.MustPeriod(s.Plan.EndPeriod)
	if cur := (models.Period{Year: now.Year(), Month: int(now.Month())}); cur.Before(last) {
		last = cur
	}
	var out []string
	for p := last; !p.Before(models.MustPeriod(s.Plan.StartPeriod)); p = p.AddMonths(-1) {
		out = append(out, p.String())
	}
	return out
}

// defaultPeriod is the month returns are usually due for: last month, or the plan's last month once
// the plan is over.
func (s *Server) defaultPeriod() string {
	periods := s.reportingPeriods()
	now := s.Config.Now()
	if len(periods) > 0 && models.MustPeriod(s.Plan.EndPeriod).Before(models.Period{Year: now.Year(), Month: int(now.Month())}) {
		return periods[0]
	}
	if len(periods) > 1 {
		return periods[1]
	}
	if len(periods) == 1 {
		return periods[0]
	}
	return s.Plan.StartPeriod
}

// renderPage writes a page whose layout fields the handler has already set (a flash message).
func (s *Server) renderPage(c *fiber.Ctx, name string, p Page) error {
	var buf bytes.Buffer
	if err := s.Views.Render(&buf, name, p); err != nil {
		return err
	}
	c.Type("html", "utf-8")
	return c.Send(buf.Bytes())
}
