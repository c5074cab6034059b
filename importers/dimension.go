package importers

import (
	"fmt"

	"github.com/xuri/excelize/v2"
)

// DeclareUsedRange sets every sheet's <dimension> to the range its cells use. excelize leaves
// `<dimension ref="A1">` on a sheet written cell by cell, and readers that trust the declaration
// (openpyxl in read-only mode) then see one cell of it. Every workbook built without a stream
// writer calls it before it is written; stream-written sheets declare their range before the
// stream starts (reports.writeSheet).
func DeclareUsedRange(f *excelize.File) error {
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		if err != nil {
			return fmt.Errorf("importers: read sheet %q: %w", sheet, err)
		}
		cols := 1
		for _, r := range rows {
			cols = max(cols, len(r))
		}
		last, err := excelize.CoordinatesToCellName(cols, max(len(rows), 1))
		if err == nil {
			err = f.SetSheetDimension(sheet, "A1:"+last)
		}
		if err != nil {
			return fmt.Errorf("importers: sheet %q range: %w", sheet, err)
		}
	}
	return nil
}
