package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
	"ruralkpi/reports"
)

// briefingPDF prints the briefing to PDF with the server's headless Chromium, or says plainly
// that the server has none and the page can be printed from the browser.
func (s *Server) briefingPDF(c *fiber.Ctx) error {
	chromium, err := reports.FindChromium("")
	if err != nil {
		return models.Errorf(models.ENotFound, "服务器未安装 Chromium，无法生成PDF。请打开“月度通报”页面，用浏览器的“打印—另存为PDF”。")
	}
	in, err := s.briefingInput(c.Query("period"))
	if err != nil {
		return err
	}
	html, err := s.BriefingHTML(reports.BuildBriefing(in))
	if err != nil {
		return err
	}
	pdf, err := reports.PrintPDF(c.Context(), chromium, html)
	if err != nil {
		if errors.Is(err, reports.ErrNoChromium) {
			return models.Errorf(models.ENotFound, "服务器未安装 Chromium，无法生成PDF。")
		}
		return err
	}
	reportAttachment(c, "briefing-"+in.Period.String()+".pdf", "月度通报-"+in.Period.String()+".pdf")
	c.Set(fiber.HeaderContentType, "application/pdf")
	return c.Send(pdf)
}
