package returns

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"ruralkpi/importers"
	"ruralkpi/models"
)

// Draft is what the reader found in a workbook before any rule is applied: the protected header
// cells and the rows as typed, each with its cell address.
type Draft struct {
	UnitCode, UnitCell        string
	Period, PeriodCell        string
	Version, VersionCell      string
	HasMeta                   bool   // the hidden copy of the header was found
	MetaUnit, MetaPeriod      string // the hidden copy of the header
	Rows                      []DraftRow
	Milestones                []DraftMilestone
	MonthlySheet              string
	MilestoneSheet            string
	HasMonthly, HasMilestones bool
	// Incomplete says the reader already reported the workbook's structure as broken (a header or
	// sheet missing, too many rows), so rules that need the structure are not applied.
	Incomplete bool
}

// DraftRow is one indicator row of the monthly sheet as typed.
type DraftRow struct {
	Row                 int
	Code, CodeCell      string
	Value, ValueCell    string
	Note, NoteCell      string
	PercentFormat       bool // the value cell is formatted as a percentage, so 0.85 means 85
	ValueIsSerialNumber bool
}

// DraftMilestone is one row of the milestone sheet as typed.
type DraftMilestone struct {
	Row                int
	Code, CodeCell     string
	State, StateCell   string
	DoneOn, DoneOnCell string
	Note, NoteCell     string
}

// Read reads an uploaded workbook within the limits. Problems with the file itself (wrong format, too
// large, a zip bomb, a missing sheet or header, too many rows) come back as problems; the error is
// only for a reader that fails. The plan (may be nil) tells which rows are percentages, whose cell
// format the reader then looks at.
func Read(r io.Reader, lim importers.Limits, plan *models.Plan) (Draft, []models.Problem, error) {
	data, err := io.ReadAll(io.LimitReader(r, lim.MaxFileBytes+1))
	if err != nil {
		return Draft{}, nil, fmt.Errorf("importers: read upload: %w", err)
	}
	if int64(len(data)) > lim.MaxFileBytes {
		return Draft{Incomplete: true}, []models.Problem{{Message: fmt.Sprintf("文件过大：上限为 %d MB。月报模板正常只有几十 KB，请使用本系统下载的模板，不要插入图片或粘贴大量数据。", lim.MaxFileBytes>>20)}}, nil
	}
	return readBytes(data, lim, plan)
}

func readBytes(data []byte, lim importers.Limits, plan *models.Plan) (Draft, []models.Problem, error) {
	if ps := importers.CheckFormat(data, lim); len(ps) > 0 {
		return Draft{Incomplete: true}, ps, nil
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    lim.MaxUnzippedBytes,
		UnzipXMLSizeLimit: lim.MaxUnzippedBytes,
	})
	if err != nil {
		if strings.Contains(err.Error(), "unzip size") { // excelize has no sentinel for this
			return Draft{Incomplete: true}, []models.Problem{{Message: fmt.Sprintf("文件解压后过大（上限 %d MB），系统拒收。请使用本系统下载的月报模板重新填报。", lim.MaxUnzippedBytes>>20)}}, nil
		}
		return Draft{Incomplete: true}, []models.Problem{{Message: "文件已损坏，无法作为 Excel 工作簿打开。请在 Excel 或 WPS 中打开后重新保存为 .xlsx 再上传。"}}, nil
	}
	defer f.Close()
	rd := reader{f: f, lim: lim, plan: plan}
	rd.readMonthly()
	rd.readMilestones()
	rd.readMeta()
	rd.draft.Incomplete = len(rd.problems.Items) > 0
	return rd.draft, rd.problems.Items, nil
}

// reader holds the state of reading one workbook.
type reader struct {
	f        *excelize.File
	lim      importers.Limits
	plan     *models.Plan
	draft    Draft
	problems importers.ProblemList
}

// findSheet finds a sheet by name, forgiving stray spaces a program or clerk may add.
func (rd *reader) findSheet(name string) (string, bool) {
	for _, s := range rd.f.GetSheetList() {
		if importers.CleanText(s) == name {
			return s, true
		}
	}
	return "", false
}

// eachRow streams the sheet's rows (raw cell values) to fn, stopping with a problem when the sheet
// has more non-empty rows than the limit. fn gets the 1-based row number.
func (rd *reader) eachRow(sheet string, fn func(row int, cells []string)) bool {
	rows, err := rd.f.Rows(sheet)
	if err != nil {
		rd.problems.Add(sheet, "", "", "无法读取工作表“%s”，文件可能已损坏。请重新保存为 .xlsx 后上传。", sheet)
		return false
	}
	defer rows.Close()
	filled, seen := 0, 0
	for rows.Next() {
		seen++
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			rd.problems.Add(sheet, "", "", "工作表“%s”第 %d 行无法读取，文件可能已损坏。请重新保存为 .xlsx 后上传。", sheet, seen)
			return false
		}
		if len(cells) > rd.lim.MaxColumns {
			cells = cells[:rd.lim.MaxColumns]
		}
		empty := true
		for _, c := range cells {
			if importers.CleanText(c) != "" {
				empty = false
				break
			}
		}
		if empty {
			if seen > 50*rd.lim.MaxRows {
				break // only empty rows this far down: nothing more to read
			}
			continue
		}
		filled++
		if filled > rd.lim.MaxRows {
			rd.problems.Add(sheet, "", "", "工作表“%s”的行数过多（上限 %d 行）。请只在模板原有的行中填报，删除多余的行后再上传。", sheet, rd.lim.MaxRows)
			return false
		}
		fn(seen, cells)
	}
	if err := rows.Error(); err != nil {
		rd.problems.Add(sheet, "", "", "工作表“%s”的行数过多或已损坏。请使用本系统下载的模板重新填报。", sheet)
		return false
	}
	return true
}

// cell returns the trimmed cell at a 0-based column, "" beyond the row's end.
func cell(cells []string, col int) string {
	if col < 0 || col >= len(cells) {
		return ""
	}
	return importers.CleanText(cells[col])
}

// addr writes the address of a 0-based column and 1-based row.
func addr(col, row int) string {
	name, err := excelize.CoordinatesToCellName(col+1, row)
	if err != nil {
		return fmt.Sprintf("R%dC%d", row, col+1)
	}
	return name
}

// columnsOf maps header texts to their 0-based column; a header matches when it starts with the text.
func columnsOf(cells []string, headers ...string) map[string]int {
	out := map[string]int{}
	for i := range cells {
		c := cell(cells, i)
		for _, h := range headers {
			if _, done := out[h]; !done && strings.HasPrefix(c, h) {
				out[h] = i
			}
		}
	}
	return out
}

// labelledValue returns the first non-empty cell right of the label, with its column.
func labelledValue(cells []string, labelCol int) (string, int) {
	for i := labelCol + 1; i < len(cells) && i <= labelCol+3; i++ {
		if v := cell(cells, i); v != "" {
			return v, i
		}
	}
	return "", labelCol + 1
}

func (rd *reader) readMonthly() {
	sheet, ok := rd.findSheet(SheetMonthly)
	if !ok {
		rd.problems.Add(SheetMonthly, "", "", "缺少工作表“%s”。请使用本系统下载的月报模板填报，不要删除或重命名工作表。", SheetMonthly)
		return
	}
	rd.draft.HasMonthly, rd.draft.MonthlySheet = true, SheetMonthly
	cols := map[string]int(nil)
	headerRow := 0
	complete := rd.eachRow(sheet, func(row int, cells []string) {
		if cols == nil {
			rd.readHeaderLabels(cells, row)
			if found := columnsOf(cells, headerCode, headerValuePrefix, headerNote); len(found) > 0 {
				if _, ok := found[headerCode]; ok {
					cols, headerRow = found, row
				}
			}
			return
		}
		codeCol, valueCol := cols[headerCode], cols[headerValuePrefix]
		noteCol, hasNote := cols[headerNote]
		if !hasNote {
			noteCol = -1
		}
		r := DraftRow{Row: row,
			Code: cell(cells, codeCol), CodeCell: addr(codeCol, row),
			Value: cell(cells, valueCol), ValueCell: addr(valueCol, row),
			Note: cell(cells, noteCol), NoteCell: addr(noteCol, row)}
		if r.Code == "" && r.Value == "" && r.Note == "" {
			return
		}
		rd.draft.Rows = append(rd.draft.Rows, r)
	})
	if !complete {
		rd.draft.Rows = nil
		return
	}
	switch {
	case cols == nil:
		rd.problems.Add(SheetMonthly, "", "", "工作表“%s”中找不到表头行（应含“%s”“%s（截至本月）”两列）。请使用本系统下载的模板，不要删除表头。", SheetMonthly, headerCode, headerValuePrefix)
	default:
		if _, ok := cols[headerValuePrefix]; !ok {
			rd.problems.Add(SheetMonthly, addr(cols[headerCode], headerRow), "", "表头缺少“%s”列。请使用本系统下载的模板，不要删除或改写表头。", headerValuePrefix)
			rd.draft.Rows = nil
		}
	}
	rd.markPercentCells(sheet)
}

// readHeaderLabels picks the unit, period and template version from the protected header cells.
func (rd *reader) readHeaderLabels(cells []string, row int) {
	for i := range cells {
		switch cell(cells, i) {
		case labelUnitCode:
			v, c := labelledValue(cells, i)
			rd.draft.UnitCode, rd.draft.UnitCell = v, addr(c, row)
		case labelPeriod:
			v, c := labelledValue(cells, i)
			rd.draft.Period, rd.draft.PeriodCell = v, addr(c, row)
		case labelVersion:
			v, c := labelledValue(cells, i)
			rd.draft.Version, rd.draft.VersionCell = v, addr(c, row)
		}
	}
}

// markPercentCells notes the value cells formatted as percentages: Excel stores 85% typed into such a
// cell as 0.85, which a rate indicator must read as 85.
func (rd *reader) markPercentCells(sheet string) {
	percentStyle := map[int]bool{}
	for i := range rd.draft.Rows {
		r := &rd.draft.Rows[i]
		if r.Value == "" || strings.ContainsAny(r.Value, "%％") || !rd.isRate(r.Code) {
			continue
		}
		styleID, err := rd.f.GetCellStyle(sheet, r.ValueCell)
		if err != nil || styleID == 0 {
			continue
		}
		isPercent, known := percentStyle[styleID]
		if !known {
			if st, err := rd.f.GetStyle(styleID); err == nil && st != nil {
				isPercent = st.NumFmt == 9 || st.NumFmt == 10 || (st.CustomNumFmt != nil && strings.Contains(*st.CustomNumFmt, "%"))
			}
			percentStyle[styleID] = isPercent
		}
		r.PercentFormat = isPercent
	}
}

// isRate reports whether a row's code may be a percentage: a rate of the plan, or anything without a plan.
func (rd *reader) isRate(code string) bool {
	if rd.plan == nil {
		return true
	}
	ind, ok := rd.plan.Indicator(normaliseCode(code))
	return ok && (ind.Kind == models.KindRate || ind.Unit == "%")
}

func (rd *reader) readMilestones() {
	sheet, ok := rd.findSheet(SheetMilestones)
	if !ok {
		rd.problems.Add(SheetMilestones, "", "", "缺少工作表“%s”。请使用本系统下载的月报模板填报，不要删除或重命名工作表。", SheetMilestones)
		return
	}
	rd.draft.HasMilestones, rd.draft.MilestoneSheet = true, SheetMilestones
	cols := map[string]int(nil)
	headerRow := 0
	complete := rd.eachRow(sheet, func(row int, cells []string) {
		if cols == nil {
			if found := columnsOf(cells, headerCode, headerState, headerDoneOn, headerMilestoneNote); len(found) > 0 {
				if _, ok := found[headerCode]; ok {
					cols, headerRow = found, row
				}
			}
			return
		}
		col := func(h string) int {
			if c, ok := cols[h]; ok {
				return c
			}
			return -1
		}
		m := DraftMilestone{Row: row,
			Code: cell(cells, col(headerCode)), CodeCell: addr(col(headerCode), row),
			State: cell(cells, col(headerState)), StateCell: addr(col(headerState), row),
			DoneOn: cell(cells, col(headerDoneOn)), DoneOnCell: addr(col(headerDoneOn), row),
			Note: cell(cells, col(headerMilestoneNote)), NoteCell: addr(col(headerMilestoneNote), row)}
		if m.Code == "" && m.State == "" && m.DoneOn == "" && m.Note == "" {
			return
		}
		rd.draft.Milestones = append(rd.draft.Milestones, m)
	})
	if !complete {
		rd.draft.Milestones = nil
		return
	}
	if cols == nil {
		rd.problems.Add(SheetMilestones, "", "", "工作表“%s”中找不到表头行（应含“%s”“%s”两列）。请使用本系统下载的模板，不要删除表头。", SheetMilestones, headerCode, headerState)
		return
	}
	if _, ok := cols[headerState]; !ok {
		rd.problems.Add(SheetMilestones, addr(cols[headerCode], headerRow), "", "表头缺少“%s”列。请使用本系统下载的模板，不要删除或改写表头。", headerState)
		rd.draft.Milestones = nil
	}
}

// readMeta reads the very hidden copy of the header, when the program that saved the file kept it.
func (rd *reader) readMeta() {
	sheet, ok := rd.findSheet(sheetMeta)
	if !ok {
		return
	}
	unit, err1 := rd.f.GetCellValue(sheet, "B1", excelize.Options{RawCellValue: true})
	period, err2 := rd.f.GetCellValue(sheet, "B2", excelize.Options{RawCellValue: true})
	if err1 != nil || err2 != nil {
		return
	}
	rd.draft.HasMeta, rd.draft.MetaUnit, rd.draft.MetaPeriod = true, importers.CleanText(unit), importers.CleanText(period)
}
