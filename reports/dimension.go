package reports

import (
	"fmt"

	"github.com/xuri/excelize/v2"
)

// setDimension declares a sheet's range as A1 to the given last column and row.
func setDimension(f *excelize.File, sheet string, cols, rows int) error {
	last, err := excelize.CoordinatesToCellName(max(cols, 1), max(rows, 1))
	if err == nil {
		err = f.SetSheetDimension(sheet, "A1:"+last)
	}
	if err != nil {
		return fmt.Errorf("reports: sheet %q range: %w", sheet, err)
	}
	return nil
}
