package handlers

import (
	"bytes"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
	"ruralkpi/importers"
)

// allocationsTemplate downloads the allocation workbook, pre-filled with the current shares.
func (s *Server) allocationsTemplate(c *fiber.Ctx) error {
	targets, err := s.Store.Targets(0)
	if err != nil {
		return err
	}
	allocations, err := s.Store.Allocations(0)
	if err != nil {
		return err
	}
	f, err := importers.AllocationTemplate(s.Plan, targets, allocations)
	if err != nil {
		return err
	}
	defer f.Close()
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="allocations.xlsx"; filename*=UTF-8''%E4%BB%BB%E5%8A%A1%E5%88%86%E8%A7%A3.xlsx`)
	return c.Send(buf.Bytes())
}

// importAllocations reads an uploaded allocation workbook; any problem stores nothing and lists
// every problem with its cell.
func (s *Server) importAllocations(c *fiber.Ctx) error {
	_, file, err := openUploadedFile(c, "file", "请选择要上传的任务分解文件（.xlsx）。")
	if err != nil {
		return err
	}
	defer file.Close()
	inputs, problems, err := importers.ParseAllocations(file, s.Plan)
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.render(c, "allocations_import.html", "allocations", "任务分解导入有误", dashboards.NewAllocationImport(problems))
	}
	n, err := s.Store.SetAllocations(inputs, s.actor(c), s.Config.Now())
	if err != nil {
		return err
	}
	s.flash(c, "导入完成：读取 "+strconv.Itoa(len(inputs))+" 项，修改 "+strconv.Itoa(n)+" 项。")
	return c.Redirect("/allocations", fiber.StatusSeeOther)
}
