package importers

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// WriteLedgerVillagesTemplate writes the administrative-village reference list template: the
// 行政村名录 sheet (乡（镇、街道）, 行政村（社区）, 统计用区划代码) pre-filled with the unit's current
// list, the layout ParseLedgerVillages reads back.
func WriteLedgerVillagesTemplate(w io.Writer, unitName string, villages []LedgerVillage) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", LedgerVillageSheet); err != nil {
		return fmt.Errorf("importers: village template: %w", err)
	}
	if err := writeLedgerTemplateVillages(f, villages); err != nil {
		return err
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: unitName + "行政村名录", Creator: "ruralkpi"}); err != nil {
		return fmt.Errorf("importers: village template: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("importers: write village template: %w", err)
	}
	return nil
}
