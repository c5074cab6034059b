// Package importers holds what the Excel importers share (a problem with its sheet, cell and
// Chinese message, the figure parsing, the look inside an upload before it is inflated, the
// upload limits, and the one rule that lets a return or a ledger into a month) and the allocation
// workbook. Monthly returns are read in importers/returns, ledgers in importers/ledger, both on
// the streaming reader importers/xlsx or excelize; neither imports the other.
package importers

import (
	"fmt"
	"ruralkpi/models"
	"strings"
)

// Problems is a list of problems that is also an error, so callers can return a refused file as one.
type Problems []models.Problem

func (ps Problems) Error() string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.String()
	}
	return fmt.Sprintf("importers: %d problem(s): %s", len(ps), strings.Join(parts, "; "))
}

// ProblemList collects problems as the reader and the validator find them.
type ProblemList struct {
	Items []models.Problem
}

// Add appends a problem whose message is format filled with args.
func (l *ProblemList) Add(sheet, cell, indicator, format string, args ...any) {
	l.Items = append(l.Items, models.Problem{Sheet: sheet, Cell: cell, Indicator: indicator, Message: fmt.Sprintf(format, args...)})
}
