// Package importers turns county returns into Excel templates and back: it writes the pre-filled
// monthly template and reads an uploaded file into plain values, listing every problem with its
// sheet, cell and a Chinese message a county clerk can act on. It never touches the database.
package importers

import (
	"fmt"
	"strings"
)

// Problem is one thing wrong (or, as a warning, worth checking) in an uploaded return. Sheet and
// Cell are empty when the problem concerns the whole file; Indicator is the indicator code the
// problem is about, when there is one.
type Problem struct {
	Sheet     string `json:"sheet"`
	Cell      string `json:"cell"`
	Indicator string `json:"indicator"`
	Message   string `json:"message"`
}

// String writes the problem the way the CLI prints it: 月报!H7 [service_points] message.
func (p Problem) String() string {
	var b strings.Builder
	if p.Sheet != "" {
		b.WriteString(p.Sheet)
		if p.Cell != "" {
			b.WriteString("!" + p.Cell)
		}
		b.WriteString(" ")
	}
	if p.Indicator != "" {
		b.WriteString("[" + p.Indicator + "] ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Problems is a list of problems that is also an error, so callers can return a refused file as one.
type Problems []Problem

func (ps Problems) Error() string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.String()
	}
	return fmt.Sprintf("importers: %d problem(s): %s", len(ps), strings.Join(parts, "; "))
}

// problemList collects problems as the reader and the validator find them.
type problemList struct {
	items []Problem
}

func (l *problemList) add(sheet, cell, indicator, format string, args ...any) {
	l.items = append(l.items, Problem{Sheet: sheet, Cell: cell, Indicator: indicator, Message: fmt.Sprintf(format, args...)})
}
