package returns

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"ruralkpi/importers"
	"ruralkpi/models"
)

// Figures are a unit's accepted to-date figures for one month: the newest version of its return.
type Figures struct {
	Period string
	// Values maps indicator code → to-date figure.
	Values map[string]float64
	// Milestones maps indicator code → stored milestone state (models.MilestoneDone…).
	Milestones map[string]string
}

// Reference is what the rules compare a return with, all plain values the caller looks up once it
// knows the unit and month the file is for.
type Reference struct {
	Plan *models.Plan
	// ExpectedUnit is the unit the upload must be for ("" when any unit will do): the unit chosen on
	// the upload form, or the acting county user's unit.
	ExpectedUnit string
	// ExpectedPeriod is the month the upload must be for ("" when any month will do).
	ExpectedPeriod string
	// Now is the current time; returns for months after it are refused.
	Now time.Time
	// History holds the unit's accepted figures of earlier months, oldest first. The newest entry is
	// "last accepted month"; the rest give the unit's usual monthly pace for jump warnings.
	History []Figures
	// Allocations maps indicator code → the unit's allocation of the year's target.
	Allocations map[string]float64
	// Later holds the unit's accepted figures of the months after this one, oldest first: a
	// correction of an earlier month is checked against them.
	Later []Figures
}

// LaterMonthsMark begins the warning that a correction makes later months' to-date figures fall; the
// review page flags versions carrying it for the office.
const LaterMonthsMark = "后续月份需更正"

// LaterMonthsFlags returns the messages of a stored version's warnings (its JSON list) that say
// later months became inconsistent, for the office's review page.
func LaterMonthsFlags(warningsJSON string) []string {
	var ws []models.Problem
	if json.Unmarshal([]byte(warningsJSON), &ws) != nil {
		return nil
	}
	var out []string
	for _, w := range ws {
		if strings.HasPrefix(w.Message, LaterMonthsMark) {
			out = append(out, w.Message)
		}
	}
	return out
}

// Return is a validated return, ready to store as a version.
type Return struct {
	UnitCode        string
	Period          string
	TemplateVersion string
	Values          []models.ReturnValue
	Milestones      []models.MilestoneReport
}

// Result is the outcome of validating a return: the return, the warnings to flag on the stored
// version, and every problem. The return may be stored only when Problems is empty.
type Result struct {
	Return   Return
	Warnings []models.Problem
	Problems []models.Problem
}

// OK reports whether the return may be stored.
func (r Result) OK() bool { return len(r.Problems) == 0 }

// Thresholds of the warnings.
const (
	// jumpFactor flags a monthly increase over this many times the unit's largest earlier one.
	jumpFactor = 3.0
	// jumpMinHistory is how many earlier monthly increases are needed before jumps are judged.
	jumpMinHistory = 3
	// allocationMargin flags a figure over the year's allocation by more than this share.
	allocationMargin = 0.5
)

// correctedNote finds a note that says a figure was corrected.
var correctedNote = regexp.MustCompile(`更正|修正|订正|纠正|改正|更改|核减|核增|调整|补报|有误`)

// Validate applies the return rules (docs/returns.md) to a draft and lists every problem at once.
func Validate(d Draft, ref Reference) Result {
	v := validator{d: d, ref: ref, plan: ref.Plan}
	v.checkHeader()
	v.checkRows()
	v.checkMilestones()
	if !d.Incomplete && len(v.problems.Items) == 0 && len(v.ret.Values) == 0 && len(v.ret.Milestones) == 0 {
		v.problems.Add(d.MonthlySheet, "", "", "月报中没有填写任何数据。请在黄色单元格中填写截至本月的数字后再上传。")
	}
	return Result{Return: v.ret, Warnings: capProblems(v.warnings.Items), Problems: capProblems(v.problems.Items)}
}

// maxListed bounds the problems listed for one file: past it, a clerk has the wrong file, not typos.
const maxListed = 100

// capProblems keeps the first maxListed problems and says how many more there were.
func capProblems(ps []models.Problem) []models.Problem {
	if len(ps) <= maxListed {
		return ps
	}
	more := len(ps) - maxListed
	return append(ps[:maxListed:maxListed], models.Problem{Message: fmt.Sprintf("另有 %d 个问题未列出。请先改正以上问题后重新上传。", more)})
}

type validator struct {
	d        Draft
	ref      Reference
	plan     *models.Plan
	ret      Return
	period   models.Period
	periodOK bool
	root     bool // the return is the office's, for the whole city
	problems importers.ProblemList
	warnings importers.ProblemList
}

func (v *validator) checkHeader() {
	d, sheet := v.d, SheetMonthly
	if !d.HasMonthly || (d.Incomplete && d.UnitCode == "" && d.Period == "") {
		return
	}
	v.ret.TemplateVersion = d.Version
	if d.Version != "" && !knownTemplateVersion(d.Version) {
		v.problems.Add(sheet, d.VersionCell, "", "模板版本“%s”不是本系统当前的模板（%s）。请重新下载本月模板填报。", importers.Clip(d.Version, 20), TemplateVersion)
	}
	unit := normaliseCode(d.UnitCode)
	v.ret.UnitCode = unit
	switch u, ok := v.plan.Unit(unit); {
	case unit == "":
		v.problems.Add(sheet, d.UnitCell, "", "找不到“%s”。请使用本系统下载的模板，不要修改表头。", labelUnitCode)
	case !ok:
		v.problems.Add(sheet, d.UnitCell, "", "单位代码“%s”不是本规划的填报单位。请下载本单位的模板填报。", importers.Clip(unit, 20))
	case len(u.Children) > 0 && unit != v.plan.Root.Code:
		v.problems.Add(sheet, d.UnitCell, "", "“%s”不是填报单位，请由其下属县（市、区）分别填报。", u.Name)
	default:
		v.root = unit == v.plan.Root.Code
		if v.ref.ExpectedUnit != "" && unit != v.ref.ExpectedUnit {
			v.problems.Add(sheet, d.UnitCell, "", "这是%s的月报，与所选（或您所属）单位%s不符。请下载本单位的模板填报。", u.Name, v.plan.UnitName(v.ref.ExpectedUnit))
		}
	}
	period, ok := normalisePeriod(d.Period)
	v.ret.Period = period
	p, err := models.ParsePeriod(period)
	switch {
	case d.Period == "":
		v.problems.Add(sheet, d.PeriodCell, "", "找不到“%s”。请使用本系统下载的模板，不要修改表头。", labelPeriod)
	case !ok || err != nil:
		v.problems.Add(sheet, d.PeriodCell, "", "填报月份“%s”不是“年-月”（如 2024-06）的格式。请使用本系统下载的模板，不要修改表头。", importers.Clip(d.Period, 20))
	case !v.plan.ContainsPeriod(period):
		v.problems.Add(sheet, d.PeriodCell, "", "填报月份 %s 不在规划期（%s 至 %s）内。", p.Label(), v.plan.StartPeriod, v.plan.EndPeriod)
	case !v.ref.Now.IsZero() && p.Index() > (models.Period{Year: v.ref.Now.Year(), Month: int(v.ref.Now.Month())}).Index():
		v.problems.Add(sheet, d.PeriodCell, "", "填报月份 %s 还没有到，不能提前填报。", p.Label())
	default:
		v.period, v.periodOK = p, true
		if unit != "" && !v.root && period < v.plan.UnitStart(unit) {
			v.problems.Add(sheet, d.PeriodCell, "", "本单位从 %s 起报送月报，%s 无需填报。", v.plan.UnitStart(unit), p.Label())
		}
		if v.ref.ExpectedPeriod != "" && period != v.ref.ExpectedPeriod {
			v.problems.Add(sheet, d.PeriodCell, "", "这是 %s 的月报，与所选月份 %s 不符。请下载对应月份的模板填报。", period, v.ref.ExpectedPeriod)
		}
	}
	if d.HasMeta {
		metaPeriod, _ := normalisePeriod(d.MetaPeriod)
		if normaliseCode(d.MetaUnit) != unit || metaPeriod != period {
			v.problems.Add(sheet, d.UnitCell, "", "表头的单位或月份被改动过，与模板原始信息（单位代码 %s，月份 %s）不一致。请不要修改表头，重新下载对应单位和月份的模板填报。", importers.Clip(d.MetaUnit, 20), importers.Clip(d.MetaPeriod, 20))
		}
	}
}

// allowed reports whether the indicator belongs in this return, and if not, why.
func (v *validator) allowed(ind models.Indicator) string {
	switch {
	case ind.Reporter == models.ReporterDerived:
		return "该指标由系统根据其他数据自动计算，无需填报，请删除这一行。"
	case v.root && ind.Reporter != models.ReporterOffice:
		return "该指标由各县（市、区）在月报中填报，办公室不能代填全市数。"
	case !v.root && ind.Reporter != models.ReporterCounty:
		return "该指标由工作专班办公室填报，县级月报不填，请删除这一行。"
	}
	return ""
}

// tickAllowed checks the unit of a milestone row: the office ticks a unit's own task (a county's
// 工作专班: reporter office, counted per unit) for a unit the plan gives it to; every other milestone
// is the return's own.
func (v *validator) tickAllowed(ind models.Indicator, unit string) string {
	perUnit := ind.Reporter == models.ReporterOffice && ind.RollUp == models.RollUpCount
	switch {
	case unit == "" && perUnit:
		return "该事项由办公室按单位逐一确认，请在对应单位的行中选择状态。"
	case unit == "":
		return ""
	case !perUnit:
		return "该指标不按单位确认，请删除单位代码。"
	}
	for _, m := range v.plan.MilestonesFor(ind.Code) {
		if m.Unit == unit {
			return ""
		}
	}
	return "方案未安排该单位此项任务（单位代码“" + importers.Clip(unit, 20) + "”）。"
}

// previous returns the last accepted figures before this month, if any.
func (v *validator) previous() (Figures, bool) {
	var best Figures
	found := false
	for _, h := range v.ref.History {
		if h.Period < v.ret.Period && (!found || h.Period > best.Period) {
			best, found = h, true
		}
	}
	return best, found
}

func (v *validator) checkRows() {
	sheet := v.d.MonthlySheet
	seen := map[string]int{}
	prev, hasPrev := v.previous()
	for _, r := range v.d.Rows {
		code := normaliseCode(r.Code)
		if code == "" {
			if r.Value != "" {
				v.problems.Add(sheet, r.CodeCell, "", "第 %d 行填了数字但没有指标代码。请只在模板原有的行中填报。", r.Row)
			}
			continue
		}
		ind, ok := v.plan.Indicator(code)
		if !ok {
			v.problems.Add(sheet, r.CodeCell, importers.Clip(code, 40), "指标代码“%s”不存在。请使用本系统下载的模板，不要修改指标代码。", importers.Clip(r.Code, 40))
			continue
		}
		if first, dup := seen[code]; dup {
			v.problems.Add(sheet, r.CodeCell, code, "指标代码“%s”与第 %d 行重复，同一指标只能填一行。", code, first)
			continue
		}
		seen[code] = r.Row
		if ind.Kind == models.KindMilestone {
			v.problems.Add(sheet, r.CodeCell, code, "“%s”是里程碑，请在“%s”工作表中选择状态，不要在本表填数。", ind.Name, SheetMilestones)
			continue
		}
		if why := v.allowed(ind); why != "" {
			if r.Value != "" {
				v.problems.Add(sheet, r.ValueCell, code, "%s", why)
			}
			continue
		}
		if utf8.RuneCountInString(r.Note) > maxNoteRunes {
			v.problems.Add(sheet, r.NoteCell, code, "备注太长（上限 %d 字），请精简。", maxNoteRunes)
		}
		if r.Value == "" {
			continue // optional: not reported this month
		}
		value, ok := v.checkFigure(sheet, r, ind)
		if !ok {
			continue
		}
		if hasPrev && v.periodOK {
			v.checkAgainstPrevious(sheet, r, ind, value, prev)
		}
		if v.periodOK {
			v.checkAgainstLater(sheet, r, ind, value)
		}
		v.warn(sheet, r, ind, value)
		v.ret.Values = append(v.ret.Values, models.ReturnValue{Indicator: code, Value: value, Note: r.Note})
	}
	sort.SliceStable(v.ret.Values, func(i, j int) bool {
		return v.indicatorOrder(v.ret.Values[i].Indicator) < v.indicatorOrder(v.ret.Values[j].Indicator)
	})
}

func (v *validator) indicatorOrder(code string) int {
	for i, ind := range v.plan.Indicators {
		if ind.Code == code {
			return i
		}
	}
	return len(v.plan.Indicators)
}

// checkFigure parses and range-checks one figure.
func (v *validator) checkFigure(sheet string, r DraftRow, ind models.Indicator) (float64, bool) {
	n, msg := importers.ParseFigure(r.Value, ind.Unit)
	if msg != "" {
		v.problems.Add(sheet, r.ValueCell, ind.Code, "%s：%s", ind.Name, msg)
		return 0, false
	}
	value := n.Value
	if ind.Kind == models.KindRate || ind.Unit == "%" {
		if r.PercentFormat && !n.Percent {
			value *= 100 // Excel keeps 85% as 0.85 in a percentage-formatted cell
		}
	} else if n.Percent {
		v.problems.Add(sheet, r.ValueCell, ind.Code, "%s：单位是“%s”，不是百分比，请去掉 %% 号后填写%s数。", ind.Name, ind.Unit, ind.Unit)
		return 0, false
	}
	value = math.Round(value*1e6) / 1e6 // binary noise from percentage cells and spreadsheet arithmetic
	ok := true
	if value < 0 {
		v.problems.Add(sheet, r.ValueCell, ind.Code, "%s：不能为负数（填了 %s）。填写截至本月的累计数，不要填减少量。", ind.Name, importers.FormatFigure(value))
		ok = false
	}
	if ind.Integer && value != math.Trunc(value) {
		v.problems.Add(sheet, r.ValueCell, ind.Code, "%s：是计数（单位“%s”），只能填整数，不能填 %s。", ind.Name, ind.Unit, importers.FormatFigure(value))
		ok = false
	}
	// Only shares are capped (the plan file says which): a growth rate vs 2022 may exceed 100%.
	if max, capped := ind.MaxValue(); capped && value > max {
		v.problems.Add(sheet, r.ValueCell, ind.Code, "%s：是占比，不能超过 %s%%（填了 %s）。填 85 表示 85%%。", ind.Name, importers.FormatFigure(max), importers.FormatFigure(value))
		ok = false
	}
	return value, ok
}

// checkAgainstLater warns when a correction of an earlier month lifts a to-date figure above what
// later months already say: their cumulative (or same-year running) figure would then fall. The
// correction is accepted — it may be the later months that are wrong — but every such month is named
// on the preview and the version is flagged for the office.
func (v *validator) checkAgainstLater(sheet string, r DraftRow, ind models.Indicator, value float64) {
	if ind.Kind != models.KindCumulative && ind.Kind != models.KindAnnual {
		return
	}
	var months []string
	for _, f := range v.ref.Later {
		later, ok := f.Values[ind.Code]
		p, err := models.ParsePeriod(f.Period)
		if !ok || err != nil || later >= value || ind.Kind == models.KindAnnual && p.Year != v.period.Year {
			continue
		}
		months = append(months, fmt.Sprintf("%s（%s）", p.Label(), importers.FormatFigure(later)))
	}
	if len(months) > 0 {
		v.warnings.Add(sheet, r.ValueCell, ind.Code, "%s：%s更正为 %s 后，已确认的 %s 低于本月，累计数将出现下降；请一并更正这些月份的月报。",
			LaterMonthsMark, ind.Name, importers.FormatFigure(value), strings.Join(months, "、"))
	}
}

// checkAgainstPrevious refuses a to-date figure below the last accepted month's: stocks never shrink
// in a return, and a year's running total only restarts in January.
func (v *validator) checkAgainstPrevious(sheet string, r DraftRow, ind models.Indicator, value float64, prev Figures) {
	last, ok := prev.Values[ind.Code]
	if !ok || value >= last {
		return
	}
	prevPeriod, err := models.ParsePeriod(prev.Period)
	if err != nil {
		return
	}
	switch ind.Kind {
	case models.KindCumulative:
		v.problems.Add(sheet, r.ValueCell, ind.Code, "%s：截至本月累计 %s，低于 %s 已确认的 %s。累计数不会减少；如之前的数据有误，请先重新上报 %s 的月报更正，或在备注中说明后联系办公室。",
			ind.Name, importers.FormatFigure(value), prevPeriod.Label(), importers.FormatFigure(last), prevPeriod.Label())
	case models.KindAnnual:
		if prevPeriod.Year == v.period.Year {
			v.problems.Add(sheet, r.ValueCell, ind.Code, "%s：本年累计 %s，低于 %s 已确认的 %s。本年累计数不会减少；如之前的数据有误，请先重新上报 %s 的月报更正。",
				ind.Name, importers.FormatFigure(value), prevPeriod.Label(), importers.FormatFigure(last), prevPeriod.Label())
		}
	}
}

// monthlyIncrease is the average increase per month between two to-date figures; an annual figure
// restarts in January.
func monthlyIncrease(kind models.IndicatorKind, fromP models.Period, from float64, toP models.Period, to float64) (float64, bool) {
	months := toP.Index() - fromP.Index()
	if months <= 0 {
		return 0, false
	}
	if kind == models.KindAnnual && fromP.Year != toP.Year {
		return to / float64(toP.Month), true
	}
	return (to - from) / float64(months), true
}

// warn flags figures worth a second look: a jump far beyond the unit's history, a figure far over
// its allocation, and a note that says a figure was corrected.
func (v *validator) warn(sheet string, r DraftRow, ind models.Indicator, value float64) {
	if correctedNote.MatchString(r.Note) {
		v.warnings.Add(sheet, r.NoteCell, ind.Code, "%s：备注说明数据有更正（“%s”），请办公室核对。", ind.Name, importers.Clip(r.Note, 40))
	}
	if ind.Kind != models.KindCumulative && ind.Kind != models.KindAnnual {
		return
	}
	if alloc, ok := v.ref.Allocations[ind.Code]; ok && alloc > 0 && value > alloc*(1+allocationMargin) {
		v.warnings.Add(sheet, r.ValueCell, ind.Code, "%s：填报 %s，是本年分配目标 %s 的 %.0f%%，请核实。", ind.Name, importers.FormatFigure(value), importers.FormatFigure(alloc), value/alloc*100)
	}
	if !v.periodOK {
		return
	}
	type point struct {
		p models.Period
		v float64
	}
	var pts []point
	for _, h := range v.ref.History {
		x, ok := h.Values[ind.Code]
		p, err := models.ParsePeriod(h.Period)
		if ok && err == nil && p.Before(v.period) {
			pts = append(pts, point{p, x})
		}
	}
	sort.Slice(pts, func(i, j int) bool { return pts[i].p.Before(pts[j].p) })
	if len(pts) < jumpMinHistory+1 {
		return
	}
	largest := 0.0
	for i := 1; i < len(pts); i++ {
		if inc, ok := monthlyIncrease(ind.Kind, pts[i-1].p, pts[i-1].v, pts[i].p, pts[i].v); ok {
			largest = math.Max(largest, inc)
		}
	}
	last := pts[len(pts)-1]
	inc, ok := monthlyIncrease(ind.Kind, last.p, last.v, v.period, value)
	if ok && largest > 0 && inc > jumpFactor*largest {
		v.warnings.Add(sheet, r.ValueCell, ind.Code, "%s：本月增加 %s，远超本单位以往单月最大增量 %s，请核实是否填错。", ind.Name, importers.FormatFigure(math.Round(inc*100)/100), importers.FormatFigure(math.Round(largest*100)/100))
	}
}

func (v *validator) checkMilestones() {
	sheet := v.d.MilestoneSheet
	seen := map[string]int{}
	prev, hasPrev := v.previous()
	var lastDay time.Time
	if v.periodOK {
		lastDay = time.Date(v.period.Year, time.Month(v.period.Month)+1, 0, 0, 0, 0, 0, time.UTC)
	}
	for _, m := range v.d.Milestones {
		key := normaliseCode(m.Code)
		code, unit, _ := strings.Cut(key, "@")
		if code == "" {
			if m.State != "" || m.DoneOn != "" {
				v.problems.Add(sheet, m.CodeCell, "", "第 %d 行选了状态但没有指标代码。请只在模板原有的行中填报。", m.Row)
			}
			continue
		}
		ind, ok := v.plan.Indicator(code)
		if !ok {
			v.problems.Add(sheet, m.CodeCell, importers.Clip(code, 40), "指标代码“%s”不存在。请使用本系统下载的模板，不要修改指标代码。", importers.Clip(m.Code, 40))
			continue
		}
		if ind.Kind != models.KindMilestone {
			v.problems.Add(sheet, m.CodeCell, code, "“%s”不是里程碑，请在“%s”工作表中填写数字。", ind.Name, SheetMonthly)
			continue
		}
		if first, dup := seen[key]; dup {
			v.problems.Add(sheet, m.CodeCell, key, "里程碑“%s”与第 %d 行重复，同一里程碑只能填一行。", ind.Name, first)
			continue
		}
		seen[key] = m.Row
		if why := v.allowed(ind); why != "" {
			if m.State != "" {
				v.problems.Add(sheet, m.StateCell, key, "%s", why)
			}
			continue
		}
		if why := v.tickAllowed(ind, unit); why != "" {
			if m.State != "" {
				v.problems.Add(sheet, m.StateCell, key, "%s", why)
			}
			continue
		}
		name := ind.Name
		if unit != "" {
			name += "（" + v.plan.UnitName(unit) + "）"
		}
		ind.Name, code = name, key
		if m.State == "" {
			if m.DoneOn != "" {
				v.problems.Add(sheet, m.StateCell, code, "%s：填了完成日期，但没有选择状态（%s/%s/%s）。", ind.Name, stateNotStarted, stateInProgress, stateDone)
			}
			continue
		}
		state, ok := storedState(m.State)
		if !ok {
			v.problems.Add(sheet, m.StateCell, code, "%s：状态“%s”无法识别，只能从下拉框选择 %s、%s 或 %s。", ind.Name, importers.Clip(m.State, 20), stateNotStarted, stateInProgress, stateDone)
			continue
		}
		if utf8.RuneCountInString(m.Note) > maxNoteRunes {
			v.problems.Add(sheet, m.NoteCell, code, "备注太长（上限 %d 字），请精简。", maxNoteRunes)
			continue
		}
		rep := models.MilestoneReport{Indicator: strings.SplitN(key, "@", 2)[0], Unit: unit, State: state, Note: m.Note}
		switch {
		case state == models.MilestoneDone && m.DoneOn == "":
			v.problems.Add(sheet, m.DoneOnCell, code, "%s：状态为“%s”，请填写完成日期（如 2024-06-15）。", ind.Name, stateDone)
			continue
		case state == models.MilestoneDone:
			day, ok := parseDate(m.DoneOn)
			switch {
			case !ok:
				v.problems.Add(sheet, m.DoneOnCell, code, "%s：完成日期“%s”无法识别，请按 2024-06-15 的格式填写。", ind.Name, importers.Clip(m.DoneOn, 20))
				continue
			case !lastDay.IsZero() && day.After(lastDay):
				v.problems.Add(sheet, m.DoneOnCell, code, "%s：完成日期 %s 晚于填报月份的最后一天，本月还不能报“%s”。", ind.Name, day.Format("2006-01-02"), stateDone)
				continue
			case day.Year() < 2000:
				v.problems.Add(sheet, m.DoneOnCell, code, "%s：完成日期 %s 不合理，请检查年份。", ind.Name, day.Format("2006-01-02"))
				continue
			}
			rep.DoneOn = day.Format("2006-01-02")
		case m.DoneOn != "":
			v.warnings.Add(sheet, m.DoneOnCell, code, "%s：状态为“%s”，填写的完成日期“%s”未保存。", ind.Name, m.State, importers.Clip(m.DoneOn, 20))
		}
		if hasPrev && prev.Milestones[code] == models.MilestoneDone && state != models.MilestoneDone {
			v.warnings.Add(sheet, m.StateCell, code, "%s：上次已报“%s”，本次改为“%s”，请核实。", ind.Name, stateDone, m.State)
		}
		if correctedNote.MatchString(m.Note) {
			v.warnings.Add(sheet, m.NoteCell, code, "%s：备注说明有更正（“%s”），请办公室核对。", ind.Name, importers.Clip(m.Note, 40))
		}
		v.ret.Milestones = append(v.ret.Milestones, rep)
	}
}

// normaliseCode cleans an indicator or unit code: spaces, full-width characters, case.
func normaliseCode(s string) string {
	return strings.ToLower(importers.NumberRepair.Replace(strings.ReplaceAll(importers.CleanText(s), "\u3000", "")))
}

var periodLoose = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$`)

// normalisePeriod reads a month as YYYY-MM, also from 2024/6, 2024年6月 or a date serial number a
// program may have turned the cell into.
func normalisePeriod(s string) (string, bool) {
	s = importers.NumberRepair.Replace(importers.CleanText(s))
	if m := periodLoose.FindStringSubmatch(s); m != nil {
		month, _ := strconv.Atoi(m[2])
		if month >= 1 && month <= 12 {
			return fmt.Sprintf("%s-%02d", m[1], month), true
		}
	}
	if serial, err := strconv.ParseFloat(s, 64); err == nil && serial > 20000 && serial < 80000 {
		t := excelEpoch().Add(time.Duration(serial) * 24 * time.Hour)
		return t.Format("2006-01"), true
	}
	return s, false
}

// excelEpoch is day 0 of Excel's 1900 date system (serial 1 is 1900-01-01, with the 1900 leap-year bug
// ignored for dates after March 1900).
func excelEpoch() time.Time { return time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC) }

var dateLoose = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$`)

// parseDate reads a completion date: 2024-06-15, 2024/6/15, 2024年6月15日, or a date serial number.
func parseDate(s string) (time.Time, bool) {
	s = importers.NumberRepair.Replace(importers.CleanText(s))
	if m := dateLoose.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
		if t.Year() != y || int(t.Month()) != mo || t.Day() != d {
			return time.Time{}, false
		}
		return t, true
	}
	if serial, err := strconv.ParseFloat(s, 64); err == nil && serial > 1 && serial < 80000 {
		return excelEpoch().Add(time.Duration(math.Floor(serial)) * 24 * time.Hour), true
	}
	return time.Time{}, false
}

// Parse reads and validates an uploaded return in one step, for callers that already know the
// reference figures (tests, benchmarks, the fuzz target). Services look the reference up between
// Read and Validate instead.
func Parse(r io.Reader, lim importers.Limits, ref Reference) (Result, error) {
	d, problems, err := Read(r, lim, ref.Plan)
	if err != nil {
		return Result{}, err
	}
	res := Validate(d, ref)
	if len(problems) > 0 {
		res.Problems = capProblems(append(problems, res.Problems...))
	}
	return res, nil
}
