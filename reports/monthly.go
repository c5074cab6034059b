package reports

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"ruralkpi/models"
)

// Sheet names of the monthly workbook; unit sheets are named after their units.
const (
	SheetSummary    = "汇总"
	SheetMilestones = "里程碑"
	SheetReturns    = "报送情况"
	SheetNewlyRed   = "本月新增红灯"
)

// MonthlyOptions bound the monthly workbook.
type MonthlyOptions struct {
	// MaxRows caps the data rows of any sheet (0 means DefaultMaxRows); beyond it the sheet ends with
	// a note saying it was cut, rather than the file growing past what Excel opens.
	MaxRows int
	// MaxUnitSheets caps the per-unit sheets (0 means DefaultMaxUnitSheets).
	MaxUnitSheets int
}

// Default bounds: Excel's own row limit less the header rows, and a sheet count WPS still handles.
const (
	DefaultMaxRows       = 1_048_000
	DefaultMaxUnitSheets = 250
)

// headerRow is the row of column headings; rows 1 and 2 hold the title and the basis line.
const headerRow = 3

// styles are the cell styles of the workbook, created once per file.
type styles struct {
	title, subtitle, header, text, center, integer, percent, note int
	// decimal[n] shows a figure with n decimals; decimalStyle picks the one models.FormatNumber would.
	decimal [models.NumberDecimals + 1]int
	status  map[string]int
}

func newStyles(f *excelize.File) (styles, error) {
	var s styles
	border := []excelize.Border{{Type: "left", Color: "A6A6A6", Style: 1}, {Type: "right", Color: "A6A6A6", Style: 1},
		{Type: "top", Color: "A6A6A6", Style: 1}, {Type: "bottom", Color: "A6A6A6", Style: 1}}
	font := &excelize.Font{Family: "宋体", Size: 10}
	intFmt, decFmts := "#,##0", [models.NumberDecimals + 1]string{"#,##0", "#,##0.0", "#,##0.00"}
	specs := []struct {
		id *int
		st excelize.Style
	}{
		{&s.title, excelize.Style{Font: &excelize.Font{Family: "黑体", Size: 14, Bold: true}}},
		{&s.subtitle, excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 9, Color: "595959"}}},
		{&s.header, excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 10, Bold: true}, Border: border,
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&s.text, excelize.Style{Font: font, Border: border, Alignment: &excelize.Alignment{Vertical: "center"}}},
		{&s.center, excelize.Style{Font: font, Border: border, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}},
		{&s.integer, excelize.Style{Font: font, Border: border, CustomNumFmt: &intFmt}},
		{&s.decimal[0], excelize.Style{Font: font, Border: border, CustomNumFmt: &decFmts[0]}},
		{&s.decimal[1], excelize.Style{Font: font, Border: border, CustomNumFmt: &decFmts[1]}},
		{&s.decimal[2], excelize.Style{Font: font, Border: border, CustomNumFmt: &decFmts[2]}},
		{&s.percent, excelize.Style{Font: font, Border: border, CustomNumFmt: strPtr("0.0%")}},
		{&s.note, excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 9, Italic: true, Color: "595959"}}},
	}
	for _, sp := range specs {
		id, err := f.NewStyle(&sp.st)
		if err != nil {
			return s, fmt.Errorf("reports: create style: %w", err)
		}
		*sp.id = id
	}
	// Fills as on the dashboards, light enough for the word to stay readable in black and white.
	fills := map[string]string{string(models.StatusGreen): "C6EFCE", string(models.StatusAmber): "FFEB9C",
		string(models.StatusRed): "FFC7CE", string(models.StatusGrey): "EDEDED"}
	s.status = map[string]int{}
	for name, color := range fills {
		id, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 10, Bold: true}, Border: border,
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{color}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
		if err != nil {
			return s, fmt.Errorf("reports: create status style: %w", err)
		}
		s.status[name] = id
	}
	return s, nil
}

func strPtr(s string) *string { return &s }

// decimalStyle is the style that shows v with the digits the pages show (models.FormatNumber): as
// many decimals as the rounded figure needs, up to models.NumberDecimals.
func (s styles) decimalStyle(v float64) int {
	_, frac, _ := strings.Cut(models.PlainNumber(v), ".")
	return s.decimal[min(len(frac), models.NumberDecimals)]
}

// sheet is one worksheet's content, built in memory so that column widths can be measured before
// streaming (the StreamWriter needs widths before the first row).
type sheet struct {
	name, title, subtitle string
	headers               []string
	freezeCols            int
	rows                  [][]excelize.Cell
	notes                 []string
}

// displayWidth counts a CJK character as two columns, as Excel draws it.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x2E80 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

func cellWidth(v any) int {
	switch x := v.(type) {
	case string:
		return displayWidth(x)
	case float64:
		return len(models.FormatNumber(x)) + 2
	case int:
		return len(fmt.Sprint(x)) + 1
	}
	return 4
}

// WriteMonthly writes the monthly consolidated workbook (汇总表) for in.Period: a summary of every
// indicator for the root and every unit, one sheet per unit below the root, the milestones, the
// returns received and the indicators newly red this month. Every cell holds a plain value (no
// formula to recalculate); statuses are both a fill and a word.
func WriteMonthly(w io.Writer, in Input, opts MonthlyOptions) error {
	if in.Scopes != nil {
		// It prints every unit's figures and their sources, which BriefingInput leaves out.
		return errors.New("reports: the monthly workbook needs every value with its sources (Load or NewInput), not BriefingInput")
	}
	if opts.MaxRows <= 0 {
		opts.MaxRows = DefaultMaxRows
	}
	if opts.MaxUnitSheets <= 0 {
		opts.MaxUnitSheets = DefaultMaxUnitSheets
	}
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	b := &monthlyBuilder{in: in, st: st, cur: index(in.Current), prev: index(in.Previous)}
	sheets := []sheet{b.summary()}
	units := scopeUnits(in.Plan)
	used := map[string]bool{SheetSummary: true, SheetMilestones: true, SheetReturns: true, SheetNewlyRed: true}
	for i, u := range units {
		if i == opts.MaxUnitSheets {
			sheets[0].notes = append(sheets[0].notes, fmt.Sprintf("注：单位分表仅列前%d个单位，其余%d个单位见本表。", opts.MaxUnitSheets, len(units)-opts.MaxUnitSheets))
			break
		}
		sheets = append(sheets, b.unit(u, sheetName(in.Plan.UnitShortName(u.Code), u.Code, used)))
	}
	sheets = append(sheets, b.milestones(), b.returns(), b.newlyRed())
	for i, sh := range sheets {
		if err := writeSheet(f, st, sh, i == 0, opts.MaxRows); err != nil {
			return err
		}
	}
	// The summary, written first, is the active sheet already; SetActiveSheet would re-read every
	// streamed sheet's XML (a second at national scale).
	if err := f.SetDocProps(&excelize.DocProperties{Title: in.Plan.Name + " 月度汇总表 " + in.Period.Label(),
		Creator: "ruralkpi", Language: "zh-CN"}); err != nil {
		return fmt.Errorf("reports: set properties: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("reports: write workbook: %w", err)
	}
	return nil
}

// sheetName makes a valid, unused Excel sheet name (at most 31 characters, none of []:*?/\).
func sheetName(name, code string, used map[string]bool) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\'`, r) {
			return '_'
		}
		return r
	}, name)
	if utf8.RuneCountInString(name) > 31 {
		name = string([]rune(name)[:31])
	}
	if used[name] || name == "" {
		name = code
		if utf8.RuneCountInString(name) > 31 {
			name = string([]rune(name)[:31])
		}
	}
	for n := 2; used[name]; n++ {
		name = fmt.Sprintf("%s_%d", code, n)
	}
	used[name] = true
	return name
}

// writeSheet streams one sheet with its print settings: A4 landscape, fit to one page wide, the
// header row repeated on every page, header rows frozen.
func writeSheet(f *excelize.File, st styles, sh sheet, first bool, maxRows int) error {
	if first {
		if err := f.SetSheetName("Sheet1", sh.name); err != nil {
			return fmt.Errorf("reports: name sheet %q: %w", sh.name, err)
		}
	} else if _, err := f.NewSheet(sh.name); err != nil {
		return fmt.Errorf("reports: add sheet %q: %w", sh.name, err)
	}
	yes, a4, landscape, one, zero := true, 9, "landscape", 1, 0
	if err := f.SetSheetProps(sh.name, &excelize.SheetPropsOptions{FitToPage: &yes}); err != nil {
		return fmt.Errorf("reports: sheet %q properties: %w", sh.name, err)
	}
	if err := f.SetPageLayout(sh.name, &excelize.PageLayoutOptions{Size: &a4, Orientation: &landscape, FitToWidth: &one, FitToHeight: &zero}); err != nil {
		return fmt.Errorf("reports: sheet %q page layout: %w", sh.name, err)
	}
	if err := f.SetHeaderFooter(sh.name, &excelize.HeaderFooterOptions{OddFooter: "&C第 &P 页，共 &N 页"}); err != nil {
		return fmt.Errorf("reports: sheet %q footer: %w", sh.name, err)
	}
	// The range the rows below use, declared before the stream starts, which copies it (readers
	// such as openpyxl in read-only mode trust it; see importers.DeclareUsedRange).
	lastRow, cols := headerRow+min(len(sh.rows), maxRows)+len(sh.notes), len(sh.headers)
	if len(sh.rows) > maxRows {
		lastRow++ // the truncation note
	}
	for _, r := range sh.rows {
		cols = max(cols, len(r))
	}
	if err := setDimension(f, sh.name, cols, lastRow); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sh.name)
	if err != nil {
		return fmt.Errorf("reports: stream sheet %q: %w", sh.name, err)
	}
	widths := make([]int, len(sh.headers))
	for i, h := range sh.headers {
		widths[i] = displayWidth(h)
	}
	for _, row := range sh.rows {
		for i, c := range row {
			if i < len(widths) {
				widths[i] = max(widths[i], cellWidth(c.Value))
			}
		}
	}
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, float64(min(max(wd, 6), 60)+2)); err != nil {
			return fmt.Errorf("reports: sheet %q width: %w", sh.name, err)
		}
	}
	topLeft, _ := excelize.CoordinatesToCellName(sh.freezeCols+1, headerRow+1)
	pane := "bottomLeft"
	if sh.freezeCols > 0 {
		pane = "bottomRight"
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, XSplit: sh.freezeCols, YSplit: headerRow, TopLeftCell: topLeft, ActivePane: pane}); err != nil {
		return fmt.Errorf("reports: sheet %q panes: %w", sh.name, err)
	}
	// Every text cell of the workbook passes here and through SafeCell, as every CSV cell does.
	set := func(row int, values []any, opts ...excelize.RowOpts) error {
		for i, v := range values {
			if c, ok := v.(excelize.Cell); ok {
				if text, ok := c.Value.(string); ok {
					c.Value = models.SafeCell(text)
					values[i] = c
				}
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, row)
		if err := sw.SetRow(cell, values, opts...); err != nil {
			return fmt.Errorf("reports: sheet %q row %d: %w", sh.name, row, err)
		}
		return nil
	}
	if err := set(1, []any{excelize.Cell{Value: sh.title, StyleID: st.title}}, excelize.RowOpts{Height: 24}); err != nil {
		return err
	}
	if err := set(2, []any{excelize.Cell{Value: sh.subtitle, StyleID: st.subtitle}}); err != nil {
		return err
	}
	header := make([]any, len(sh.headers))
	for i, h := range sh.headers {
		header[i] = excelize.Cell{Value: h, StyleID: st.header}
	}
	if err := set(headerRow, header, excelize.RowOpts{Height: 28}); err != nil {
		return err
	}
	row := headerRow + 1
	notes := sh.notes
	for i, r := range sh.rows {
		if i == maxRows {
			notes = append(notes, fmt.Sprintf("注：本表行数超过%d行，已截断，其余%d行未列出。", maxRows, len(sh.rows)-maxRows))
			break
		}
		values := make([]any, len(r))
		for j, c := range r {
			values[j] = c
		}
		if err := set(row, values); err != nil {
			return err
		}
		row++
	}
	for _, n := range notes {
		if err := set(row, []any{excelize.Cell{Value: n, StyleID: st.note}}); err != nil {
			return err
		}
		row++
	}
	last, _ := excelize.ColumnNumberToName(len(sh.headers))
	if err := sw.MergeCell("A1", last+"1"); err != nil {
		return fmt.Errorf("reports: sheet %q merge: %w", sh.name, err)
	}
	if err := sw.MergeCell("A2", last+"2"); err != nil {
		return fmt.Errorf("reports: sheet %q merge: %w", sh.name, err)
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("reports: flush sheet %q: %w", sh.name, err)
	}
	if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: sh.name,
		RefersTo: fmt.Sprintf("'%s'!$%d:$%d", sh.name, headerRow, headerRow)}); err != nil {
		return fmt.Errorf("reports: sheet %q print titles: %w", sh.name, err)
	}
	return nil
}

// monthlyBuilder builds the sheets' rows from the input.
type monthlyBuilder struct {
	in        Input
	st        styles
	cur, prev progressIndex
}

func (b *monthlyBuilder) basis() string {
	return fmt.Sprintf("数据截至%s；序时进度按年度目标和已过月份计算（节点任务为本年底前应完成数）；状态：%s（达到序时进度）、%s（未达序时进度但在容差内）、%s（低于容差或节点逾期）；灰色注明原因（%s、%s、%s、%s、%s、%s）。", b.in.Period.Label(), models.StatusGreen.Label(), models.StatusAmber.Label(), models.StatusRed.Label(), models.GreyYearEnd.Label(), models.GreyNoFigure.Label(), models.GreyNoTarget.Label(), models.GreyNotStarted.Label(), models.GreyNotApplicable.Label(), models.GreyOfficeOnly.Label())
}

// scopeOrder is the root, then each unit below it followed by its reporting units.
func scopeOrder(p *models.Plan) []string {
	out := []string{p.Root.Code}
	for _, u := range p.Root.Children {
		out = append(out, u.Code)
		if len(u.Children) > 0 {
			for _, l := range p.Leaves(u.Code) {
				out = append(out, l.Code)
			}
		}
	}
	return out
}

// figureCells are the target, 序时进度, actual, ratio, completion and status cells of a value.
func (b *monthlyBuilder) figureCells(ind models.Indicator, pr models.Progress) []excelize.Cell {
	dash := excelize.Cell{Value: "—", StyleID: b.st.center}
	num := func(v float64) excelize.Cell {
		if ind.Integer || ind.Kind == models.KindMilestone {
			return excelize.Cell{Value: v, StyleID: b.st.integer}
		}
		return excelize.Cell{Value: v, StyleID: b.st.decimalStyle(v)}
	}
	target, expected, actual, ratio, completion := dash, dash, dash, dash, dash
	own := pr.OwnTask
	if !pr.NotStarted {
		switch {
		case own && pr.DueYear != 0:
			target = excelize.Cell{Value: fmt.Sprintf("%d年底前完成", pr.DueYear), StyleID: b.st.center}
		case pr.HasTarget:
			target = num(pr.Target)
		}
		if pr.HasExpected && !own {
			expected = num(pr.Expected)
		}
		if pr.HasActual {
			actual = num(pr.Actual)
			if own {
				actual = excelize.Cell{Value: "未完成", StyleID: b.st.center}
				if pr.Actual >= 1 {
					actual.Value = "已完成"
				}
			}
		}
		if pr.HasRatio && !own {
			ratio = excelize.Cell{Value: pr.Ratio, StyleID: b.st.percent}
		}
		if pr.HasTarget && pr.HasActual && pr.Target != 0 && !own {
			completion = excelize.Cell{Value: pr.Completion, StyleID: b.st.percent}
		}
	}
	status := excelize.Cell{Value: statusWord(pr), StyleID: b.st.status[string(pr.Status)]}
	return []excelize.Cell{target, expected, actual, ratio, completion, status}
}

// remark explains a value: its milestone schedule, how many units reported, unreviewed data.
func remark(pr models.Progress) string {
	var parts []string
	if s := pr.Schedule.Label(); s != "" {
		part := s
		if pr.DueYear != 0 {
			part = fmt.Sprintf("%s（%d年底前）", s, pr.DueYear)
		}
		parts = append(parts, part)
	}
	if pr.CountsTasks() && pr.HasExpected && pr.HasActual {
		// The 序时进度 and 序时完成率 columns of a count of tasks hold what is due by this year end and
		// done of due: say so in words.
		parts = append(parts, fmt.Sprintf("%s %s，已完成 %s", pr.ExpectedWord(), models.FormatNumber(pr.Expected), models.FormatNumber(pr.Actual)))
	}
	if pr.Units > 1 && pr.Reported < pr.Units {
		parts = append(parts, fmt.Sprintf("%d/%d个单位有数据", pr.Reported, pr.Units))
	}
	if pr.HasActual && !pr.AllApproved && len(pr.Sources) > 0 {
		parts = append(parts, "含"+models.ReviewStatus(models.StatusSubmitted).Label()+"数据")
	}
	return strings.Join(parts, "；")
}

func (b *monthlyBuilder) text(s string) excelize.Cell {
	return excelize.Cell{Value: s, StyleID: b.st.text}
}

func (b *monthlyBuilder) summary() sheet {
	p := b.in.Plan
	sh := sheet{name: SheetSummary, title: fmt.Sprintf("%s 月度汇总表（%s）", p.Name, b.in.Period.Label()), subtitle: b.basis(),
		headers: []string{"指标", "单位", "计量单位", "年度目标", "序时进度", "完成值", "序时完成率", "年度目标完成率", "状态", "说明"}, freezeCols: 2}
	scopes := scopeOrder(p)
	for _, ind := range p.Indicators {
		for _, scope := range scopes {
			pr, ok := b.cur.get(key{ind.Code, scope})
			if !ok || pr.GreyReason == models.GreyOfficeOnly {
				continue // the office's city-wide figures have a city row only, as on the pages
			}
			row := []excelize.Cell{b.text(ind.Name), b.text(p.UnitShortName(scope)), b.text(ind.Unit)}
			row = append(row, b.figureCells(ind, pr)...)
			sh.rows = append(sh.rows, append(row, b.text(remark(pr))))
		}
	}
	return sh
}

func (b *monthlyBuilder) unit(u models.Unit, name string) sheet {
	p := b.in.Plan
	sh := sheet{name: name, title: fmt.Sprintf("%s %s 进度表", u.Name, b.in.Period.Label()), subtitle: b.basis(),
		headers: []string{"工作板块", "指标", "计量单位", "年度目标", "序时进度", "完成值", "序时完成率", "年度目标完成率", "状态", "年底预测", "每月还需", "数据来源", "说明"}, freezeCols: 2}
	workstreams := map[string]string{}
	for _, w := range p.Workstreams {
		workstreams[w.Code] = w.Name
	}
	for _, ind := range p.Indicators {
		pr, ok := b.cur.get(key{ind.Code, u.Code})
		if !ok || pr.GreyReason == models.GreyOfficeOnly {
			continue // the office's city-wide figures: a unit has none
		}
		row := []excelize.Cell{b.text(workstreams[ind.Workstream]), b.text(ind.Name), b.text(ind.Unit)}
		row = append(row, b.figureCells(ind, pr)...)
		forecast, needed := excelize.Cell{Value: "—", StyleID: b.st.center}, excelize.Cell{Value: "—", StyleID: b.st.center}
		if pr.HasForecast {
			forecast = excelize.Cell{Value: pr.Forecast, StyleID: b.st.decimalStyle(pr.Forecast)}
		}
		if pr.ShowsNeeded() {
			needed = excelize.Cell{Value: pr.NeededPerMonth, StyleID: b.st.decimalStyle(pr.NeededPerMonth)}
		}
		row = append(row, forecast, needed, b.text(sources(pr)), b.text(remark(pr)))
		sh.rows = append(sh.rows, row)
	}
	return sh
}

// sources writes where a figure came from: each return version's month, number and review state.
func sources(pr models.Progress) string {
	if len(pr.Sources) == 0 {
		return ""
	}
	if len(pr.Sources) > 3 {
		approved := 0
		for _, s := range pr.Sources {
			if s.Approved {
				approved++
			}
		}
		return fmt.Sprintf("%d份月报（%d份%s）", len(pr.Sources), approved, models.ReviewStatus(models.StatusApproved).Label())
	}
	parts := make([]string, 0, len(pr.Sources))
	for _, s := range pr.Sources {
		state := s.ReviewWord()
		switch {
		case s.SnapshotID != 0:
			parts = append(parts, fmt.Sprintf("%s网点台账第%d版（%s）", s.Period.Label(), s.Version, state))
		case s.Version > 0:
			parts = append(parts, fmt.Sprintf("%s第%d版（%s）", s.Period.Label(), s.Version, state))
		default:
			parts = append(parts, fmt.Sprintf("%s（%s）", s.Period.Label(), state))
		}
	}
	return strings.Join(parts, "；")
}

func (b *monthlyBuilder) milestones() sheet {
	p := b.in.Plan
	sh := sheet{name: SheetMilestones, title: fmt.Sprintf("重点节点完成情况（%s）", b.in.Period.Label()), subtitle: b.basis(),
		headers: []string{"指标", "单位", "完成时限", "内容", "当前进展", "状态"}, freezeCols: 2}
	dues := append([]models.MilestoneDue(nil), p.Milestones...)
	order := map[string]int{}
	for i, c := range scopeOrder(p) {
		order[c] = i
	}
	indOrder := map[string]int{}
	for i, ind := range p.Indicators {
		indOrder[ind.Code] = i
	}
	sort.SliceStable(dues, func(i, j int) bool {
		if dues[i].Year != dues[j].Year {
			return dues[i].Year < dues[j].Year
		}
		if dues[i].Indicator != dues[j].Indicator {
			return indOrder[dues[i].Indicator] < indOrder[dues[j].Indicator]
		}
		return order[dues[i].Unit] < order[dues[j].Unit]
	})
	for _, m := range dues {
		scope := m.Unit
		if scope == "" {
			scope = p.Root.Code
		}
		ind, _ := p.Indicator(m.Indicator)
		pr, ok := b.cur.get(key{m.Indicator, scope})
		progress, status := "—", excelize.Cell{Value: models.StatusGrey.Label(), StyleID: b.st.status[string(models.StatusGrey)]}
		if ok {
			progress = pr.Schedule.Label()
			if pr.NotStarted {
				progress = "未开始报送"
			}
			status = excelize.Cell{Value: statusWord(pr), StyleID: b.st.status[string(pr.Status)]}
		}
		sh.rows = append(sh.rows, []excelize.Cell{b.text(ind.Name), b.text(p.UnitShortName(scope)),
			{Value: fmt.Sprintf("%d年底前", m.Year), StyleID: b.st.center}, b.text(m.Label), {Value: progress, StyleID: b.st.center}, status})
	}
	return sh
}

// returnsFill colours a timeliness state like a status: on time green, late amber, missing red.
func returnsFill(t Timeliness) models.ProgressStatus {
	switch t {
	case OnTime:
		return models.StatusGreen
	case Late:
		return models.StatusAmber
	case Missing:
		return models.StatusRed
	}
	return models.StatusGrey
}

// ReturnCounts counts the rows by timeliness, the units expected to report being all but NotExpected.
type ReturnCounts struct {
	Expected, OnTime, Late, Missing, Pending int
}

// CountReturns counts the returns by timeliness.
func CountReturns(rows []ReturnRow) ReturnCounts {
	var c ReturnCounts
	for _, r := range rows {
		switch r.Timeliness {
		case OnTime:
			c.OnTime++
		case Late:
			c.Late++
		case Missing:
			c.Missing++
		case NotYetDue:
			c.Pending++
		default:
			continue
		}
		c.Expected++
	}
	return c
}

// Sentence writes the counts the way the briefing and the workbook both say them.
func (c ReturnCounts) Sentence() string {
	s := fmt.Sprintf("应报%d个，按时报送%d个，逾期报送%d个，未报送%d个", c.Expected, c.OnTime, c.Late, c.Missing)
	if c.Pending > 0 {
		s += fmt.Sprintf("，未到期%d个", c.Pending)
	}
	return s
}

func (b *monthlyBuilder) returns() sheet {
	p := b.in.Plan
	sh := sheet{name: SheetReturns, title: fmt.Sprintf("月报报送情况（%s）", b.in.Period.Label()),
		subtitle: fmt.Sprintf("报送截止日默认为次月%d日；以首次报送时间判断是否按时，审核状态以最新版本为准。", models.DefaultDeadlineDay),
		headers:  []string{"单位", "截止日期", "首次报送时间", "报送情况", "最新版本", "审核状态"}, freezeCols: 1}
	for _, r := range b.in.Returns {
		uploaded, version := excelize.Cell{Value: "—", StyleID: b.st.center}, excelize.Cell{Value: "—", StyleID: b.st.center}
		if !r.FirstUpload.IsZero() {
			uploaded = excelize.Cell{Value: models.FormatLocalTime(r.FirstUpload), StyleID: b.st.center}
			version = excelize.Cell{Value: fmt.Sprintf("第%d版", r.Version), StyleID: b.st.center}
		}
		sh.rows = append(sh.rows, []excelize.Cell{b.text(p.UnitShortName(r.Unit)),
			{Value: r.Deadline.In(models.ReportingZone()).Format("2006-01-02"), StyleID: b.st.center}, uploaded,
			{Value: r.Timeliness.Label(), StyleID: b.st.status[string(returnsFill(r.Timeliness))]}, version,
			{Value: r.ReviewLabel(), StyleID: b.st.center}})
	}
	sh.notes = append(sh.notes, "合计："+CountReturns(b.in.Returns).Sentence()+"。")
	return sh
}

// RedChange is an indicator of a unit that is red this month and was not the month before.
type RedChange struct {
	Current  models.Progress
	Previous models.Progress
	// HadPrevious is false when there is no previous month (the plan's first) or no value for it.
	HadPrevious bool
}

// NewlyRed lists the values red in the month that were not red in the month before, unit by unit
// (the root first) and indicator by indicator in plan order.
func NewlyRed(in Input) []RedChange {
	var out []RedChange
	eachNewlyRed(in, func(c RedChange) { out = append(out, c) })
	return out
}

// eachNewlyRed hands NewlyRed's values to yield in its order, for a reader that keeps only some (the
// briefing lists 12 of thousands at national scale, and counts the rest).
func eachNewlyRed(in Input, yield func(RedChange)) {
	if in.Scopes != nil {
		newlyRedInPlace(in, yield)
		return
	}
	prev := index(in.Previous)
	byScope := map[string][]RedChange{}
	for _, pr := range in.Current {
		if pr.Status != models.StatusRed {
			continue
		}
		before, had := prev.get(key{pr.Indicator, pr.Scope})
		if had && before.Status == models.StatusRed {
			continue
		}
		byScope[pr.Scope] = append(byScope[pr.Scope], RedChange{Current: pr, Previous: before, HadPrevious: had})
	}
	indOrder := map[string]int{}
	for i, ind := range in.Plan.Indicators {
		indOrder[ind.Code] = i
	}
	for _, scope := range scopeOrder(in.Plan) {
		rows := byScope[scope]
		sort.SliceStable(rows, func(i, j int) bool { return indOrder[rows[i].Current.Indicator] < indOrder[rows[j].Current.Indicator] })
		for _, r := range rows {
			yield(r)
		}
	}
}

// newlyRedInPlace is NewlyRed over Input.Scopes: each reporting unit's values are read where the
// snapshot keeps them, and its month before only when one of them is red.
func newlyRedInPlace(in Input, yield func(RedChange)) {
	p := in.Plan
	top := map[string][]models.Progress{} // in plan order: Current is grouped by indicator
	for _, pr := range in.Current {
		top[pr.Scope] = append(top[pr.Scope], pr)
	}
	prevTop := index(in.Previous)
	prevPeriod := in.Period.AddMonths(-1)
	hasPrevious := p.StartPeriod <= prevPeriod.String()
	for _, scope := range scopeOrder(p) {
		cur, isTop := top[scope]
		if !isTop {
			cur = in.Scopes(scope, in.Period)
		}
		var before []models.Progress
		read := false
		for k := range cur {
			if cur[k].Status != models.StatusRed {
				continue
			}
			var prev models.Progress
			had := false
			switch {
			case isTop:
				prev, had = prevTop.get(key{cur[k].Indicator, scope})
			case hasPrevious:
				if !read {
					before, read = in.Scopes(scope, prevPeriod), true
				}
				prev, had = sameIndicator(before, k, cur[k].Indicator)
			}
			if had && prev.Status == models.StatusRed {
				continue
			}
			yield(RedChange{Current: cur[k], Previous: prev, HadPrevious: had})
		}
	}
}

// sameIndicator finds an indicator's value in a unit's values, at k when both lists are in plan order.
func sameIndicator(prs []models.Progress, k int, indicator string) (models.Progress, bool) {
	if k < len(prs) && prs[k].Indicator == indicator {
		return prs[k], true
	}
	for _, pr := range prs {
		if pr.Indicator == indicator {
			return pr, true
		}
	}
	return models.Progress{}, false
}

// previousWord is the previous month's status word of a change.
func (r RedChange) previousWord() string {
	if !r.HadPrevious {
		return "—"
	}
	return statusWord(r.Previous)
}

func (b *monthlyBuilder) newlyRed() sheet {
	p := b.in.Plan
	sh := sheet{name: SheetNewlyRed, title: fmt.Sprintf("本月新增%s（红灯）指标（%s）", models.StatusRed.Label(), b.in.Period.Label()),
		subtitle: fmt.Sprintf("本月状态为%s、上月（%s）不是%s的指标。", models.StatusRed.Label(), b.in.Period.AddMonths(-1).Label(), models.StatusRed.Label()),
		headers:  []string{"单位", "指标", "计量单位", "上月状态", "本月状态", "年度目标", "序时进度", "完成值", "序时完成率", "年度目标完成率", "说明"}, freezeCols: 2}
	for _, r := range NewlyRed(b.in) {
		ind, _ := p.Indicator(r.Current.Indicator)
		prevStyle := b.st.status[string(models.StatusGrey)]
		if r.HadPrevious {
			prevStyle = b.st.status[string(r.Previous.Status)]
		}
		cells := b.figureCells(ind, r.Current)
		row := []excelize.Cell{b.text(p.UnitShortName(r.Current.Scope)), b.text(ind.Name), b.text(ind.Unit),
			{Value: r.previousWord(), StyleID: prevStyle}, cells[5]}
		row = append(row, cells[:5]...)
		sh.rows = append(sh.rows, append(row, b.text(remark(r.Current))))
	}
	if len(sh.rows) == 0 {
		sh.notes = append(sh.notes, "本月无新增"+models.StatusRed.Label()+"指标。")
	}
	return sh
}
