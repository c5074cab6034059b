package handlers

import (
	"bytes"
	"errors"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
	"ruralkpi/reports"
)

// closeout builds the summary from every figure up to the plan's end, on the server's clock, from
// the read model's progress like every other page: it had read every figure from the database and
// indexed them again at each request (16 s a page on the national data set).
func (s *Server) closeout() (reports.Closeout, error) {
	snap, err := s.Store.Progress(s.Plan)
	if err != nil {
		return reports.Closeout{}, err
	}
	over := !models.ReportingMonth(s.Config.Now()).Before(models.MustPeriod(s.Plan.EndPeriod))
	return reports.BuildCloseout(snap.Calc, over), nil
}

func (s *Server) closeoutPage(c *fiber.Ctx) error {
	co, err := s.closeout()
	if err != nil {
		return err
	}
	return s.render(c, "closeout.html", "closeout", "总结评估", co)
}

func (s *Server) closeoutWorkbook(c *fiber.Ctx) error {
	co, err := s.closeout()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := reports.WriteCloseout(&buf, co); err != nil {
		return err
	}
	reportAttachment(c, "closeout.xlsx", "总结评估.xlsx")
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	return c.Send(buf.Bytes())
}

// closeoutPDF prints the summary with the server's headless Chromium, as the briefing is printed.
func (s *Server) closeoutPDF(c *fiber.Ctx) error {
	chromium, err := reports.FindChromium("")
	if err != nil {
		return models.Errorf(models.ENotFound, "服务器未安装 Chromium，无法生成PDF。请打开“总结评估”页面，用浏览器的“打印—另存为PDF”。")
	}
	co, err := s.closeout()
	if err != nil {
		return err
	}
	var html bytes.Buffer
	page := Page{Title: "总结评估", Nav: "closeout", PlanName: s.Plan.Name, DocumentNo: s.Plan.DocumentNo, Data: co}
	if err := s.Views.RenderDocument(&html, "closeout.html", page); err != nil {
		return err
	}
	pdf, err := reports.PrintPDF(c.Context(), chromium, html.Bytes())
	if err != nil {
		if errors.Is(err, reports.ErrNoChromium) {
			return models.Errorf(models.ENotFound, "服务器未安装 Chromium，无法生成PDF。")
		}
		return err
	}
	reportAttachment(c, "closeout.pdf", "总结评估.pdf")
	c.Set(fiber.HeaderContentType, "application/pdf")
	return c.Send(pdf)
}
