package handlers

import (
	"bytes"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
	"ruralkpi/importers/ledger"
	"ruralkpi/importers/xlsx"
	"ruralkpi/models"
)

// ledgerVillagesPage shows a unit's village reference list with the import form.
func (s *Server) ledgerVillagesPage(c *fiber.Ctx) error {
	unit, ok := s.Plan.Unit(c.Params("county"))
	if !ok {
		return models.Errorf(models.ENotFound, "单位不存在。")
	}
	return s.renderLedgerVillages(c, unit, nil, "")
}

// renderLedgerVillages reads the stored list and renders the page with a refused upload's problems.
func (s *Server) renderLedgerVillages(c *fiber.Ctx, unit models.Unit, problems []models.LedgerProblem, fileName string) error {
	vs, err := s.Store.AdminVillages(unit.Code)
	if err != nil {
		return err
	}
	return s.render(c, "ledger_villages.html", "ledger", unit.Name+"行政村名录", dashboards.NewVillagesPage(unit, vs, problems, fileName))
}

// ledgerVillagesImport replaces a unit's village reference list from an uploaded sheet; nothing is
// stored when any cell is wrong, and every problem is shown with its cell.
func (s *Server) ledgerVillagesImport(c *fiber.Ctx) error {
	unit, ok := s.Plan.Unit(c.Params("county"))
	if !ok {
		return models.Errorf(models.ENotFound, "单位不存在。")
	}
	fh, f, err := openUploadedFile(c, "file", "请选择要导入的行政村名录文件。")
	if err != nil {
		return err
	}
	defer f.Close()
	list, err := ledger.ParseVillagesAt(f, fh.Size, xlsx.DefaultLimits())
	if err != nil {
		return err
	}
	if len(list.Problems) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.renderLedgerVillages(c, unit, list.Problems, fh.Name)
	}
	vs := make([]models.AdminVillage, len(list.Villages))
	for i, v := range list.Villages {
		vs[i] = models.AdminVillage{Township: v.Township, Name: v.Name, Division: v.Division}
	}
	if err := s.Store.ReplaceAdminVillages(unit.Code, vs, fh.Name, s.actor(c), s.Config.Now()); err != nil {
		return err
	}
	s.flash(c, "已导入 "+strconv.Itoa(len(vs))+" 个行政村。")
	return c.Redirect("/ledger/"+unit.Code+"/villages", fiber.StatusSeeOther)
}

// ledgerVillagesTemplate sends the village list template, pre-filled with the unit's current list.
func (s *Server) ledgerVillagesTemplate(c *fiber.Ctx) error {
	unit, ok := s.Plan.Unit(c.Params("county"))
	if !ok {
		return models.Errorf(models.ENotFound, "单位不存在。")
	}
	vs, err := s.Store.AdminVillages(unit.Code)
	if err != nil {
		return err
	}
	list := make([]ledger.Village, len(vs))
	for i, v := range vs {
		list[i] = ledger.Village{Township: v.Township, Name: v.Name, Division: v.Division}
	}
	var buf bytes.Buffer
	if err := ledger.WriteVillagesTemplate(&buf, unit.Name, list); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	attachment(c, unit.Name+"行政村名录.xlsx")
	return c.Send(buf.Bytes())
}
