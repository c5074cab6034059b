// Package importers reads Excel files into plain values, reporting every problem with its sheet,
// cell and a Chinese message the person who filled the file understands.
package importers

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"ruralkpi/models"
	"ruralkpi/reports"
)

// AllocationSheet is the sheet name of the allocation workbook.
const AllocationSheet = "任务分解"

// Limits of an allocation workbook: a plan has tens of indicators over a few years.
const (
	allocationMaxRows   = 2000
	allocationUnzipSize = 32 << 20
	allocationXMLSize   = 16 << 20
)

// AllocationProblem is one thing wrong in an allocation workbook.
type AllocationProblem struct {
	Sheet   string `json:"sheet"`
	Cell    string `json:"cell"`
	Message string `json:"message"`
}

// allocationFixedColumns are the columns before the units': code, name, measure, year, city target.
const allocationFixedColumns = 5

// AllocationTemplate builds the allocation workbook: one row per allocatable indicator and year, one
// column per reporting unit, pre-filled with the current allocations. Row 2 carries the unit codes
// the importer reads.
func AllocationTemplate(p *models.Plan, targets []models.TargetRecord, allocations []models.Allocation) (*excelize.File, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", AllocationSheet); err != nil {
		return nil, fmt.Errorf("importers: name sheet: %w", err)
	}
	units := p.ReportingUnits()
	header := []any{"指标代码", "指标名称", "计量单位", "年度", "全市目标"}
	codes := []any{"单位代码→", "", "", "", ""}
	for _, u := range units {
		header = append(header, reports.SafeCell(u.Name))
		codes = append(codes, u.Code)
	}
	target := map[string]float64{}
	for _, t := range targets {
		target[t.Indicator+"|"+strconv.Itoa(t.Year)] = t.Value
	}
	alloc := map[string]float64{}
	for _, a := range allocations {
		alloc[a.Indicator+"|"+strconv.Itoa(a.Year)+"|"+a.UnitCode] = a.Value
	}
	rows := [][]any{header, codes}
	for _, ind := range models.Allocatable(p) {
		for _, y := range p.Years {
			key := ind.Code + "|" + strconv.Itoa(y)
			t, ok := target[key]
			if !ok {
				continue
			}
			row := []any{reports.SafeCell(ind.Code), reports.SafeCell(ind.Name), reports.SafeCell(ind.Unit), y, t}
			for _, u := range units {
				if v, ok := alloc[key+"|"+u.Code]; ok {
					row = append(row, v)
				} else {
					row = append(row, nil)
				}
			}
			rows = append(rows, row)
		}
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(AllocationSheet, cell, &row); err != nil {
			return nil, fmt.Errorf("importers: write row %d: %w", i+1, err)
		}
	}
	if err := f.SetColWidth(AllocationSheet, "B", "B", 28); err != nil {
		return nil, fmt.Errorf("importers: column width: %w", err)
	}
	return f, nil
}

// ParseAllocations reads an allocation workbook. The template is pre-filled with the current shares,
// so a blank cell under a unit removes that unit's share. It returns the shares to set (or clear) and
// every problem found; when there are problems nothing should be stored.
func ParseAllocations(r io.Reader, p *models.Plan) ([]models.AllocationInput, []AllocationProblem, error) {
	f, err := excelize.OpenReader(r, excelize.Options{UnzipSizeLimit: allocationUnzipSize, UnzipXMLSizeLimit: allocationXMLSize})
	if err != nil {
		return nil, []AllocationProblem{{Message: "无法读取该文件，请上传由本系统下载的任务分解模板（.xlsx）。"}}, nil
	}
	defer f.Close()
	if idx, _ := f.GetSheetIndex(AllocationSheet); idx < 0 {
		return nil, []AllocationProblem{{Sheet: AllocationSheet, Message: "文件中没有“任务分解”工作表，请使用本系统下载的模板。"}}, nil
	}
	rows, err := f.Rows(AllocationSheet)
	if err != nil {
		return nil, nil, fmt.Errorf("importers: read sheet %q: %w", AllocationSheet, err)
	}
	defer rows.Close()
	var (
		out      []models.AllocationInput
		problems []AllocationProblem
		unitCols = map[int]string{}
		colOrder []int
	)
	problem := func(col, row int, format string, args ...any) {
		cell, _ := excelize.CoordinatesToCellName(col, row)
		problems = append(problems, AllocationProblem{Sheet: AllocationSheet, Cell: cell, Message: fmt.Sprintf(format, args...)})
	}
	seen := map[string]int{}
	for n := 1; rows.Next(); n++ {
		if n > allocationMaxRows {
			problem(1, n, "行数超过 %d 行，请检查是否选错了文件。", allocationMaxRows)
			break
		}
		cols, err := rows.Columns()
		if err != nil {
			return nil, nil, fmt.Errorf("importers: read row %d: %w", n, err)
		}
		switch {
		case n == 1:
			continue
		case n == 2:
			for i := allocationFixedColumns; i < len(cols); i++ {
				code := strings.TrimSpace(cols[i])
				if code == "" {
					continue
				}
				if u, ok := p.Unit(code); !ok || len(u.Children) > 0 {
					problem(i+1, n, "单位代码“%s”不是本方案的填报单位。", code)
					continue
				}
				unitCols[i] = code
				colOrder = append(colOrder, i)
			}
			if len(unitCols) == 0 {
				problem(allocationFixedColumns+1, n, "第2行应为各单位代码，请使用本系统下载的模板。")
			}
			continue
		}
		if len(cols) == 0 || strings.TrimSpace(strings.Join(cols, "")) == "" {
			continue
		}
		code := strings.TrimSpace(cols[0])
		if _, ok := p.Indicator(code); !ok {
			problem(1, n, "指标代码“%s”不存在。", code)
			continue
		}
		year := 0
		if len(cols) > 3 {
			year, _ = strconv.Atoi(strings.TrimSpace(cols[3]))
		}
		key := code + "|" + strconv.Itoa(year)
		if prev, dup := seen[key]; dup {
			problem(1, n, "指标“%s” %d 年与第 %d 行重复。", code, year, prev)
			continue
		}
		seen[key] = n
		for _, i := range colOrder {
			unit := unitCols[i]
			if i >= len(cols) || strings.TrimSpace(cols[i]) == "" {
				in := models.AllocationInput{Indicator: code, Year: year, UnitCode: unit, Clear: true}
				if err := models.ValidateAllocation(p, in); err != nil {
					problem(i+1, n, "%s", models.ErrorMessage(err))
					continue
				}
				out = append(out, in)
				continue
			}
			text := strings.ReplaceAll(strings.TrimSpace(cols[i]), ",", "")
			v, err := strconv.ParseFloat(text, 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				problem(i+1, n, "“%s”不是数字。", cols[i])
				continue
			}
			in := models.AllocationInput{Indicator: code, Year: year, UnitCode: unit, Value: v}
			if err := models.ValidateAllocation(p, in); err != nil {
				problem(i+1, n, "%s", models.ErrorMessage(err))
				continue
			}
			out = append(out, in)
		}
	}
	if err := rows.Error(); err != nil {
		return nil, nil, fmt.Errorf("importers: read sheet %q: %w", AllocationSheet, err)
	}
	return out, problems, nil
}
