// Package dashboards turns progress values into what the pages show: view models with every figure
// formatted and traced to its return version, and ECharts options built with go-echarts. It is pure:
// values in, values out, no database and no HTTP.
package dashboards

import (
	"fmt"
	"math"
	"strings"

	"ruralkpi/models"
)

// Input is what every dashboard is built from: the calculator over the plan and its data, the month
// shown, and the newest month with data (the default, and the end of the period selector).
type Input struct {
	Calc   *models.ProgressCalculator
	Period models.Period
	// Latest is the newest month any unit reported; HasData is false on an empty database.
	Latest  models.Period
	HasData bool
	// Scopes, when set, answers ForScope for reporting units from what the read model keeps
	// (models.ProgressSnapshot.ScopeProgress: the same values, computed once per data version).
	Scopes func(scope string, period models.Period) []models.Progress
}

// ForScope is every indicator for one scope in one month: from Scopes when set, else computed. The
// slice may be shared: callers must not change it.
func (in Input) ForScope(scope string, period models.Period) []models.Progress {
	if in.Scopes != nil {
		return in.Scopes(scope, period)
	}
	return in.Calc.ForScope(scope, period)
}

// NewInput builds the input for a month; a zero period means the latest month with data, or, with
// no data at all, the fallback month (today, kept inside the plan).
func NewInput(calc *models.ProgressCalculator, period *models.Period, fallback models.Period) (Input, error) {
	p := calc.Plan()
	start, err := models.ParsePeriod(p.StartPeriod)
	if err != nil {
		return Input{}, fmt.Errorf("dashboards: %w", err)
	}
	end, err := models.ParsePeriod(p.EndPeriod)
	if err != nil {
		return Input{}, fmt.Errorf("dashboards: %w", err)
	}
	in := Input{Calc: calc}
	in.Latest, in.HasData = calc.LatestPeriod()
	switch {
	case period != nil:
		if period.Before(start) || end.Before(*period) {
			return Input{}, models.Errorf(models.EInvalid, "月份 %s 不在方案实施期（%s 至 %s）内。", period, p.StartPeriod, p.EndPeriod)
		}
		in.Period = *period
	case in.HasData:
		in.Period = in.Latest
	default:
		in.Period = fallback
		if in.Period.Before(start) {
			in.Period = start
		}
		if end.Before(in.Period) {
			in.Period = end
		}
	}
	return in, nil
}

// ParsePeriodParam reads the period query parameter: empty means "not given".
func ParsePeriodParam(s string) (*models.Period, error) {
	if s == "" {
		return nil, nil
	}
	p, err := models.ParsePeriod(s)
	if err != nil {
		return nil, models.Errorf(models.EInvalid, "月份 %q 格式不正确，应为“年-月”，例如 2024-06。", s)
	}
	return &p, nil
}

// PeriodOption is one month in the period selector.
type PeriodOption struct {
	Value    string
	Label    string
	Selected bool
}

// periodOptions lists the months from the plan's start to the latest month with data (or the shown
// month, if later), newest first.
func (in Input) periodOptions() []PeriodOption {
	start := models.MustPeriod(in.Calc.Plan().StartPeriod)
	last := in.Period
	if in.HasData && last.Before(in.Latest) {
		last = in.Latest
	}
	months := models.PeriodsBetween(start, last)
	out := make([]PeriodOption, 0, len(months))
	for i := len(months) - 1; i >= 0; i-- {
		m := months[i]
		out = append(out, PeriodOption{Value: m.String(), Label: m.Label(), Selected: m == in.Period})
	}
	return out
}

// Header is what every dashboard page shows at the top: the month and the selector.
type Header struct {
	Period  string // YYYY-MM
	Label   string // 2024年6月
	AsOf    string // 数据截至2024年6月
	Periods []PeriodOption
	HasData bool
}

func (in Input) header() Header {
	return Header{Period: in.Period.String(), Label: in.Period.Label(), AsOf: asOf(in.Period),
		Periods: in.periodOptions(), HasData: in.HasData}
}

func asOf(p models.Period) string { return "数据截至" + p.Label() }

// statusColor is the colour of a status in charts, matching the stylesheet's status colours.
func statusColor(s models.ProgressStatus) string {
	switch s {
	case models.StatusGreen:
		return "#1e7b34"
	case models.StatusAmber:
		return "#d48806"
	case models.StatusRed:
		return "#b3261e"
	}
	return "#9aa5b1"
}

// round2 keeps two decimals for chart data, so options stay small and tooltips readable.
func round2(v float64) float64 { return math.Round(v*100) / 100 }

// Figure is one progress value as the pages show it: every number formatted, "—" where unknown.
type Figure struct {
	Indicator     string
	IndicatorName string
	MeasureUnit   string
	Scope         string
	ScopeName     string
	Status        string // green, amber, red, grey: the CSS class suffix
	StatusLabel   string
	Target        string
	Expected      string
	Actual        string
	Ratio         string
	Completion    string
	Forecast      string
	Needed        string
	Schedule      string
	Due           string
	// ExpectedWord and RatioWord name Expected and Ratio: 序时进度 and 序时完成率, or for a count of
	// units' tasks 年底前应完成 and 已完成占比 (models.Progress.ExpectedWord); CountsTasks says which.
	ExpectedWord string
	RatioWord    string
	CountsTasks  bool
	// Trace names the return versions the actual came from (a title/tooltip on the figure);
	// TraceShort sums it up where many units' returns make up the figure.
	Trace      string
	TraceShort string
	// Unapproved is true when a source version still awaits the office's review.
	Unapproved bool
	NotStarted bool
	Link       string
	// FollowUp, on a unit's red figure, opens the office's follow-up (督办) form prefilled for it;
	// pages show it to the office only.
	FollowUp string
	// Short is the figure in a matrix cell: the ratio to 序时进度, else the milestone state, else the
	// actual figure.
	Short    string
	Progress models.Progress
}

// Summary is a matrix cell's tooltip: who, what, the figures and where they came from. One string
// is one escape when the page is rendered instead of eight (the overview has hundreds of cells).
func (f Figure) Summary() string {
	return f.ScopeName + " · " + f.IndicatorName + "：实际 " + f.Actual + "，" + f.ExpectedWord + " " + f.Expected + "，年度目标 " + f.Target +
		"，" + f.StatusLabel + "。" + f.Trace
}

// figure formats a progress value.
func figure(p *models.Plan, pr models.Progress) Figure {
	ind, _ := p.Indicator(pr.Indicator)
	f := Figure{Indicator: pr.Indicator, IndicatorName: ind.Name, MeasureUnit: ind.Unit, Scope: pr.Scope,
		ScopeName: p.UnitShortName(pr.Scope), Status: string(pr.Status), StatusLabel: pr.StatusWord(),
		Target: "—", Expected: "—", Actual: "—", Ratio: "—", Completion: "—", Forecast: "—", Needed: "—",
		Schedule: pr.Schedule.Label(), ExpectedWord: pr.ExpectedWord(), RatioWord: pr.RatioWord(), CountsTasks: pr.CountsTasks(),
		Trace: trace(p, pr), TraceShort: traceShort(p, pr), NotStarted: pr.NotStarted, Progress: pr}
	f.Unapproved = pr.HasActual && !pr.AllApproved && len(pr.Sources) > 0
	if pr.Scope == p.Root.Code {
		f.Link = "/indicators/" + pr.Indicator
	} else {
		f.Link = "/counties/" + pr.Scope
	}
	if pr.NotStarted {
		f.Short = pr.GreyReason.Label()
		return f
	}
	if pr.DueYear != 0 {
		f.Due = fmt.Sprintf("%d年底前", pr.DueYear)
	}
	switch pr.GreyReason {
	case models.GreyNotApplicable, models.GreyOfficeOnly:
		// A unit the plan gives no such task (沾益区 has no hub park of its own: 麒麟区's serves it), or
		// a city-wide figure the office enters, is not "no data": say so, so a grey cell is not read
		// as a missing report.
		f.Short, f.Schedule = pr.GreyReason.Label(), ""
		return f
	}
	if pr.HasTarget {
		f.Target = models.FormatNumber(pr.Target)
	}
	if pr.HasExpected {
		f.Expected = models.FormatNumber(pr.Expected)
	}
	if pr.HasActual {
		f.Actual = models.FormatNumber(pr.Actual)
		if pr.OwnTask {
			f.Actual = "未完成"
			if pr.Actual >= 1 {
				f.Actual = "已完成"
			}
		}
	}
	if pr.HasRatio {
		f.Ratio = models.FormatPercent(pr.Ratio)
	}
	if pr.HasTarget && pr.HasActual && pr.Target != 0 {
		f.Completion = models.FormatPercent(pr.Completion)
	}
	// The plan's last month has no year end to forecast: the plan is over.
	if pr.HasForecast && pr.Period.String() != p.EndPeriod {
		f.Forecast = models.FormatNumber(pr.Forecast)
	}
	if pr.ShowsNeeded() {
		f.Needed = models.FormatNumber(pr.NeededPerMonth)
	}
	switch {
	case pr.HasRatio && pr.Schedule == models.ScheduleNone:
		f.Short = f.Ratio
	case pr.Schedule != models.ScheduleNone:
		f.Short = f.Schedule
	case pr.GreyReason == models.GreyYearEnd:
		f.Short = pr.GreyReason.Label()
	case pr.HasActual:
		f.Short = f.Actual
	default:
		f.Short = "—"
	}
	return f
}

// trace writes where a figure came from: the unit, month and version number of each return version
// behind it, and whether the office has approved them.
func trace(p *models.Plan, pr models.Progress) string {
	if len(pr.Sources) == 0 {
		switch pr.GreyReason {
		case models.GreyNotStarted:
			return "本月尚未开始"
		case models.GreyNotApplicable:
			return "方案未安排该单位此项任务"
		case models.GreyOfficeOnly:
			return "由工作专班办公室按" + p.WholeWord() + "口径填报"
		}
		return "暂无月报数据"
	}
	var b strings.Builder
	const most = 12
	for i, s := range pr.Sources {
		if i == most {
			fmt.Fprintf(&b, "；另有%d份", len(pr.Sources)-most)
			break
		}
		if i > 0 {
			b.WriteString("；")
		}
		kind, id := "月报", s.VersionID
		if s.SnapshotID != 0 {
			kind, id = "网点台账", s.SnapshotID // the office counts the ledger's figure
		}
		fmt.Fprintf(&b, "%s %s%s", p.UnitShortName(s.Unit), s.Period, kind)
		if s.Version > 0 {
			fmt.Fprintf(&b, "第%d版", s.Version)
		}
		fmt.Fprintf(&b, "（版本号%d", id)
		if !s.Approved {
			b.WriteString("，" + s.ReviewWord())
		}
		b.WriteString("）")
	}
	if pr.AllApproved {
		b.WriteString("。均" + models.ReviewStatus(models.StatusApproved).Label())
	}
	return "来源：" + b.String()
}

// traceShort sums up the sources of a figure made of several units' returns: how many, the newest
// month, and how many still await review. A single source is named in full.
func traceShort(p *models.Plan, pr models.Progress) string {
	if len(pr.Sources) <= 1 {
		return trace(p, pr)
	}
	newest, unapproved := pr.Sources[0].Period, 0
	for _, s := range pr.Sources {
		if newest.Before(s.Period) {
			newest = s.Period
		}
		if !s.Approved {
			unapproved++
		}
	}
	out := fmt.Sprintf("来源：%d份月报汇总（最新为%s）", len(pr.Sources), newest)
	if unapproved > 0 {
		return out + fmt.Sprintf("，其中%d份%s", unapproved, models.ReviewStatus(models.StatusSubmitted).Label())
	}
	return out + "，均" + models.ReviewStatus(models.StatusApproved).Label()
}

// StatusCounts counts cells by status. Grey counts the items that apply but cannot be judged yet (no
// target, no figure, year-end, not started); items that do not apply to the scope (not applicable,
// office-only) are not counted at all.
type StatusCounts struct {
	Green, Amber, Red, Grey int
}

func (c *StatusCounts) add(pr models.Progress) {
	if pr.GreyReason == models.GreyNotApplicable || pr.GreyReason == models.GreyOfficeOnly {
		return
	}
	switch pr.Status {
	case models.StatusGreen:
		c.Green++
	case models.StatusAmber:
		c.Amber++
	case models.StatusRed:
		c.Red++
	default:
		c.Grey++
	}
}

// isLeaf reports whether the unit files returns itself (it has no units below it).
func isLeaf(p *models.Plan, code string) bool {
	u, ok := p.Unit(code)
	return ok && len(u.Children) == 0
}
