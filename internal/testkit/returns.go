package testkit

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"
)

// FillReturn types figures (indicator code → value) into the value column (H) of a downloaded
// return template's 月报 sheet (returns.SheetMonthly) and gives back the workbook: the one way the
// tests fill in a template as a clerk would. A code without a row in the sheet fails the test.
func FillReturn(tb testing.TB, template []byte, values map[string]any) []byte {
	tb.Helper()
	const sheet, valueCol = "月报", 8
	f, err := excelize.OpenReader(bytes.NewReader(template))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(sheet)
	if err != nil {
		tb.Fatal(err)
	}
	filled := map[string]bool{}
	for i, r := range rows {
		if len(r) == 0 {
			continue
		}
		if v, ok := values[r[0]]; ok {
			cell, _ := excelize.CoordinatesToCellName(valueCol, i+1)
			if err := f.SetCellValue(sheet, cell, v); err != nil {
				tb.Fatal(err)
			}
			filled[r[0]] = true
		}
	}
	for code := range values {
		if !filled[code] {
			tb.Fatalf("the template has no %s row", code)
		}
	}
	var out bytes.Buffer
	if _, err := f.WriteTo(&out); err != nil {
		tb.Fatal(err)
	}
	return out.Bytes()
}
