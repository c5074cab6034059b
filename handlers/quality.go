package handlers

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
	"ruralkpi/models"
)

// activeFlags flags a unit's return of a month and leaves out those the office dismissed, counting them.
func (s *Server) activeFlags(unit, period string, values map[string]float64) ([]models.QualityFlag, int, error) {
	p, err := models.ParsePeriod(period)
	if err != nil || len(values) == 0 {
		return nil, 0, nil
	}
	in, err := s.Store.QualityFigures(s.Plan, unit, p, values)
	if err != nil {
		return nil, 0, err
	}
	in.Format = models.FormatNumber
	return s.Store.ActiveFlags(models.QualityFlags(in))
}

// qualityFor flags a unit's return of a month (values are its figures) and lays the flags out
// for the viewer; nil when there is nothing to show.
func (s *Server) qualityFor(c *fiber.Ctx, unit, period string, values map[string]float64) (*dashboards.QualitySection, error) {
	flags, dismissed, err := s.activeFlags(unit, period, values)
	if err != nil {
		return nil, err
	}
	csrf, _ := c.Locals(localCSRF).(string)
	back := string(c.Request().URI().RequestURI())
	if c.Method() != fiber.MethodGet {
		back = "/review"
	}
	return dashboards.NewQualitySection(s.Plan, flags, dismissed, currentUser(c).Role == models.RoleOffice, csrf, back), nil
}

// figures turns a return's values into figures by indicator.
func figures(values []models.ReturnValue) map[string]float64 {
	return models.VersionValues(models.ReturnVersion{Values: values})
}

// qualityOfLatest flags the newest version of a unit's return of a month; nil when there is none.
func (s *Server) qualityOfLatest(c *fiber.Ctx, unit, period string) (*dashboards.QualitySection, error) {
	v, err := s.Store.LatestVersion(unit, period)
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return s.qualityFor(c, unit, period, models.VersionValues(v))
}

// dismissFlag records the office's dismissal of a data-quality flag, with a reason (audited).
func (s *Server) dismissFlag(c *fiber.Ctx) error {
	if err := s.Store.DismissFlag(c.FormValue("key"), c.FormValue("reason"), s.actor(c), s.Config.Now()); err != nil {
		return err
	}
	s.flash(c, "已忽略该数据质量提示，原因已记入审计日志。")
	back := c.FormValue("back")
	// Only a path of this site: an open redirect would let a link send the office elsewhere.
	if !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") || strings.Contains(back, "\\") {
		back = "/review"
	}
	return c.Redirect(back, fiber.StatusSeeOther)
}

// flagJSON is a data-quality flag as the API shows it.
type flagJSON struct {
	Key      string       `json:"key"`
	Rule     string       `json:"rule"`
	Message  string       `json:"message"`
	Compared []figureJSON `json:"compared"`
}

type figureJSON struct {
	County         string  `json:"county"`
	Period         string  `json:"period"`
	Indicator      string  `json:"indicator,omitempty"`
	Value          float64 `json:"value"`
	LedgerSnapshot uint    `json:"ledger_snapshot,omitempty"`
}

// apiQualityFlags flags an uploaded return for the API's answer (dismissed flags left out).
func (s *Server) apiQualityFlags(unit, period string, values map[string]float64) ([]flagJSON, error) {
	out := []flagJSON{}
	flags, _, err := s.activeFlags(unit, period, values)
	if err != nil {
		return nil, err
	}
	for _, f := range flags {
		fj := flagJSON{Key: f.Key, Rule: f.Rule, Message: f.Message, Compared: []figureJSON{}}
		for _, r := range f.Compared {
			fj.Compared = append(fj.Compared, figureJSON{County: r.Unit, Period: r.Period, Indicator: r.Indicator, Value: r.Value, LedgerSnapshot: r.LedgerSnapshot})
		}
		out = append(out, fj)
	}
	return out, nil
}
