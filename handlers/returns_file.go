package handlers

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

// returnVersionFile downloads the original file stored for a return version: the office any unit's,
// a county user only its own unit's. Leaders read the figures, not the files.
func (s *Server) returnVersionFile(c *fiber.Ctx) error {
	id, err := strconv.ParseUint(c.Params("id"), 10, 32)
	if err != nil {
		return models.Errorf(models.ENotFound, "没有这个月报版本。")
	}
	v, err := s.Store.VersionByID(uint(id))
	if errors.Is(err, models.ErrNotFound) {
		return models.Errorf(models.ENotFound, "没有这个月报版本。")
	}
	if err != nil {
		return err
	}
	if u := currentUser(c); u == nil || !models.MayActForUnit(*u, v.UnitCode) {
		return models.Errorf(models.EForbidden, "只能下载本单位月报的原始文件。")
	}
	if v.FileHash == "" {
		return models.Errorf(models.ENotFound, "这一版不是上传的文件（演示数据或办公室录入），没有原始文件。")
	}
	f, err := s.Store.StoredFileByHash(v.FileHash)
	if errors.Is(err, models.ErrNotFound) {
		return models.Errorf(models.ENotFound, "这一版的原始文件没有找到。")
	}
	if err != nil {
		return err
	}
	// The uploader's name is kept only as far as it is harmless; the extension is that of what was
	// validated (an .xlsx workbook, or a web return's posted fields as JSON), never the one the
	// uploader chose.
	fallback := s.Plan.UnitName(v.UnitCode) + "-" + v.Period + "-第" + strconv.Itoa(v.Number) + "版"
	ext := "xlsx"
	if v.Source == models.SourceWeb {
		ext = "json"
	}
	attachment(c, downloadName(v.FileName, "."+ext, fallback))
	c.Type(ext)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	return c.Send(f.Data)
}
