package handlers

import (
	"encoding/base64"

	"ruralkpi/importers/returns"
	"ruralkpi/models"

	"github.com/gofiber/fiber/v2"
)

// returnsPreview validates an upload without storing it and shows the values, warnings, problems
// and the difference from the stored version, with a button to confirm.
func (s *Server) returnsPreview(c *fiber.Ctx) error {
	up, err := s.importUpload(c, true)
	if err != nil {
		return err
	}
	out := up.out
	page := s.uploadData(c, up.who)
	page.Preview = s.preview(out)
	page.Preview.FileB64, page.Preview.FileName = base64.StdEncoding.EncodeToString(up.file), up.name
	if !out.OK() {
		c.Status(fiber.StatusUnprocessableEntity)
	} else if page.Preview.Quality, err = s.qualityFor(c, out.Return.UnitCode, out.Return.Period, figures(out.Return.Values)); err != nil {
		return err
	}
	return s.render(c, "returns.html", "returns", "月报填报 · 预览", page)
}

// preview lays an outcome out for the page.
func (s *Server) preview(out returns.ImportOutcome) *previewData {
	p := &previewData{UnitName: s.Plan.UnitName(out.Return.UnitCode), Outcome: out, Stored: out.Stored}
	for _, ch := range out.Changes {
		row := previewRow{Code: ch.Indicator, Name: ch.Name, Old: ch.Old, New: ch.New, Kind: changeLabel(ch)}
		if ind, ok := s.Plan.Indicator(ch.Indicator); ok {
			row.Unit = ind.Unit
		}
		p.Rows = append(p.Rows, row)
	}
	return p
}

// changeLabel names a change in Chinese.
func changeLabel(ch models.ReturnChange) string {
	label := map[string]string{models.ReturnChangeAdded: "新增", models.ReturnChangeRemoved: "本次未填", models.ReturnChangeChanged: "有变化", models.ReturnChangeSame: "无变化"}[ch.Kind]
	if ch.NoteChanged && ch.Kind == models.ReturnChangeSame {
		label = "备注有变化"
	}
	return label
}
