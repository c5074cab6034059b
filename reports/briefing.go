package reports

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"ruralkpi/models"
)

// Briefing is the leaders' monthly briefing (月度通报) as the page shows it: every figure already
// formatted, and the summary sentences written from the same formatted figures as the tables, so
// that no sentence can state a number the tables do not show.
type Briefing struct {
	Title       string
	PlanName    string
	DocumentNo  string
	Issuer      string
	Period      string // YYYY-MM
	PeriodLabel string // 2024年6月
	Generated   string // 2024年7月8日
	Whole       string // 全市
	UnitWord    string // 县（市、区）

	Summary []string

	Goals      []GoalRow
	GoalsTotal string
	// GoalsTaskNote says which goals are counts of tasks, whose 序时进度 column holds what is due by
	// this year end (models.Progress.ExpectedWord); empty when none is.
	GoalsTaskNote string

	Ranking      []RankRow
	RankingNotes []string

	NewlyRed      []RedRow
	NewlyRedTotal string
	NewlyRedMore  int
	newlyRedCount int
	newlyRedUnits int

	Returns      []ReturnLine
	ReturnsTotal string
	ReturnsMore  int

	FollowUps      []FollowUpLine
	FollowUpsTotal string
}

// GoalRow is a headline goal of the root unit.
type GoalRow struct {
	Name, Unit                     string
	Target, Expected, Actual       string
	Completion, ExpectedShare, Gap string
	Status, StatusLabel            string
	gap, completion                float64
	hasGap                         bool
	kind                           models.IndicatorKind
	code                           string
}

// RankRow is a unit's standing in the ranking.
type RankRow struct {
	Rank                    int
	Code, Unit              string
	Green, Amber, Red, Grey int
	AverageRatio            string
	Returns                 string
	avg                     float64
	hasAvg                  bool
}

// RedRow is a value newly red this month.
type RedRow struct {
	Unit, Indicator, MeasureUnit    string
	Previous                        string
	Target, Expected, Actual, Ratio string
}

// ReturnLine is a unit whose return is not in on time.
type ReturnLine struct {
	Unit, Deadline, Uploaded, State, Review string
	Status                                  string // CSS status class
}

// FollowUpLine is an open follow-up.
type FollowUpLine struct {
	Unit, Indicator, Title, Assignee, DueDate, State string
	Overdue                                          bool
}

// MaxBriefingRedRows and MaxBriefingReturnRows keep the briefing to two pages: more newly red values
// or returns not in on time are counted, not listed.
const (
	MaxBriefingRedRows    = 12
	MaxBriefingReturnRows = 15
)

// BuildBriefing builds the briefing for in.Period.
func BuildBriefing(in Input) Briefing {
	p := in.Plan
	b := Briefing{Title: "农村快递三年行动月度通报", PlanName: p.Name, DocumentNo: p.DocumentNo, Issuer: p.LeadUnit,
		Period: in.Period.String(), PeriodLabel: in.Period.Label(), Whole: p.WholeWord(), UnitWord: p.UnitWord()}
	if !in.Now.IsZero() {
		b.Generated = models.FormatLocalDate(in.Now)
	}
	// The goals and the ranking read the root and the units below it: 960 of 85,000 values at
	// national scale, so only those are indexed.
	top := map[string]bool{p.Root.Code: true}
	for _, u := range scopeUnits(p) {
		top[u.Code] = true
	}
	cur := make(progressIndex, len(p.Indicators)*len(top))
	for i := range in.Current {
		if top[in.Current[i].Scope] {
			cur[key{in.Current[i].Indicator, in.Current[i].Scope}] = &in.Current[i]
		}
	}
	b.goals(in, cur)
	b.ranking(in, cur)
	b.newlyRed(in)
	b.returns(in)
	b.followUps(in)
	b.summary(in)
	return b
}

func (b *Briefing) goals(in Input, cur progressIndex) {
	p := in.Plan
	counts := map[models.ProgressStatus]int{}
	var tasks []string
	for _, ind := range p.Indicators {
		if !ind.Headline {
			continue
		}
		pr, ok := cur.get(key{ind.Code, p.Root.Code})
		if !ok {
			continue
		}
		if pr.CountsTasks() && pr.HasExpected {
			tasks = append(tasks, ind.Name)
		}
		g := GoalRow{Name: ind.Name, Unit: ind.Unit, Target: "—", Expected: "—", Actual: "—", Completion: "—", ExpectedShare: "—", Gap: "—",
			Status: string(pr.Status), StatusLabel: statusWord(pr), kind: ind.Kind, code: ind.Code}
		counts[pr.Status]++
		// A rate's figures carry their % sign, as the sentences say them.
		suffix := ""
		if ind.Unit == "%" {
			suffix = "%"
		}
		if pr.HasTarget {
			g.Target = models.FormatNumber(pr.Target) + suffix
		}
		if pr.HasExpected {
			g.Expected = models.FormatNumber(pr.Expected) + suffix
		}
		if pr.HasActual {
			g.Actual = models.FormatNumber(pr.Actual) + suffix
		}
		if pr.HasTarget && pr.Target > 0 && pr.HasActual {
			g.completion = models.RoundHalfAway(pr.Completion*100, models.PercentDecimals)
			g.Completion = models.FormatPercent(pr.Completion)
		}
		if pr.HasExpected && pr.Target > 0 && pr.Judged != models.ScheduleMilestone {
			share := models.RoundHalfAway(pr.Expected/pr.Target*100, models.PercentDecimals)
			g.ExpectedShare = models.FormatPercent(pr.Expected / pr.Target)
			if pr.HasActual && !ind.LowerIsBetter {
				// The gap is the difference of the two percentages as printed, so a reader's own
				// subtraction of the table's figures gives the sentence's figure.
				g.gap, g.hasGap = models.RoundHalfAway(g.completion-share, models.PercentDecimals), true
				g.Gap = signed(g.gap)
			}
		}
		b.Goals = append(b.Goals, g)
	}
	b.GoalsTotal = fmt.Sprintf("合计%d项：%s%d项，%s%d项，%s%d项，%s%d项", len(b.Goals),
		models.StatusGreen.Label(), counts[models.StatusGreen], models.StatusAmber.Label(), counts[models.StatusAmber],
		models.StatusRed.Label(), counts[models.StatusRed], models.StatusGrey.Label(), counts[models.StatusGrey])
	if len(tasks) > 0 {
		b.GoalsTaskNote = fmt.Sprintf("%s按节点任务考核：序时进度栏为%s的单位数，完成值为已完成的单位数。", strings.Join(tasks, "、"), models.Progress{Judged: models.ScheduleMilestone}.ExpectedWord())
	}
}

// signed writes a percentage-point difference with its sign.
func signed(v float64) string {
	if v > 0 {
		return "+" + models.FormatNumber(v)
	}
	if v == 0 {
		return "0"
	}
	return models.FormatNumber(v)
}

// ranking orders the units below the root: fewest red, then fewest amber values, then the highest
// average ratio to 序时进度 (each capped at 200% so one runaway figure cannot carry a unit).
func (b *Briefing) ranking(in Input, cur progressIndex) {
	p := in.Plan
	returns := map[string]ReturnRow{}
	for _, r := range in.Returns {
		returns[r.Unit] = r
	}
	below := returnsBelow(in)
	var notStarted []string
	for _, u := range scopeUnits(p) {
		row := RankRow{Code: u.Code, Unit: p.UnitShortName(u.Code), AverageRatio: "—"}
		started := false
		var sum float64
		var n int
		for _, ind := range p.Indicators {
			pr, ok := cur.get(key{ind.Code, u.Code})
			if !ok || pr.NotStarted {
				continue
			}
			started = true
			if pr.GreyReason == models.GreyOfficeOnly || pr.GreyReason == models.GreyNotApplicable {
				continue // nothing of the unit's to judge: not 未评价 (as the overview counts)
			}
			switch pr.Status {
			case models.StatusGreen:
				row.Green++
			case models.StatusAmber:
				row.Amber++
			case models.StatusRed:
				row.Red++
			default:
				row.Grey++
			}
			if pr.HasRatio && pr.Judged != models.ScheduleMilestone && !ind.LowerIsBetter {
				sum += math.Min(pr.Ratio, 2)
				n++
			}
		}
		if !started {
			notStarted = append(notStarted, row.Unit)
			continue
		}
		if n > 0 {
			row.avg, row.hasAvg = sum/float64(n), true
			row.AverageRatio = models.FormatPercent(row.avg)
		}
		row.Returns = "—"
		if r, ok := returns[u.Code]; ok {
			row.Returns = r.Timeliness.Label()
		} else if len(u.Children) > 0 {
			row.Returns = childReturns(below[u.Code])
		}
		b.Ranking = append(b.Ranking, row)
	}
	sort.SliceStable(b.Ranking, func(i, j int) bool {
		x, y := b.Ranking[i], b.Ranking[j]
		if x.Red != y.Red {
			return x.Red < y.Red
		}
		if x.Amber != y.Amber {
			return x.Amber < y.Amber
		}
		return x.avg > y.avg
	})
	for i := range b.Ranking {
		b.Ranking[i].Rank = i + 1
	}
	if len(notStarted) > 0 {
		b.RankingNotes = append(b.RankingNotes, strings.Join(notStarted, "、")+"本月尚未开始报送，不参与排名。")
	}
}

// childReturns summarises the returns of the reporting units below an intermediate unit.
func childReturns(rows []ReturnRow) string {
	c := CountReturns(rows)
	return fmt.Sprintf("按时%d/%d", c.OnTime, c.Expected)
}

// returnsBelow groups the returns by the unit directly below the root that the reporting unit is
// under, for the units with units below them; in.Returns's order is kept.
func returnsBelow(in Input) map[string][]ReturnRow {
	above := map[string]string{} // reporting unit → the unit directly below the root above it
	for _, u := range scopeUnits(in.Plan) {
		if len(u.Children) == 0 {
			continue
		}
		for _, l := range in.Plan.Leaves(u.Code) {
			above[l.Code] = u.Code
		}
	}
	out := map[string][]ReturnRow{}
	for _, r := range in.Returns {
		if u, ok := above[r.Unit]; ok {
			out[u] = append(out[u], r)
		}
	}
	return out
}

func (b *Briefing) newlyRed(in Input) {
	p := in.Plan
	units := map[string]bool{}
	n := 0 // the values newly red: the first MaxBriefingRedRows are listed, the others counted
	eachNewlyRed(in, func(c RedChange) {
		units[c.Current.Scope] = true
		if n++; n > MaxBriefingRedRows {
			return
		}
		ind, _ := p.Indicator(c.Current.Indicator)
		pr := c.Current
		row := RedRow{Unit: p.UnitShortName(pr.Scope), Indicator: ind.Name, MeasureUnit: ind.Unit, Previous: c.previousWord(),
			Target: "—", Expected: "—", Actual: "—", Ratio: "—"}
		if pr.Judged == models.ScheduleMilestone {
			row.Ratio = pr.Schedule.Label()
			if pr.DueYear != 0 {
				row.Target = fmt.Sprintf("%d年底前", pr.DueYear)
			}
		} else {
			if pr.HasTarget {
				row.Target = models.FormatNumber(pr.Target)
			}
			if pr.HasExpected {
				row.Expected = models.FormatNumber(pr.Expected)
			}
			if pr.HasActual {
				row.Actual = models.FormatNumber(pr.Actual)
			}
			if pr.HasRatio {
				row.Ratio = models.FormatPercent(pr.Ratio)
			}
		}
		b.NewlyRed = append(b.NewlyRed, row)
	})
	if n > MaxBriefingRedRows {
		b.NewlyRedMore = n - MaxBriefingRedRows
	}
	b.newlyRedCount, b.newlyRedUnits = n, len(units)
	b.NewlyRedTotal = fmt.Sprintf("共%d项，涉及%d个单位", n, len(units))
	if b.NewlyRedMore > 0 {
		b.NewlyRedTotal += fmt.Sprintf("（表中列出前%d项，其余%d项见月度汇总表）", MaxBriefingRedRows, b.NewlyRedMore)
	}
}

func (b *Briefing) returns(in Input) {
	for _, r := range in.Returns {
		if r.Timeliness == OnTime || r.Timeliness == NotExpected {
			continue
		}
		if len(b.Returns) == MaxBriefingReturnRows {
			b.ReturnsMore++
			continue
		}
		line := ReturnLine{Unit: in.Plan.UnitShortName(r.Unit), Deadline: r.Deadline.In(models.ReportingZone()).Format("1月2日"),
			Uploaded: "—", State: r.Timeliness.Label(), Review: r.ReviewLabel(), Status: string(returnsFill(r.Timeliness))}
		if !r.FirstUpload.IsZero() {
			line.Uploaded = models.FormatShortLocalTime(r.FirstUpload)
		}
		b.Returns = append(b.Returns, line)
	}
	b.ReturnsTotal = "合计：" + CountReturns(in.Returns).Sentence()
	if b.ReturnsMore > 0 {
		b.ReturnsTotal += fmt.Sprintf("（表中列出%d个，其余%d个见月度汇总表）", MaxBriefingReturnRows, b.ReturnsMore)
	}
}

func (b *Briefing) followUps(in Input) {
	overdue := 0
	for _, f := range in.FollowUps {
		ind, _ := in.Plan.Indicator(f.Indicator)
		state := models.FollowUpStatus(f.Status).Label()
		if f.Status == models.FollowUpAnswered {
			state += "待销号"
		}
		if f.Overdue {
			overdue++
			state += "（已逾期）"
		}
		b.FollowUps = append(b.FollowUps, FollowUpLine{Unit: in.Plan.UnitShortName(f.Unit), Indicator: ind.Name, Title: f.Title,
			Assignee: f.Assignee, DueDate: f.DueDate, State: state, Overdue: f.Overdue})
	}
	b.FollowUpsTotal = fmt.Sprintf("未销号%d项，其中逾期%d项", len(in.FollowUps), overdue)
}

// summary writes the sentences, each from figures already in the tables.
func (b *Briefing) summary(in Input) {
	var s []string
	counts := b.GoalsTotal[strings.Index(b.GoalsTotal, "：")+len("："):]
	s = append(s, fmt.Sprintf("截至%s，%s%d项主要目标中，%s。", b.PeriodLabel, b.Whole, len(b.Goals), counts))
	for _, g := range b.leadingGoals() {
		s = append(s, b.goalSentence(g))
	}
	if u := b.unitSentence(); u != "" {
		s = append(s, u)
	}
	if b.newlyRedCount == 0 {
		s = append(s, "本月无新增"+models.StatusRed.Label()+"指标。")
	} else {
		s = append(s, fmt.Sprintf("本月新增%s指标%d项，涉及%d个单位。", models.StatusRed.Label(), b.newlyRedCount, b.newlyRedUnits))
	}
	c := CountReturns(in.Returns)
	ret := fmt.Sprintf("月报报送方面，%s", c.Sentence())
	var missing []string
	for _, l := range b.Returns {
		if l.State == Missing.Label() {
			missing = append(missing, l.Unit)
		}
	}
	switch {
	case len(missing) > 5:
		ret += "（" + strings.Join(missing[:5], "、") + "等）"
	case len(missing) > 0:
		ret += "（" + strings.Join(missing, "、") + "）"
	}
	s = append(s, ret+"。")
	s = append(s, "督办事项"+b.FollowUpsTotal+"。")
	b.Summary = s
}

// leadingGoals picks the goals the summary spells out: those behind 序时进度, widest gap first, up
// to three; when none is behind, the first two goals with figures.
func (b *Briefing) leadingGoals() []GoalRow {
	var behind, withData []GoalRow
	for _, g := range b.Goals {
		if !g.hasGap {
			continue
		}
		withData = append(withData, g)
		if g.gap < 0 {
			behind = append(behind, g)
		}
	}
	sort.SliceStable(behind, func(i, j int) bool { return behind[i].gap < behind[j].gap })
	if len(behind) > 0 {
		return behind[:min(3, len(behind))]
	}
	return withData[:min(2, len(withData))]
}

func (b *Briefing) goalSentence(g GoalRow) string {
	var head string
	switch g.kind {
	case models.KindAnnual:
		head = fmt.Sprintf("%s%s本年累计%s%s", b.Whole, g.Name, g.Actual, g.Unit)
	case models.KindRate:
		head = fmt.Sprintf("%s%s为%s", b.Whole, g.Name, g.Actual)
	default:
		head = fmt.Sprintf("%s%s累计%s%s", b.Whole, g.Name, g.Actual, g.Unit)
	}
	var tail string
	switch {
	case g.gap < 0:
		tail = fmt.Sprintf("低于序时进度%s个百分点", models.FormatNumber(-g.gap))
	case g.gap > 0:
		tail = fmt.Sprintf("超过序时进度%s个百分点", models.FormatNumber(g.gap))
	default:
		tail = "与序时进度持平"
	}
	return fmt.Sprintf("%s，完成年度目标的%s，%s。", head, g.Completion, tail)
}

// unitSentence names the units with the most red values and those with none behind.
func (b *Briefing) unitSentence() string {
	var red, clear []RankRow
	for _, r := range b.Ranking {
		if r.Red > 0 {
			red = append(red, r)
		}
		if r.Red == 0 && r.Amber == 0 && r.Green > 0 {
			clear = append(clear, r)
		}
	}
	sort.SliceStable(red, func(i, j int) bool { return red[i].Red > red[j].Red })
	var parts []string
	if len(red) > 0 {
		// The three with most, and every unit tied with the third: a tie never names one of two.
		n := min(3, len(red))
		for n < len(red) && red[n].Red == red[n-1].Red {
			n++
		}
		names := make([]string, 0, n)
		for _, r := range red[:n] {
			names = append(names, fmt.Sprintf("%s（%d项）", r.Unit, r.Red))
		}
		parts = append(parts, fmt.Sprintf("%s指标较多的%s有%s", models.StatusRed.Label(), b.UnitWord, strings.Join(names, "、")))
	}
	if len(clear) > 0 {
		names := make([]string, 0, len(clear))
		for _, r := range clear {
			names = append(names, r.Unit)
		}
		list := strings.Join(names, "、")
		if len(names) > 5 {
			list = strings.Join(names[:5], "、") + "等"
		}
		parts = append(parts, "各项指标均达到序时进度的有"+list)
	}
	if len(parts) == 0 {
		return ""
	}
	return "从各" + b.UnitWord + "看，" + strings.Join(parts, "；") + "。"
}

// TableText is every cell of the briefing's tables, for checking that the sentences only state
// what the tables show.
func (b Briefing) TableText() []string {
	var out []string
	for _, g := range b.Goals {
		out = append(out, g.Name, g.Unit, g.Target, g.Expected, g.Actual, g.Completion, g.ExpectedShare, g.Gap, g.StatusLabel)
	}
	out = append(out, b.GoalsTotal)
	for _, r := range b.Ranking {
		out = append(out, fmt.Sprint(r.Rank), r.Unit, fmt.Sprint(r.Green), fmt.Sprint(r.Amber), fmt.Sprint(r.Red), fmt.Sprint(r.Grey), r.AverageRatio, r.Returns)
	}
	for _, r := range b.NewlyRed {
		out = append(out, r.Unit, r.Indicator, r.MeasureUnit, r.Previous, r.Target, r.Expected, r.Actual, r.Ratio)
	}
	out = append(out, b.NewlyRedTotal)
	for _, r := range b.Returns {
		out = append(out, r.Unit, r.Deadline, r.Uploaded, r.State, r.Review)
	}
	out = append(out, b.ReturnsTotal)
	for _, f := range b.FollowUps {
		out = append(out, f.Unit, f.Indicator, f.Title, f.Assignee, f.DueDate, f.State)
	}
	out = append(out, b.FollowUpsTotal)
	return out
}
