package reports

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/xuri/excelize/v2"

	"ruralkpi/models"
)

// Closeout is the plan's summary (总结评估): every target's year-end figure against its target,
// for the city and per unit, met or not, the units ranked, the milestones done late or never, and
// sentences written from the data.
type Closeout struct {
	PlanName, Span string
	// Whole names the root's whole area (models.Plan.WholeWord): 全市 for a city's plan.
	Whole string
	// Over is false while the plan still runs: the summary is then provisional.
	Over      bool
	AsOf      string
	FinalYear int
	Years     []int
	City      []CloseoutIndicator
	Units     []CloseoutUnit
	// Indicators heads the per-unit table: the final year's targeted indicators.
	Indicators []string
	Milestones []CloseoutMilestone
	Sentences  []string
}

// CloseoutIndicator is one indicator's year-end results for one scope, year by year.
type CloseoutIndicator struct {
	Code, Name, MeasureUnit string
	Years                   []CloseoutFigure
}

// CloseoutFigure is a year-end figure against the year's target. Met is the progress rules'
// verdict in December (green: the year's target reached); Evaluated is false for a grey item.
type CloseoutFigure struct {
	Year                      int
	Target, Actual, Ratio     string
	Met, Evaluated, HasTarget bool
	// Final says the year's December is in: Met is then the year's verdict, else its pace so far.
	Final bool
	Word  string
	// Color is the word's status colour: green met, red missed once final; the pace's own colour
	// (amber for 预警) inside the plan; grey when not judged.
	Color models.ProgressStatus
}

// CloseoutUnit is a unit's final-year results and its rank by targets met.
type CloseoutUnit struct {
	Code, Name       string
	Rank             int
	Met, Evaluated   int
	Share            string
	Figures          []CloseoutFigure
	NotMetIndicators []string
}

// CloseoutMilestone is a milestone done after its due year, or not done by the plan's end.
type CloseoutMilestone struct {
	Unit, Indicator string
	DueYear         int
	Done            bool // done late; false: not done by the plan's end
	Word            string
}

// BuildCloseout builds the summary from the calculator as of the final month with data (the
// plan's last month once it is over).
func BuildCloseout(calc *models.ProgressCalculator, over bool) Closeout {
	p := calc.Plan()
	end := models.MustPeriod(p.EndPeriod)
	asOf := end
	if latest, ok := calc.LatestPeriod(); ok && latest.Before(end) {
		asOf = latest
	}
	c := Closeout{PlanName: p.Name, Whole: p.WholeWord(), Span: models.MustPeriod(p.StartPeriod).Label() + "至" + end.Label(), Over: over,
		AsOf: asOf.Label(), FinalYear: end.Year, Years: p.Years}
	yearEnd := func(y int) models.Period {
		if q := (models.Period{Year: y, Month: 12}); q.Before(asOf) || q == asOf {
			return q
		}
		return asOf
	}
	for _, ind := range p.Indicators {
		if ind.Kind == models.KindMilestone {
			continue
		}
		if _, ok := p.Target(ind.Code, end.Year); !ok {
			continue
		}
		ci := CloseoutIndicator{Code: ind.Code, Name: ind.Name, MeasureUnit: ind.Unit}
		for _, y := range p.Years {
			ci.Years = append(ci.Years, closeoutFigure(calc.Progress(ind.Code, p.Root.Code, yearEnd(y)), y, yearEnd(y).Month == 12))
		}
		c.City = append(c.City, ci)
		c.Indicators = append(c.Indicators, ind.Name)
	}
	// The units directly below the root are ranked: a city's counties, a country's provinces (the
	// country's summary had ranked all 2,850 counties in an 11 MB page).
	for _, u := range p.Root.Children {
		cu := CloseoutUnit{Code: u.Code, Name: u.Name}
		for _, ci := range c.City {
			f := closeoutFigure(calc.Progress(ci.Code, u.Code, yearEnd(end.Year)), end.Year, yearEnd(end.Year).Month == 12)
			cu.Figures = append(cu.Figures, f)
			if f.Evaluated {
				cu.Evaluated++
				if f.Met {
					cu.Met++
				} else {
					cu.NotMetIndicators = append(cu.NotMetIndicators, ci.Name)
				}
			}
		}
		if cu.Evaluated > 0 {
			cu.Share = models.FormatPercent(float64(cu.Met) / float64(cu.Evaluated))
		}
		c.Units = append(c.Units, cu)
	}
	rankUnits(c.Units)
	for _, m := range p.Milestones {
		scope := m.Unit
		if scope == "" {
			scope = p.Root.Code
		}
		due := calc.Progress(m.Indicator, scope, yearEnd(m.Year))
		if due.Status == models.StatusGreen || due.Status == models.StatusGrey {
			continue
		}
		final := calc.Progress(m.Indicator, scope, asOf)
		ind, _ := p.Indicator(m.Indicator)
		cm := CloseoutMilestone{Unit: p.UnitShortName(scope), Indicator: ind.Name, DueYear: m.Year, Done: final.Status == models.StatusGreen}
		cm.Word = "至" + asOf.Label() + "仍未完成"
		if cm.Done {
			cm.Word = "逾期完成"
		}
		c.Milestones = append(c.Milestones, cm)
	}
	c.Sentences = closeoutSentences(c)
	return c
}

// closeoutFigure judges a year: at its December, met or not; before (a provisional summary), on
// pace (序时进度) in the dashboards' own words (正常/预警/滞后).
func closeoutFigure(pr models.Progress, year int, final bool) CloseoutFigure {
	f := CloseoutFigure{Year: year, Target: "—", Actual: "—", Ratio: "—", HasTarget: pr.HasTarget, Final: final}
	if pr.HasTarget {
		f.Target = models.FormatNumber(pr.Target)
	}
	if pr.HasActual {
		f.Actual = models.FormatNumber(pr.Actual)
	}
	if pr.HasRatio {
		f.Ratio = models.FormatPercent(pr.Completion)
	}
	switch pr.Status {
	case models.StatusGreen:
		f.Met, f.Evaluated = true, true
	case models.StatusAmber, models.StatusRed:
		f.Evaluated = true
	}
	f.Color = pr.Status
	switch {
	case final && f.Met:
		f.Word = "完成"
	case final && f.Evaluated:
		f.Word, f.Color = "未完成", models.StatusRed
	default:
		// Inside the plan (or grey) the item's own word, 正常/预警/滞后 as on every page: a provisional
		// "进度落后" lumped 预警 with 滞后, the two words the dashboards keep apart.
		f.Word = pr.StatusWord()
	}
	return f
}

// rankUnits ranks by share of targets met, then by targets met; equal results share a rank.
func rankUnits(us []CloseoutUnit) {
	share := func(u CloseoutUnit) float64 {
		if u.Evaluated == 0 {
			return -1
		}
		return float64(u.Met) / float64(u.Evaluated)
	}
	sort.SliceStable(us, func(i, j int) bool {
		if share(us[i]) != share(us[j]) {
			return share(us[i]) > share(us[j])
		}
		return us[i].Met > us[j].Met
	})
	for i := range us {
		us[i].Rank = i + 1
		if i > 0 && share(us[i]) == share(us[i-1]) && us[i].Met == us[i-1].Met {
			us[i].Rank = us[i-1].Rank
		}
	}
}

// closeoutSentences writes the summary's findings from the figures, naming every unit of a tie.
func closeoutSentences(c Closeout) []string {
	var out []string
	lead := fmt.Sprintf("%s（%s）", c.PlanName, c.Span)
	if c.Over {
		lead += "已实施完毕。"
	} else {
		lead += fmt.Sprintf("尚在实施中，以下为截至%s的预评估。", c.AsOf)
	}
	met, evaluated, final := 0, 0, true
	var missed []string
	for _, ci := range c.City {
		f := ci.Years[len(ci.Years)-1]
		final = final && f.Final
		if !f.Evaluated {
			continue
		}
		evaluated++
		if f.Met {
			met++
		} else {
			missed = append(missed, fmt.Sprintf("%s（完成年度目标的%s）", ci.Name, f.Ratio))
		}
	}
	reached, behind, list := "达到年度目标", "未达到", "未达到目标的指标："
	if !final {
		reached, behind, list = "达到序时进度", "未达到序时进度", "预警或滞后的指标："
	}
	out = append(out, lead+fmt.Sprintf("%d年%s%d项有目标且已评价的指标中，%d项%s，%d项%s。", c.FinalYear, c.Whole, evaluated, met, reached, evaluated-met, behind))
	if len(missed) > 0 {
		out = append(out, list+strings.Join(missed, "、")+"。")
	}
	if len(c.Units) > 0 && c.Units[0].Evaluated > 0 {
		verb := "完成"
		if !final {
			verb = "正常"
		}
		last := c.Units[len(c.Units)-1]
		out = append(out, fmt.Sprintf("各单位中，%d年目标%s比例最高的是%s（%d项中%s%d项），最低的是%s（%d项中%s%d项）。", c.FinalYear, verb,
			joinTied(c.Units, c.Units[0].Rank), c.Units[0].Evaluated, verb, c.Units[0].Met, joinTied(c.Units, last.Rank), last.Evaluated, verb, last.Met))
	}
	late, never := 0, []string{}
	for _, m := range c.Milestones {
		if m.Done {
			late++
		} else {
			never = append(never, m.Unit+m.Indicator)
		}
	}
	switch {
	case late == 0 && len(never) == 0:
		out = append(out, "节点任务均按期完成。")
	case len(never) == 0:
		out = append(out, fmt.Sprintf("节点任务中%d项逾期完成，没有未完成的。", late))
	default:
		named := strings.Join(never[:min(len(never), closeoutNamed)], "、")
		if len(never) > closeoutNamed {
			named += "等"
		}
		out = append(out, fmt.Sprintf("节点任务中%d项逾期完成，%d项至期末仍未完成：%s。", late, len(never), named))
	}
	return out
}

// closeoutNamed is how many unfinished milestones a sentence names; closeoutListed how many the page
// lists. The workbook lists them all: a country's plan had 6,411, in one sentence.
const (
	closeoutNamed  = 10
	closeoutListed = 50
)

// ListedMilestones are the late milestones the page lists, at most closeoutListed.
func (c Closeout) ListedMilestones() []CloseoutMilestone {
	return c.Milestones[:min(len(c.Milestones), closeoutListed)]
}

// UnlistedMilestones is how many late milestones only the workbook lists.
func (c Closeout) UnlistedMilestones() int { return len(c.Milestones) - len(c.ListedMilestones()) }

// joinTied names every unit with the rank.
func joinTied(us []CloseoutUnit, rank int) string {
	var names []string
	for _, u := range us {
		if u.Rank == rank {
			names = append(names, u.Name)
		}
	}
	return strings.Join(names, "、")
}

// WriteCloseout writes the summary workbook: findings, the city's targets year by year, each
// unit's final-year figures, the ranking and the milestones done late or never.
func WriteCloseout(w io.Writer, c Closeout) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	text := func(s string) excelize.Cell { return excelize.Cell{Value: s, StyleID: st.text} }
	verdict := func(fg CloseoutFigure) excelize.Cell {
		status := string(models.StatusGrey)
		if fg.Evaluated {
			status = string(models.StatusRed)
			if fg.Met {
				status = string(models.StatusGreen)
			}
		}
		return excelize.Cell{Value: fg.Word, StyleID: st.status[status]}
	}
	subtitle := "数据截至" + c.AsOf + "；“完成”指该年12月实际值达到年度目标（按进度规则为正常）。"
	summary := sheet{name: "总结", title: c.PlanName + " 总结评估", subtitle: subtitle, headers: []string{"评估结论"}}
	for _, s := range c.Sentences {
		summary.rows = append(summary.rows, []excelize.Cell{text(s)})
	}
	city := sheet{name: c.Whole + "目标", title: c.Whole + "各年度目标完成情况", subtitle: subtitle, headers: []string{"指标", "计量单位"}, freezeCols: 1}
	for _, y := range c.Years {
		city.headers = append(city.headers, fmt.Sprintf("%d年目标", y), fmt.Sprintf("%d年实际", y), fmt.Sprintf("%d年完成率", y), fmt.Sprintf("%d年结论", y))
	}
	for _, ci := range c.City {
		row := []excelize.Cell{text(ci.Name), text(ci.MeasureUnit)}
		for _, fg := range ci.Years {
			row = append(row, text(fg.Target), text(fg.Actual), text(fg.Ratio), verdict(fg))
		}
		city.rows = append(city.rows, row)
	}
	units := sheet{name: "各单位", title: fmt.Sprintf("各单位%d年目标完成情况", c.FinalYear), subtitle: subtitle, headers: []string{"单位", "指标", "目标", "实际", "完成率", "结论"}, freezeCols: 1}
	rank := sheet{name: "排名", title: "各单位完成目标排名", subtitle: subtitle, headers: []string{"名次", "单位", "已评价指标", "完成", "完成比例", "未完成的指标"}}
	for _, u := range c.Units {
		for i, fg := range u.Figures {
			units.rows = append(units.rows, []excelize.Cell{text(u.Name), text(c.Indicators[i]), text(fg.Target), text(fg.Actual), text(fg.Ratio), verdict(fg)})
		}
		rank.rows = append(rank.rows, []excelize.Cell{{Value: u.Rank, StyleID: st.integer}, text(u.Name), {Value: u.Evaluated, StyleID: st.integer},
			{Value: u.Met, StyleID: st.integer}, text(u.Share), text(strings.Join(u.NotMetIndicators, "、"))})
	}
	ms := sheet{name: "节点任务", title: "逾期完成或未完成的节点任务", subtitle: subtitle, headers: []string{"单位", "节点任务", "应完成年份", "情况"}}
	for _, m := range c.Milestones {
		ms.rows = append(ms.rows, []excelize.Cell{text(m.Unit), text(m.Indicator), {Value: m.DueYear, StyleID: st.center}, text(m.Word)})
	}
	for i, sh := range []sheet{summary, city, units, rank, ms} {
		if err := writeSheet(f, st, sh, i == 0, DefaultMaxRows); err != nil {
			return err
		}
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("reports: write close-out workbook: %w", err)
	}
	return nil
}
