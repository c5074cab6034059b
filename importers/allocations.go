package importers

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"ruralkpi/models"
)

// AllocationSheet is the sheet name of the allocation workbook.
const AllocationSheet = "任务分解"

// allocationMaxRows bounds an allocation workbook: a plan has tens of indicators over a few years.
const allocationMaxRows = 2000

// AllocationLimits bound an allocation upload before excelize inflates it: the template is about
// 20 KB, so 4 MiB on the wire and 8 MiB inflated leave ample room for a workbook re-saved by
// Excel or WPS, and keep what excelize holds per request small.
func AllocationLimits() Limits {
	return Limits{MaxFileBytes: 4 << 20, MaxUnzippedBytes: 8 << 20, MaxCompressionRatio: 200, MaxEntries: 300,
		MaxRows: allocationMaxRows, MaxColumns: 64}
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
		header = append(header, models.SafeCell(u.Name))
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
			row := []any{models.SafeCell(ind.Code), models.SafeCell(ind.Name), models.SafeCell(ind.Unit), y, t}
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
	if err := DeclareUsedRange(f); err != nil {
		return nil, err
	}
	return f, nil
}

// ParseAllocations reads an allocation workbook. The template is pre-filled with the current shares,
// so a blank cell under a unit removes that unit's share. It returns the shares to set (or clear) and
// every problem found; when there are problems nothing should be stored.
func ParseAllocations(r io.Reader, p *models.Plan) ([]models.AllocationInput, []models.AllocationProblem, error) {
	lim := AllocationLimits()
	data, err := io.ReadAll(io.LimitReader(r, lim.MaxFileBytes+1))
	if err != nil {
		return nil, nil, fmt.Errorf("importers: read allocation upload: %w", err)
	}
	if int64(len(data)) > lim.MaxFileBytes {
		return nil, []models.AllocationProblem{{Message: fmt.Sprintf("文件过大：任务分解文件不能超过 %d MB，请上传由本系统下载的任务分解模板。", lim.MaxFileBytes>>20)}}, nil
	}
	// The same look inside the archive as for returns (zip bombs, lying sizes, too many parts, the
	// wrong kind of file) before excelize inflates anything.
	if ps := CheckFormat(data, lim); len(ps) > 0 {
		return nil, []models.AllocationProblem{{Message: strings.ReplaceAll(ps[0].Message, "月报", "任务分解")}}, nil
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: lim.MaxUnzippedBytes, UnzipXMLSizeLimit: lim.MaxUnzippedBytes})
	if err != nil {
		return nil, []models.AllocationProblem{{Message: "无法读取该文件，请上传由本系统下载的任务分解模板（.xlsx）。"}}, nil
	}
	defer f.Close()
	if idx, _ := f.GetSheetIndex(AllocationSheet); idx < 0 {
		return nil, []models.AllocationProblem{{Sheet: AllocationSheet, Message: "文件中没有“任务分解”工作表，请使用本系统下载的模板。"}}, nil
	}
	rows, err := f.Rows(AllocationSheet)
	if err != nil {
		return nil, nil, fmt.Errorf("importers: read sheet %q: %w", AllocationSheet, err)
	}
	defer rows.Close()
	var (
		out      []models.AllocationInput
		problems []models.AllocationProblem
		unitCols = map[int]string{}
		colOrder []int
	)
	problem := func(col, row int, format string, args ...any) {
		cell, _ := excelize.CoordinatesToCellName(col, row)
		problems = append(problems, models.AllocationProblem{Sheet: AllocationSheet, Cell: cell, Message: fmt.Sprintf(format, args...)})
	}
	seen := map[string]int{}
	sawCodes := false
	for n := 1; rows.Next(); n++ {
		if n > allocationMaxRows {
			problem(1, n, "行数超过 %d 行，请检查是否选错了文件。", allocationMaxRows)
			break
		}
		cols, err := rows.Columns()
		if err != nil {
			problem(1, n, "第 %d 行无法读取，文件可能已损坏，请使用本系统下载的模板。", n)
			break
		}
		switch {
		case n == 1:
			continue
		case n == 2:
			sawCodes = true
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
		problem(1, 1, "工作表“%s”无法读取，文件可能已损坏，请使用本系统下载的模板。", AllocationSheet)
	}
	if !sawCodes && len(problems) == 0 {
		// A file without the unit-code row is not an allocation workbook, even if nothing in it is wrong.
		problem(allocationFixedColumns+1, 2, "第2行应为各单位代码，文件中没有任务分解数据，请使用本系统下载的模板。")
	}
	return out, problems, nil
}
