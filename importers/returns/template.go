// Package returns turns county monthly returns into Excel templates and back: it writes the
// pre-filled monthly template, reads an uploaded file (or the web form) into a draft, validates it
// against the plan and the unit's history, listing every problem with its sheet, cell and a Chinese
// message a county clerk can act on, and stores an accepted return with one store call.
package returns

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"ruralkpi/importers"
	"ruralkpi/models"
)

// TemplateInput is everything the monthly template of one unit and month shows, as plain values.
type TemplateInput struct {
	Plan     *models.Plan
	UnitCode string
	Period   string
	// Previous is the unit's last accepted return before the month (zero when there is none).
	Previous Figures
	// Current is the newest version already stored for this very month (zero when none). Its
	// figures, notes and milestones are pre-filled, so a clerk correcting one figure does not
	// blank the others: a new version replaces the whole month.
	Current models.ReturnVersion
	// Targets maps indicator code → this year's city-wide target; nil means the plan's targets.
	Targets map[string]float64
	// Allocations maps indicator code → the unit's allocation of this year's target.
	Allocations map[string]float64
	// Deadline and Contact are shown on the instructions sheet; empty means the usual wording.
	Deadline string
	Contact  string
	// GeneratedAt is written into the template for audit.
	GeneratedAt time.Time
}

// TemplateIndicators returns the indicators a unit types figures for, in plan order: those its
// returns carry, milestones excepted (they have their own sheet).
func TemplateIndicators(p *models.Plan) []models.Indicator {
	var out []models.Indicator
	for _, ind := range p.CountyReported() {
		if ind.Kind != models.KindMilestone {
			out = append(out, ind)
		}
	}
	return out
}

// TemplateMilestones returns the milestones due from the unit that it reports itself, by year.
func TemplateMilestones(p *models.Plan, unit string) []models.MilestoneDue {
	var out []models.MilestoneDue
	for _, ind := range p.CountyReported() {
		if ind.Kind != models.KindMilestone {
			continue
		}
		for _, m := range p.MilestonesFor(ind.Code) {
			if m.Unit == unit {
				out = append(out, m)
			}
		}
	}
	return out
}

// basis says what figure a clerk types for an indicator of the kind.
func basis(kind models.IndicatorKind) string {
	switch kind {
	case models.KindCumulative:
		return "截至本月累计"
	case models.KindAnnual:
		return "本年累计（1月起）"
	case models.KindRate:
		return "当前水平（%）"
	}
	return ""
}

// WriteTemplate writes the pre-filled monthly template (.xlsx) of a unit and month.
func WriteTemplate(w io.Writer, in TemplateInput) error {
	unit, ok := in.Plan.Unit(in.UnitCode)
	if !ok || len(unit.Children) > 0 {
		return models.Errorf(models.EInvalid, "单位代码“%s”不是填报单位。", in.UnitCode)
	}
	period, err := models.ParsePeriod(in.Period)
	if err != nil || !in.Plan.ContainsPeriod(in.Period) {
		return models.Errorf(models.EInvalid, "月份“%s”不在规划期（%s 至 %s）内。", in.Period, in.Plan.StartPeriod, in.Plan.EndPeriod)
	}
	f := excelize.NewFile()
	defer f.Close()
	tw := templateWriter{f: f, in: in, unit: unit, period: period}
	if err := tw.write(); err != nil {
		return fmt.Errorf("importers: write template %s %s: %w", in.UnitCode, in.Period, err)
	}
	if err := importers.DeclareUsedRange(f); err != nil {
		return err
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("importers: write template %s %s: %w", in.UnitCode, in.Period, err)
	}
	return nil
}

type templateWriter struct {
	f      *excelize.File
	in     TemplateInput
	unit   models.Unit
	period models.Period
	styles struct {
		title, label, fixed, ref, number, input, note, header, text, date int
	}
}

func (tw *templateWriter) write() error {
	steps := []func() error{tw.makeStyles, tw.writeGuide, tw.writeMonthly, tw.writeMilestones, tw.writeMeta}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	if idx, err := tw.f.GetSheetIndex(SheetMonthly); err == nil {
		tw.f.SetActiveSheet(idx)
	}
	return nil
}

func (tw *templateWriter) makeStyles() error {
	border := []excelize.Border{{Type: "left", Color: "A6A6A6", Style: 1}, {Type: "right", Color: "A6A6A6", Style: 1},
		{Type: "top", Color: "A6A6A6", Style: 1}, {Type: "bottom", Color: "A6A6A6", Style: 1}}
	locked := &excelize.Protection{Locked: true}
	unlocked := &excelize.Protection{Locked: false}
	grey := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}}
	yellow := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFF2CC"}}
	defs := []struct {
		dst   *int
		style excelize.Style
	}{
		{&tw.styles.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}, Protection: locked}},
		{&tw.styles.label, excelize.Style{Font: &excelize.Font{Bold: true}, Fill: grey, Border: border, Protection: locked}},
		{&tw.styles.fixed, excelize.Style{Border: border, Protection: locked, NumFmt: 49}},
		{&tw.styles.header, excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Border: border, Alignment: &excelize.Alignment{WrapText: true, Vertical: "center", Horizontal: "center"}, Protection: locked}},
		{&tw.styles.ref, excelize.Style{Fill: grey, Border: border, Protection: locked, Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"}}},
		{&tw.styles.number, excelize.Style{Fill: grey, Border: border, Protection: locked, NumFmt: 0}},
		{&tw.styles.input, excelize.Style{Fill: yellow, Border: border, Protection: unlocked, NumFmt: 0}},
		{&tw.styles.note, excelize.Style{Fill: yellow, Border: border, Protection: unlocked, NumFmt: 49, Alignment: &excelize.Alignment{WrapText: true}}},
		{&tw.styles.text, excelize.Style{Protection: locked, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}},
		{&tw.styles.date, excelize.Style{Fill: yellow, Border: border, Protection: unlocked, CustomNumFmt: strPtr("yyyy-mm-dd")}},
	}
	for _, d := range defs {
		id, err := tw.f.NewStyle(&d.style)
		if err != nil {
			return err
		}
		*d.dst = id
	}
	return nil
}

func strPtr(s string) *string { return &s }

// protect locks the sheet: only the unlocked (yellow) cells take input, and Tab moves between them.
// It also makes the sheet print landscape, one page wide, for the clerk's signed paper copy.
func (tw *templateWriter) protect(sheet string) error {
	landscape, wide, tall, fit := "landscape", 1, 0, true
	if err := tw.f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Orientation: &landscape, FitToWidth: &wide, FitToHeight: &tall}); err != nil {
		return err
	}
	if err := tw.f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	return tw.f.ProtectSheet(sheet, &excelize.SheetProtectionOptions{
		SelectLockedCells: true, SelectUnlockedCells: true, FormatColumns: true, FormatRows: true,
	})
}

func (tw *templateWriter) writeGuide() error {
	f, sheet := tw.f, SheetGuide
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	deadline := tw.in.Deadline
	if deadline == "" {
		deadline = fmt.Sprintf("请于 %s 5日前报送 %s 的月报。", tw.period.AddMonths(1).Label(), tw.period.Label())
	}
	contact := tw.in.Contact
	if contact == "" {
		contact = "如有疑问，请联系" + tw.in.Plan.LeadUnit + "工作专班办公室。"
		if strings.Contains(tw.in.Plan.LeadUnit, "工作专班办公室") { // e.g. 市邮政管理局（工作专班办公室）
			contact = "如有疑问，请联系" + tw.in.Plan.LeadUnit + "。"
		}
	}
	lines := []string{
		tw.in.Plan.Name + " · 月报填报说明",
		fmt.Sprintf("填报单位：%s（%s）    填报月份：%s    模板版本：%s", tw.unit.Name, tw.unit.Code, tw.period.Label(), TemplateVersion),
		"报送时间：" + deadline,
		"联系方式：" + contact,
		tw.currentLine(),
		"一、只填写黄色单元格。灰色单元格（单位、月份、指标、目标和上次已报数）已锁定，不要修改；按 Tab 键可依次跳到下一个黄色单元格。",
		"二、“月报”表填写截至本月的数：累计型指标填“截至本月累计”，年度指标填“本年累计（1月起）”，比率填当前水平。系统会自动算出本月增量，不要只填本月新增数。",
		"三、计数类指标（个、辆、家）只填整数；所有数字不能为负。数字可直接填写，如 1234 或 1,234；百分比填 85 表示 85%。",
		"四、累计数不能低于上次已报数。如上次数据有误，请先重新上报上月月报更正，并在备注中说明。",
		"五、“里程碑”表从下拉框选择状态（未启动 / 建设中 / 已完成）；选“已完成”时必须填写完成日期（如 2024-06-15）。",
		"六、本月确无数据的指标可以留空。备注可写数据来源、更正说明等，不超过 500 字。",
		"七、不要增删或重命名工作表，不要修改表头；请保存为 .xlsx 格式上传（不要另存为 .xls、.et、.csv 或加密）。同一月份可以多次上传，系统保留每一个版本，以最新一次为准。",
		fmt.Sprintf("八、文件大小上限 %d MB。上传后系统会逐格检查，发现问题会列出“工作表、单元格和原因”，按提示修改后重新上传即可。", importers.DefaultLimits().MaxFileBytes>>20),
	}
	for i, line := range lines {
		cell := fmt.Sprintf("A%d", i+1)
		if err := f.SetCellStr(sheet, cell, line); err != nil {
			return err
		}
		style := tw.styles.text
		if i == 0 {
			style = tw.styles.title
		}
		if err := f.SetCellStyle(sheet, cell, cell, style); err != nil {
			return err
		}
		if i >= 5 {
			if err := f.SetRowHeight(sheet, i+1, 36); err != nil {
				return err
			}
		}
	}
	if err := f.SetColWidth(sheet, "A", "A", 110); err != nil {
		return err
	}
	return tw.protect(sheet)
}

// writeHeaderCells writes the protected unit, period and version cells of a sheet at a row.
func (tw *templateWriter) writeHeaderCells(sheet string, row int) error {
	cells := []struct {
		col   string
		value string
		style int
	}{
		{"A", labelUnitName, tw.styles.label}, {"B", tw.unit.Name, tw.styles.fixed},
		{"C", labelUnitCode, tw.styles.label}, {"D", tw.unit.Code, tw.styles.fixed},
		{"E", labelPeriod, tw.styles.label}, {"F", tw.period.String(), tw.styles.fixed},
		{"G", labelVersion, tw.styles.label}, {"H", TemplateVersion, tw.styles.fixed},
	}
	for _, c := range cells {
		addr := fmt.Sprintf("%s%d", c.col, row)
		if err := tw.f.SetCellStr(sheet, addr, c.value); err != nil {
			return err
		}
		if err := tw.f.SetCellStyle(sheet, addr, addr, c.style); err != nil {
			return err
		}
	}
	return nil
}

// writeMonthly writes the monthly sheet: title and header cells, the column headers, one row per
// indicator, then its layout; the sheet is protected but for the yellow cells.
func (tw *templateWriter) writeMonthly() error {
	f, sheet := tw.f, SheetMonthly
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	if err := tw.writeMonthlyTop(sheet); err != nil {
		return err
	}
	prevLabel := "无"
	if tw.in.Previous.Period != "" {
		prevLabel = tw.in.Previous.Period
	}
	headers := []string{headerCode, headerName, headerUnit, headerBasis, headerCityTarget, headerAllocation,
		headerPrevious + "（" + prevLabel + "）", headerValuePrefix + "（截至本月）", headerNote}
	if err := tw.writeColumnHeaders(sheet, monthlyHeaderRow, headers); err != nil {
		return err
	}
	for i, ind := range TemplateIndicators(tw.in.Plan) {
		if err := tw.writeIndicatorRow(sheet, monthlyHeaderRow+1+i, ind); err != nil {
			return err
		}
	}
	if err := tw.layOutMonthly(sheet); err != nil {
		return err
	}
	return tw.protect(sheet)
}

// writeMonthlyTop writes the monthly sheet's title, header cells and the one-line instruction.
func (tw *templateWriter) writeMonthlyTop(sheet string) error {
	f := tw.f
	if err := tw.writeTitle(sheet, fmt.Sprintf("%s · %s月报（%s）", tw.in.Plan.Name, tw.unit.Name, tw.period.Label())); err != nil {
		return err
	}
	if err := tw.writeHeaderCells(sheet, monthlyMetaRow); err != nil {
		return err
	}
	if err := f.SetCellStr(sheet, "A3", "只填黄色单元格，按 Tab 键跳到下一格。填截至本月的累计数（年度指标填本年累计），系统自动计算本月增量。"); err != nil {
		return err
	}
	for _, r := range []string{"1", "3"} {
		if err := f.MergeCell(sheet, "A"+r, "I"+r); err != nil {
			return err
		}
	}
	return f.SetRowHeight(sheet, 1, 26)
}

// writeTitle writes a sheet's title in A1.
func (tw *templateWriter) writeTitle(sheet, title string) error {
	if err := tw.f.SetCellStr(sheet, "A1", title); err != nil {
		return err
	}
	return tw.f.SetCellStyle(sheet, "A1", "A1", tw.styles.title)
}

// writeColumnHeaders writes a row of column headers from column A, in the header style.
func (tw *templateWriter) writeColumnHeaders(sheet string, row int, headers []string) error {
	for i, h := range headers {
		if err := tw.f.SetCellStr(sheet, cellName(i, row), h); err != nil {
			return err
		}
	}
	return tw.f.SetCellStyle(sheet, cellName(0, row), cellName(len(headers)-1, row), tw.styles.header)
}

// writeIndicatorRow writes one indicator's row: the reference cells (code to last month's figure),
// then the figure and note cells, pre-filled from the month's stored version, with their
// validations.
func (tw *templateWriter) writeIndicatorRow(sheet string, row int, ind models.Indicator) error {
	refs := []any{ind.Code, ind.Name, ind.Unit, basis(ind.Kind), nil, nil, nil}
	if t, ok := tw.target(ind.Code); ok {
		refs[4] = t
	}
	if a, ok := tw.in.Allocations[ind.Code]; ok {
		refs[5] = a
	}
	if v, ok := previousFigure(tw.in, tw.period, ind); ok {
		refs[6] = v
	}
	for col, v := range refs {
		style := tw.styles.ref
		if col >= 4 {
			style = tw.styles.number
		}
		if err := tw.setStyled(sheet, cellName(col, row), v, style); err != nil {
			return err
		}
	}
	valueCell, noteCell := cellName(7, row), cellName(8, row)
	if err := tw.prefillFigure(sheet, ind.Code, valueCell, noteCell); err != nil {
		return err
	}
	return tw.styleAndValidate(sheet, []inputCell{
		{valueCell, tw.styles.input, figureValidation(ind, valueCell)},
		{noteCell, tw.styles.note, noteValidation(noteCell)},
	})
}

// setStyled writes a value (none when v is nil) and a style into one cell.
func (tw *templateWriter) setStyled(sheet, addr string, v any, style int) error {
	if v != nil {
		if err := tw.f.SetCellValue(sheet, addr, v); err != nil {
			return err
		}
	}
	return tw.f.SetCellStyle(sheet, addr, addr, style)
}

// prefillFigure writes the month's stored figure and note of an indicator, when there are any.
func (tw *templateWriter) prefillFigure(sheet, code, valueCell, noteCell string) error {
	for _, x := range tw.in.Current.Values {
		if x.Indicator != code {
			continue
		}
		if err := tw.f.SetCellValue(sheet, valueCell, x.Value); err != nil {
			return err
		}
		if x.Note != "" {
			if err := tw.f.SetCellStr(sheet, noteCell, models.SafeCell(x.Note)); err != nil {
				return err
			}
		}
	}
	return nil
}

// inputCell is a cell the clerk fills: its style and, when not nil, what it may hold.
type inputCell struct {
	addr  string
	style int
	valid *excelize.DataValidation
}

// styleAndValidate styles the input cells, then adds their validations, in that order.
func (tw *templateWriter) styleAndValidate(sheet string, cells []inputCell) error {
	for _, c := range cells {
		if err := tw.f.SetCellStyle(sheet, c.addr, c.addr, c.style); err != nil {
			return err
		}
	}
	for _, c := range cells {
		if c.valid == nil {
			continue
		}
		if err := tw.f.AddDataValidation(sheet, c.valid); err != nil {
			return err
		}
	}
	return nil
}

// setColWidths sets the widths of the named columns.
func (tw *templateWriter) setColWidths(sheet string, widths map[string]float64) error {
	for col, w := range widths {
		if err := tw.f.SetColWidth(sheet, col, col, w); err != nil {
			return err
		}
	}
	return nil
}

// layOutMonthly sets the monthly sheet's column widths and header height and freezes the rows above
// the first indicator, with the first figure cell selected.
func (tw *templateWriter) layOutMonthly(sheet string) error {
	f := tw.f
	if err := tw.setColWidths(sheet, map[string]float64{"A": 22, "B": 40, "C": 9, "D": 16, "E": 13, "F": 14, "G": 16, "H": 16, "I": 36}); err != nil {
		return err
	}
	if err := f.SetRowHeight(sheet, monthlyHeaderRow, 32); err != nil {
		return err
	}
	return f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: monthlyHeaderRow, TopLeftCell: "A5", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "H5", ActiveCell: "H5", Pane: "bottomLeft"}}})
}

// currentLine tells the clerk the month's stored figures are pre-filled; blank when none are.
func (tw *templateWriter) currentLine() string {
	if tw.in.Current.Number == 0 {
		return ""
	}
	return fmt.Sprintf("本月已报送第 %d 版，黄色单元格已预填该版的数：只改需要更正的格，其余保持不变，上传后保存为第 %d 版。",
		tw.in.Current.Number, tw.in.Current.Number+1)
}

// target returns this year's city-wide target of the indicator: the office's figure when given.
func (tw *templateWriter) target(code string) (float64, bool) {
	if tw.in.Targets != nil {
		v, ok := tw.in.Targets[code]
		return v, ok
	}
	return tw.in.Plan.Target(code, tw.period.Year)
}

// figureValidation lets a cell take only a number in the indicator's range.
func figureValidation(ind models.Indicator, cell string) *excelize.DataValidation {
	dv := excelize.NewDataValidation(true)
	dv.Sqref = cell
	max, capped := ind.MaxValue()
	switch {
	case capped:
		_ = dv.SetRange(0, max, excelize.DataValidationTypeDecimal, excelize.DataValidationOperatorBetween)
		dv.SetError(excelize.DataValidationErrorStyleStop, "请填百分数", "是占比，请填 0 到 100 之间的数，85 表示 85%。")
	case ind.Kind == models.KindRate || ind.Unit == "%":
		// A growth rate (vs a base year) may exceed 100%.
		_ = dv.SetRange(0, 999999999, excelize.DataValidationTypeDecimal, excelize.DataValidationOperatorBetween)
		dv.SetError(excelize.DataValidationErrorStyleStop, "请填百分数", "请填不小于 0 的百分数，85 表示 85%，增长一倍半填 150。")
	case ind.Integer:
		_ = dv.SetRange(0, 999999999, excelize.DataValidationTypeWhole, excelize.DataValidationOperatorBetween)
		dv.SetError(excelize.DataValidationErrorStyleStop, "请填整数", "“"+ind.Name+"”是计数，请填不小于 0 的整数。")
	default:
		_ = dv.SetRange(0, 999999999, excelize.DataValidationTypeDecimal, excelize.DataValidationOperatorBetween)
		dv.SetError(excelize.DataValidationErrorStyleStop, "请填数字", "请填不小于 0 的数字（单位："+ind.Unit+"）。")
	}
	dv.SetInput(ind.Unit, basis(ind.Kind))
	return dv
}

// noteValidation bounds a note's length.
func noteValidation(cell string) *excelize.DataValidation {
	dv := excelize.NewDataValidation(true)
	dv.Sqref = cell
	_ = dv.SetRange(0, maxNoteRunes, excelize.DataValidationTypeTextLength, excelize.DataValidationOperatorBetween)
	dv.SetError(excelize.DataValidationErrorStyleStop, "备注太长", fmt.Sprintf("备注不超过 %d 字。", maxNoteRunes))
	return dv
}

// writeMilestones writes the milestone sheet: title and header cells, the column headers, one row
// per milestone due (or a line saying there is none), then the column widths; the sheet is protected
// but for the input cells.
func (tw *templateWriter) writeMilestones() error {
	f, sheet := tw.f, SheetMilestones
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	if err := tw.writeMilestonesTop(sheet); err != nil {
		return err
	}
	headerRow := milestoneHeaderRow + 1
	headers := []string{headerCode, headerMilestone, headerDueYear, headerPrevState, headerState, headerDoneOn, headerMilestoneNote}
	if err := tw.writeColumnHeaders(sheet, headerRow, headers); err != nil {
		return err
	}
	dues := TemplateMilestones(tw.in.Plan, tw.unit.Code)
	if len(dues) == 0 {
		if err := f.SetCellStr(sheet, cellName(0, headerRow+1), "本单位没有需要填报的里程碑，本表无需填写。"); err != nil {
			return err
		}
	}
	for i, m := range dues {
		if err := tw.writeMilestoneRow(sheet, headerRow+1+i, m); err != nil {
			return err
		}
	}
	if err := tw.setColWidths(sheet, map[string]float64{"A": 22, "B": 46, "C": 12, "D": 14, "E": 12, "F": 14, "G": 36, "H": 12}); err != nil {
		return err
	}
	return tw.protect(sheet)
}

// writeMilestonesTop writes the milestone sheet's title and header cells.
func (tw *templateWriter) writeMilestonesTop(sheet string) error {
	if err := tw.writeTitle(sheet, fmt.Sprintf("%s · 里程碑进展（%s）", tw.unit.Name, tw.period.Label())); err != nil {
		return err
	}
	if err := tw.writeHeaderCells(sheet, 2); err != nil {
		return err
	}
	if err := tw.f.MergeCell(sheet, "A1", "G1"); err != nil {
		return err
	}
	return tw.f.SetRowHeight(sheet, 1, 26)
}

// writeMilestoneRow writes one milestone's row: the reference cells (code, name, due year, last
// month's state), then the state, date and note cells, pre-filled from the month's stored version,
// with their validations.
func (tw *templateWriter) writeMilestoneRow(sheet string, row int, m models.MilestoneDue) error {
	ind, _ := tw.in.Plan.Indicator(m.Indicator)
	label := ind.Name
	if m.Label != "" {
		label = m.Label
	}
	refs := []any{ind.Code, label, m.Year, stateLabel(tw.in.Previous.Milestones[ind.Code])}
	for col, v := range refs {
		if err := tw.setStyled(sheet, cellName(col, row), v, tw.styles.ref); err != nil {
			return err
		}
	}
	stateCell, dateCell, noteCell := cellName(4, row), cellName(5, row), cellName(6, row)
	if err := tw.prefillMilestone(sheet, ind.Code, stateCell, dateCell, noteCell); err != nil {
		return err
	}
	states, err := stateValidation(stateCell)
	if err != nil {
		return err
	}
	dates, err := tw.doneOnValidation(dateCell)
	if err != nil {
		return err
	}
	return tw.styleAndValidate(sheet, []inputCell{
		{stateCell, tw.styles.input, states},
		{dateCell, tw.styles.date, dates},
		{noteCell, tw.styles.note, noteValidation(noteCell)},
	})
}

// prefillMilestone writes the month's stored state, completion date and note of a milestone, when
// there are any.
func (tw *templateWriter) prefillMilestone(sheet, code, stateCell, dateCell, noteCell string) error {
	for _, cur := range tw.in.Current.Milestones {
		if cur.Indicator != code {
			continue
		}
		for addr, v := range map[string]string{stateCell: stateLabel(cur.State), noteCell: cur.Note} {
			if v == "" {
				continue
			}
			if err := tw.f.SetCellStr(sheet, addr, models.SafeCell(v)); err != nil {
				return err
			}
		}
		if done, err := time.Parse("2006-01-02", cur.DoneOn); err == nil {
			if err := tw.f.SetCellValue(sheet, dateCell, done); err != nil {
				return err
			}
		}
	}
	return nil
}

// stateValidation lets a state cell take only one of the three states, from a drop-down.
func stateValidation(cell string) (*excelize.DataValidation, error) {
	dv := excelize.NewDataValidation(true)
	dv.Sqref = cell
	if err := dv.SetDropList([]string{stateNotStarted, stateInProgress, stateDone}); err != nil {
		return nil, err
	}
	dv.SetError(excelize.DataValidationErrorStyleStop, "请从下拉框选择", "状态只能是 未启动、建设中 或 已完成。")
	return dv, nil
}

// doneOnValidation lets a completion-date cell take only a date from 2000 to the last day of the
// month reported.
func (tw *templateWriter) doneOnValidation(cell string) (*excelize.DataValidation, error) {
	dv := excelize.NewDataValidation(true)
	dv.Sqref = cell
	first := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	lastDay := time.Date(tw.period.Year, time.Month(tw.period.Month)+1, 0, 0, 0, 0, 0, time.UTC)
	if err := dv.SetRange(serial(first), serial(lastDay), excelize.DataValidationTypeDate, excelize.DataValidationOperatorBetween); err != nil {
		return nil, err
	}
	dv.SetError(excelize.DataValidationErrorStyleStop, "请填日期", "请按 2024-06-15 的格式填写，且不晚于填报月份的最后一天。")
	return dv, nil
}

// serial is the Excel date serial number of a day.
func serial(t time.Time) int { return int(t.Sub(excelEpoch()).Hours() / 24) }

// writeMeta writes the very hidden copy of the header, to notice an unprotected and edited header.
func (tw *templateWriter) writeMeta() error {
	f, sheet := tw.f, sheetMeta
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	rows := [][2]string{{"unit", tw.unit.Code}, {"period", tw.period.String()}, {"version", TemplateVersion},
		{"generated", tw.in.GeneratedAt.UTC().Format(time.RFC3339)}}
	for i, r := range rows {
		if err := f.SetCellStr(sheet, fmt.Sprintf("A%d", i+1), r[0]); err != nil {
			return err
		}
		if err := f.SetCellStr(sheet, fmt.Sprintf("B%d", i+1), r[1]); err != nil {
			return err
		}
	}
	if err := tw.protect(sheet); err != nil {
		return err
	}
	return f.SetSheetVisible(sheet, false, true)
}

// cellName writes the address of a 0-based column and 1-based row.
func cellName(col, row int) string { return addr(col, row) }
