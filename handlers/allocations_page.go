package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

type allocationCell struct {
	Unit, Value string
}

type allocationRow struct {
	Code, Name, Unit             string
	Target, Sum                  string
	HasTarget                    bool
	Balance, BalanceLabel, Color string
	Cells                        []allocationCell
}

type allocationsPageData struct {
	Office bool
	Year   int
	Years  []int
	Units  []models.Unit
	Rows   []allocationRow
	Counts map[string]int
}

// allocationsPage shows, for a year, each allocatable indicator's city target, the units' shares
// and whether they add up (under, exact, over); the office edits them here or by Excel.
func (s *Server) allocationsPage(c *fiber.Ctx) error {
	year, err := s.yearParam(c, s.currentYear())
	if err != nil {
		return err
	}
	targets, err := s.Store.Targets(year)
	if err != nil {
		return err
	}
	allocations, err := s.Store.Allocations(year)
	if err != nil {
		return err
	}
	target := map[string]float64{}
	for _, t := range targets {
		target[t.Indicator] = t.Value
	}
	shares := map[string]map[string]float64{}
	for _, a := range allocations {
		if shares[a.Indicator] == nil {
			shares[a.Indicator] = map[string]float64{}
		}
		shares[a.Indicator][a.UnitCode] = a.Value
	}
	data := allocationsPageData{Office: currentUser(c).Role == models.RoleOffice, Year: year, Years: s.Plan.Years,
		Units: s.Plan.ReportingUnits(), Counts: map[string]int{}}
	for _, ind := range models.Allocatable(s.Plan) {
		t, hasTarget := target[ind.Code]
		row := allocationRow{Code: ind.Code, Name: ind.Name, Unit: ind.Unit, HasTarget: hasTarget, Target: models.FormatNumber(t)}
		sum := 0.0
		for _, u := range data.Units {
			cell := allocationCell{Unit: u.Code}
			if v, ok := shares[ind.Code][u.Code]; ok {
				cell.Value = strconv.FormatFloat(v, 'f', -1, 64)
				sum += v
			}
			row.Cells = append(row.Cells, cell)
		}
		row.Sum = models.FormatNumber(sum)
		b := models.BalanceNone
		if ind.Kind == models.KindRate {
			row.Sum = "—" // a unit's rate is a level: rates do not add up to the city's
		} else if hasTarget {
			b = models.AllocationBalance(t, sum, len(shares[ind.Code]))
		}
		row.Balance, row.BalanceLabel, row.Color = string(b), b.Label(), balanceColor(b)
		data.Counts[string(b)]++
		data.Rows = append(data.Rows, row)
	}
	return s.render(c, "allocations.html", "allocations", "任务分解", data)
}

// balanceColor maps a balance onto the stylesheet's status colours.
func balanceColor(b models.Balance) string {
	switch b {
	case models.BalanceExact:
		return "green"
	case models.BalanceUnder:
		return "amber"
	case models.BalanceOver:
		return "red"
	}
	return "grey"
}
