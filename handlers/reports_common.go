package handlers

import (
	"bytes"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
	"ruralkpi/reports"
)

// reportInput loads what a report needs for the month in the query (empty: the newest month with
// returns). Open follow-ups are to be added here once that feature is merged.
func (s *Server) reportInput(period string) (reports.Input, error) {
	p, err := reports.ResolvePeriod(s.Store, s.Plan, period)
	if err != nil {
		return reports.Input{}, err
	}
	return reports.Load(s.Store, s.Plan, p, s.Config.Now())
}

// briefingInput is reportInput for the briefing, which prints no value's sources and no reporting
// unit's figures but those newly red: the read model's values read in place (reports.LoadBriefing).
func (s *Server) briefingInput(period string) (reports.Input, error) {
	p, err := reports.ResolvePeriod(s.Store, s.Plan, period)
	if err != nil {
		return reports.Input{}, err
	}
	return reports.LoadBriefing(s.Store, s.Plan, p, s.Config.Now())
}

// reportCalc is the progress calculator over the figures up to the month in the query.
func (s *Server) reportCalc(period string) (*models.ProgressCalculator, models.Period, error) {
	p, err := reports.ResolvePeriod(s.Store, s.Plan, period)
	if err != nil {
		return nil, p, err
	}
	// Figures after the month are in the read model too; no answer about the month reads them.
	snap, err := s.Store.Progress(s.Plan)
	if err != nil {
		return nil, p, err
	}
	return snap.Calc, p, nil
}

// reportAttachment names a download; the Chinese name for browsers, an ASCII one for old clients.
func reportAttachment(c *fiber.Ctx, ascii, chinese string) {
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+ascii+`"; filename*=UTF-8''`+rfc5987(chinese))
}

// sendCSV writes a table as a CSV download.
func (s *Server) sendCSV(c *fiber.Ctx, ascii, chinese string, t reports.Table) error {
	var buf bytes.Buffer
	if err := reports.WriteCSV(&buf, t); err != nil {
		return err
	}
	reportAttachment(c, ascii, chinese)
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	return c.Send(buf.Bytes())
}

// BriefingHTML renders the briefing as a document of its own — inline styles, no navigation, no
// links into the site — for the exported .html file and for printing to PDF.
func (s *Server) BriefingHTML(b reports.Briefing) ([]byte, error) {
	var buf bytes.Buffer
	page := Page{Title: "月度通报 " + b.PeriodLabel, Nav: "briefing", PlanName: s.Plan.Name, DocumentNo: s.Plan.DocumentNo,
		Workstreams: s.Plan.Workstreams, Data: b}
	if err := s.Views.RenderDocument(&buf, "briefing.html", page); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
