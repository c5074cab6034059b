package ledger

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// WriteVillagesTemplate writes the administrative-village reference list template: the
// 行政村名录 sheet (乡（镇、街道）, 行政村（社区）, 统计用区划代码) pre-filled with the unit's current
// list, the layout ParseVillages reads back.
func WriteVillagesTemplate(w io.Writer, unitName string, villages []Village) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", VillageSheet); err != nil {
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
