package ledger

import (
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"ruralkpi/importers/xlsx"
	"ruralkpi/models"
)

// VillageSheet is the template sheet listing the unit's administrative villages; the village
// column's drop-down reads from it, so the list may be of any length.
const VillageSheet = "行政村名录"

// ledgerTemplateRows is how far down the drop-downs and checks reach in a template.
const ledgerTemplateRows = 250_001

// WriteTemplate writes a unit's ledger template: the ledger sheet with its header, notes,
// drop-downs (status, 是/否, villages) and number checks, pre-filled with the given points (the
// unit's newest snapshot, so codes stay stable), and a sheet with the village reference list.
func WriteTemplate(w io.Writer, unitName string, villages []Village, points []models.LedgerPoint) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetName); err != nil {
		return fmt.Errorf("importers: ledger template: %w", err)
	}
	if _, err := f.NewSheet(VillageSheet); err != nil {
		return fmt.Errorf("importers: ledger template: %w", err)
	}
	if err := writeLedgerTemplateVillages(f, villages); err != nil {
		return err
	}
	// Checks first: the stream writer copies the sheet's settings when it starts and would drop
	// anything added after it.
	if err := addLedgerTemplateChecks(f, len(villages)); err != nil {
		return err
	}
	if err := writeLedgerTemplatePoints(f, points); err != nil {
		return err
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: unitName + "村级快递物流电商末端服务网点台账", Creator: "ruralkpi"}); err != nil {
		return fmt.Errorf("importers: ledger template: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("importers: write ledger template: %w", err)
	}
	return nil
}

func writeLedgerTemplateVillages(f *excelize.File, villages []Village) error {
	// The stream writer copies the declared range when it starts; readers such as openpyxl in
	// read-only mode trust it, so it must cover every row and column written.
	if err := f.SetSheetDimension(VillageSheet, "A1:C"+strconv.Itoa(len(villages)+1)); err != nil {
		return fmt.Errorf("importers: ledger template villages: %w", err)
	}
	sw, err := f.NewStreamWriter(VillageSheet)
	if err != nil {
		return fmt.Errorf("importers: ledger template villages: %w", err)
	}
	if err := sw.SetColWidth(1, 3, 18); err != nil {
		return fmt.Errorf("importers: ledger template villages: %w", err)
	}
	if err := sw.SetRow("A1", []any{"乡（镇、街道）", "行政村（社区）", "统计用区划代码"}); err != nil {
		return fmt.Errorf("importers: ledger template villages: %w", err)
	}
	for i, v := range villages {
		if err := sw.SetRow("A"+strconv.Itoa(i+2), []any{models.SafeCell(v.Township), models.SafeCell(v.Name), models.SafeCell(v.Division)}); err != nil {
			return fmt.Errorf("importers: ledger template villages: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("importers: ledger template villages: %w", err)
	}
	return nil
}

func writeLedgerTemplatePoints(f *excelize.File, points []models.LedgerPoint) error {
	header, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"}})
	if err != nil {
		return fmt.Errorf("importers: ledger template style: %w", err)
	}
	dateFormat := "yyyy-mm-dd"
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFormat})
	if err != nil {
		return fmt.Errorf("importers: ledger template style: %w", err)
	}
	cols := Columns()
	lastCol, err := excelize.ColumnNumberToName(len(cols))
	if err != nil {
		return fmt.Errorf("importers: ledger template: %w", err)
	}
	// The header spans every column; see writeLedgerTemplateVillages on why the range is declared.
	if err := f.SetSheetDimension(SheetName, "A1:"+lastCol+strconv.Itoa(len(points)+1)); err != nil {
		return fmt.Errorf("importers: ledger template: %w", err)
	}
	sw, err := f.NewStreamWriter(SheetName)
	if err != nil {
		return fmt.Errorf("importers: ledger template: %w", err)
	}
	for i, c := range cols {
		if err := sw.SetColWidth(i+1, i+1, c.Width); err != nil {
			return fmt.Errorf("importers: ledger template: %w", err)
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("importers: ledger template: %w", err)
	}
	row := make([]any, len(cols))
	for i, c := range cols {
		row[i] = excelize.Cell{StyleID: header, Value: c.Header}
	}
	if err := sw.SetRow("A1", row, excelize.RowOpts{Height: 30}); err != nil {
		return fmt.Errorf("importers: ledger template: %w", err)
	}
	yesNo := func(b bool) string {
		if b {
			return "是"
		}
		return "否"
	}
	dateCell := func(d models.LedgerDate) any {
		if d == 0 {
			return nil
		}
		return excelize.Cell{StyleID: date, Value: float64(d)} // a serial number, shown as a date
	}
	for i, p := range points {
		row = row[:0]
		row = append(row, models.SafeCell(p.Code), models.SafeCell(p.Name), models.SafeCell(p.Township), models.SafeCell(p.Village),
			dateCell(p.OpenedOn), p.Status.Label(), dateCell(p.ChangedOn), yesNo(p.Fused), yesNo(p.Direct), p.Income, p.Parcels,
			models.SafeCell(p.Operator))
		if p.HasCoords {
			row = append(row, float64(p.Lon), float64(p.Lat))
		}
		if err := sw.SetRow("A"+strconv.Itoa(i+2), row); err != nil {
			return fmt.Errorf("importers: ledger template row %d: %w", i+2, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("importers: ledger template: %w", err)
	}
	return nil
}

// addLedgerTemplateChecks adds the drop-downs and number checks Excel and WPS enforce while typing.
func addLedgerTemplateChecks(f *excelize.File, villages int) error {
	col := func(field Field) string {
		c := xlsx.ColumnName(int(field))
		return fmt.Sprintf("%s2:%s%d", c, c, ledgerTemplateRows)
	}
	list := func(field Field, values ...string) *excelize.DataValidation {
		dv := excelize.NewDataValidation(true)
		dv.Sqref = col(field)
		_ = dv.SetDropList(values)
		dv.SetError(excelize.DataValidationErrorStyleStop, "填写有误", "请从下拉列表中选择："+fmt.Sprint(values))
		return dv
	}
	checks := []*excelize.DataValidation{
		list(FieldStatus, "运营中", "已撤并", "已裁撤"),
		list(FieldFused, "是", "否"),
		list(FieldDirect, "是", "否"),
	}
	if villages > 0 {
		dv := excelize.NewDataValidation(true)
		dv.Sqref = col(FieldVillage)
		dv.SetSqrefDropList(fmt.Sprintf("'%s'!$B$2:$B$%d", VillageSheet, villages+1))
		dv.SetError(excelize.DataValidationErrorStyleWarning, "行政村不在名录中", "请从“行政村名录”中选择；名录有误请联系工作专班办公室。")
		checks = append(checks, dv)
	}
	for _, field := range []Field{FieldIncome, FieldParcels} {
		dv := excelize.NewDataValidation(true)
		dv.Sqref = col(field)
		if err := dv.SetRange(0, 1e9, excelize.DataValidationTypeDecimal, excelize.DataValidationOperatorBetween); err != nil {
			return fmt.Errorf("importers: ledger template check: %w", err)
		}
		dv.SetError(excelize.DataValidationErrorStyleStop, "数值有误", field.Header()+"应为不小于 0 的数字。")
		checks = append(checks, dv)
	}
	for _, field := range []Field{FieldOpenedOn, FieldChangedOn} {
		dv := excelize.NewDataValidation(true)
		dv.Sqref = col(field)
		if err := dv.SetRange(32874, 73051, excelize.DataValidationTypeDate, excelize.DataValidationOperatorBetween); err != nil { // 1990-01-01 … 2099-12-31
			return fmt.Errorf("importers: ledger template check: %w", err)
		}
		dv.SetError(excelize.DataValidationErrorStyleStop, "日期有误", "请填写日期，如 2023-08-15。")
		checks = append(checks, dv)
	}
	for _, dv := range checks {
		if err := f.AddDataValidation(SheetName, dv); err != nil {
			return fmt.Errorf("importers: ledger template check: %w", err)
		}
	}
	for i, c := range Columns() {
		if err := f.AddComment(SheetName, excelize.Comment{Cell: xlsx.ColumnName(i) + "1", Author: "工作专班办公室",
			Paragraph: []excelize.RichTextRun{{Text: c.Note}}}); err != nil {
			return fmt.Errorf("importers: ledger template note: %w", err)
		}
	}
	return nil
}

// TemplateStore is what a unit's template needs from storage (models.Store has it).
type TemplateStore interface {
	AdminVillages(unit string) ([]models.AdminVillage, error)
	LatestLedgerSnapshot(unit, upTo string) (models.LedgerSnapshot, error)
	LedgerPoints(snapshotID uint) ([]models.LedgerPoint, error)
}

// WriteUnitTemplate writes the template of one unit: its village list and, when it has
// uploaded a ledger before, its newest snapshot's points, so the clerk updates rather than retypes.
func WriteUnitTemplate(st TemplateStore, w io.Writer, unitCode, unitName string) error {
	vs, err := st.AdminVillages(unitCode)
	if err != nil {
		return fmt.Errorf("importers: ledger template of %s: %w", unitCode, err)
	}
	villages := make([]Village, len(vs))
	for i, v := range vs {
		villages[i] = Village{Township: v.Township, Name: v.Name, Division: v.Division}
	}
	var points []models.LedgerPoint
	snap, err := st.LatestLedgerSnapshot(unitCode, "9999-12")
	switch {
	case err == nil:
		if points, err = st.LedgerPoints(snap.ID); err != nil {
			return fmt.Errorf("importers: ledger template of %s: %w", unitCode, err)
		}
	case !errors.Is(err, models.ErrNotFound):
		return fmt.Errorf("importers: ledger template of %s: %w", unitCode, err)
	}
	return WriteTemplate(w, unitName, villages, points)
}
