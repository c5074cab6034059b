package dashboards

import (
	"strconv"

	"ruralkpi/models"
)

// AllocationCell is one unit's share of an indicator's target, as typed (no rounding: it is the
// value the edit form starts from).
type AllocationCell struct {
	Unit, Value string
}

// AllocationRow is one allocatable indicator for the year: its target, the units' shares, their
// sum and whether they add up.
type AllocationRow struct {
	Code, Name, Unit             string
	Target, Sum                  string
	HasTarget                    bool
	Balance, BalanceLabel, Color string
	Cells                        []AllocationCell
}

// AllocationsPage is the allocations page (/allocations) for a year.
type AllocationsPage struct {
	Office bool
	Year   int
	Years  []int
	Units  []models.Unit
	Rows   []AllocationRow
	Counts map[string]int
}

// NewAllocationsPage builds, for a year, each allocatable indicator's target, the units' shares and
// whether they add up (under, exact, over); office shows the office's edit forms.
func NewAllocationsPage(p *models.Plan, year int, targets []models.TargetRecord, allocations []models.Allocation, office bool) AllocationsPage {
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
	page := AllocationsPage{Office: office, Year: year, Years: p.Years, Units: p.ReportingUnits(), Counts: map[string]int{}}
	for _, ind := range models.Allocatable(p) {
		t, hasTarget := target[ind.Code]
		row := AllocationRow{Code: ind.Code, Name: ind.Name, Unit: ind.Unit, HasTarget: hasTarget, Target: models.FormatNumber(t)}
		sum := 0.0
		for _, u := range page.Units {
			cell := AllocationCell{Unit: u.Code}
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
		row.Balance, row.BalanceLabel, row.Color = string(b), b.Label(), BalanceColor(b)
		page.Counts[string(b)]++
		page.Rows = append(page.Rows, row)
	}
	return page
}

// BalanceColor maps an allocation balance onto the stylesheet's status colours.
func BalanceColor(b models.Balance) string {
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

// AllocationImport is the page of a refused allocation workbook: every problem with its cell.
type AllocationImport struct {
	Problems []models.AllocationProblem
}

// NewAllocationImport lays out the problems of a refused allocation workbook.
func NewAllocationImport(problems []models.AllocationProblem) AllocationImport {
	return AllocationImport{Problems: problems}
}
