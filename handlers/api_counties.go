package handlers

import "github.com/gofiber/fiber/v2"

// countyJSON is a reporting unit as the API shows it.
type countyJSON struct {
	Code          string `json:"code"`
	Name          string `json:"name"`
	ShortName     string `json:"short_name,omitempty"`
	Parent        string `json:"parent"`
	Level         string `json:"level"`
	StartPeriod   string `json:"start_period"`
	AdminVillages int    `json:"admin_villages"`
}

// apiCounties lists the reporting units (the leaves of the unit tree) with their reference figures.
func (s *Server) apiCounties(c *fiber.Ctx) error {
	records, err := s.Store.Units()
	if err != nil {
		return err
	}
	villages := map[string]int{}
	for _, r := range records {
		villages[r.Code] = r.AdminVillages
	}
	units := s.Plan.ReportingUnits()
	out := make([]countyJSON, 0, len(units))
	for _, u := range units {
		out = append(out, countyJSON{Code: u.Code, Name: u.Name, ShortName: u.ShortName, Parent: s.Plan.Parent(u.Code),
			Level: u.Level, StartPeriod: s.Plan.UnitStart(u.Code), AdminVillages: villages[u.Code]})
	}
	return c.JSON(fiber.Map{"root": fiber.Map{"code": s.Plan.Root.Code, "name": s.Plan.Root.Name}, "counties": out})
}
