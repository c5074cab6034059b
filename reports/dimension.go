package reports

import (
	"fmt"

	"github.com/xuri/excelize/v2"
)

// DeclareUsedRange sets every sheet's <dimension> to the range its cells use. excelize leaves
// `<dimension ref="A1">` on a sheet written cell by cell, and readers that trust the declaration
// (openpyxl in read-only mode) then see one cell of it. Every workbook built without a stream
// writer calls it before it is written; stream-written sheets declare their range before the
// stream starts (writeSheet).
func DeclareUsedRange(f *excelize.File) error {
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		if err != nil {
			return fmt.Errorf("reports: read sheet %q: %w", sheet, err)
		}
		cols := 1
		for _, r := range rows {
			cols = max(cols, len(r))
		}
		if err := setDimension(f, sheet, cols, max(len(rows), 1)); err != nil {
			return err
		}
	}
	return nil
}

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
