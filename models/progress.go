package models

import (
	"math"
	"sort"
)

// DefaultTolerance is the share of 序时进度 at or above which a lagging figure is amber rather than
// red, unless the office sets another per indicator.
const DefaultTolerance = 0.9

// ProgressStatus is the traffic-light status of a figure against its 序时进度.
type ProgressStatus string

// The statuses, from best to worst; grey means there is nothing to judge.
const (
	StatusGreen ProgressStatus = "green"
	StatusAmber ProgressStatus = "amber"
	StatusRed   ProgressStatus = "red"
	StatusGrey  ProgressStatus = "grey"
)

// Label is the one Chinese word for a status, used on every page, the map legend, CSV, the workbook and
// the briefing. The words are chosen to be told apart at a glance: 正常 (on 序时进度), 预警 (behind,
// within the tolerance), 滞后 (further behind, or overdue); grey items say why they are grey
// (GreyReason.Label), "未评价" when no reason is known.
func (s ProgressStatus) Label() string {
	switch s {
	case StatusGreen:
		return "正常"
	case StatusAmber:
		return "预警"
	case StatusRed:
		return "滞后"
	}
	return "未评价"
}

// GreyReason says why an item is grey: there is nothing to judge, and a reader must not take that
// for a missing report.
type GreyReason string

// The reasons an item is grey.
const (
	GreyNone          GreyReason = ""
	GreyNoTarget      GreyReason = "no_target"      // a figure but no target (no allocation for the unit)
	GreyNoFigure      GreyReason = "no_figure"      // a target but nothing reported yet
	GreyNotStarted    GreyReason = "not_started"    // the unit or its task has not started yet
	GreyNotApplicable GreyReason = "not_applicable" // the plan gives the unit no such task
	GreyOfficeOnly    GreyReason = "office_only"    // a city-wide figure the office enters; units have none
	GreyYearEnd       GreyReason = "year_end"       // judged at December; the pace is shown before
)

// Label is the Chinese word shown for a grey item.
func (g GreyReason) Label() string {
	switch g {
	case GreyNoTarget:
		return "无目标"
	case GreyNoFigure:
		return "未填报"
	case GreyNotStarted:
		return "未开始"
	case GreyNotApplicable:
		return "不适用"
	case GreyOfficeOnly:
		return "市级填报"
	case GreyYearEnd:
		return "年底考核"
	}
	return ""
}

// StatusWord is the word shown for an item: the grey reason for a grey item, else the status word.
func (pr Progress) StatusWord() string {
	if pr.Status == StatusGrey && pr.GreyReason != GreyNone {
		return pr.GreyReason.Label()
	}
	return pr.Status.Label()
}

// CountsTasks reports whether the value counts units' tasks (a roll-up judged as milestones, such as
// the city's hub parks or 共同配送): its Expected is then the units due by this year end and its Ratio
// done of due, not 序时进度 and 序时完成率.
func (pr Progress) CountsTasks() bool {
	return pr.Judged == ScheduleMilestone && !pr.OwnTask
}

// ExpectedWord names Expected wherever it is printed: 序时进度, or for a count of tasks 年底前应完成.
func (pr Progress) ExpectedWord() string {
	if pr.CountsTasks() {
		return "年底前应完成"
	}
	return "序时进度"
}

// RatioWord names Ratio wherever it is printed: 序时完成率, or for a count of tasks 已完成占比 (done of
// due by this year end).
func (pr Progress) RatioWord() string {
	if pr.CountsTasks() {
		return "已完成占比"
	}
	return "序时完成率"
}

// ShowsNeeded reports whether the monthly pace still needed is meaningful: a numeric target and a
// figure, months left in the year, and not a milestone.
func (pr Progress) ShowsNeeded() bool {
	return pr.HasTarget && pr.HasActual && pr.Kind != KindMilestone && pr.Schedule == ScheduleNone && pr.ElapsedMonths < pr.YearMonths
}

// severity orders statuses so that roll-ups can keep the worst.
func (s ProgressStatus) severity() int {
	switch s {
	case StatusRed:
		return 3
	case StatusAmber:
		return 2
	case StatusGreen:
		return 1
	}
	return 0
}

// Worse returns whichever of the two statuses is worse (red over amber over green over grey).
func (s ProgressStatus) Worse(t ProgressStatus) ProgressStatus {
	if t.severity() > s.severity() {
		return t
	}
	return s
}

// ScheduleState is where a milestone stands against its due year.
type ScheduleState string

// The milestone states.
const (
	ScheduleNone    ScheduleState = ""            // the scope has no due date for the indicator
	ScheduleDone    ScheduleState = "done"        // reported done
	ScheduleOnTrack ScheduleState = "on_schedule" // not done, not yet late or at risk
	// ScheduleBuilding means under construction (建设中): reported in progress, or a count whose
	// construction the plan dates (the six hub parks 启动建设 in 2024-01) inside its window.
	ScheduleBuilding ScheduleState = "under_construction"
	ScheduleAtRisk   ScheduleState = "at_risk" // due this year and not started by mid-year
	ScheduleOverdue  ScheduleState = "overdue" // not done by the end of its due year
)

// Label names a milestone state in Chinese.
func (s ScheduleState) Label() string {
	switch s {
	case ScheduleDone:
		return "已完成"
	case ScheduleBuilding:
		return "建设中"
	case ScheduleOnTrack:
		return "按计划推进"
	case ScheduleAtRisk:
		return "存在风险"
	case ScheduleOverdue:
		return "已逾期"
	}
	return ""
}

// status turns a milestone state into a traffic light.
func (s ScheduleState) status() ProgressStatus {
	switch s {
	case ScheduleDone, ScheduleOnTrack, ScheduleBuilding:
		return StatusGreen
	case ScheduleAtRisk:
		return StatusAmber
	case ScheduleOverdue:
		return StatusRed
	}
	return StatusGrey
}

// ProgressOptions tune the progress rules.
type ProgressOptions struct {
	// DefaultTolerance applies to indicators without their own tolerance; 0 means DefaultTolerance.
	DefaultTolerance float64
}

// SourceRef names the return version a figure came from, so that any number on a page can be traced.
type SourceRef struct {
	Unit      string
	Period    Period
	VersionID uint
	Version   int
	Approved  bool
	// SnapshotID is the ledger snapshot (Version its number) when the figure came from a ledger.
	SnapshotID uint
}

// ReviewWord is the review state a figure's source is shown with on pages, in the workbook and in
// the CSV: 已通过 once the office approved it, 待审核 until then (ReviewStatus.Label's words).
func (s SourceRef) ReviewWord() string {
	if s.Approved {
		return ReviewStatus(StatusApproved).Label()
	}
	return ReviewStatus(StatusSubmitted).Label()
}

// Progress is one indicator's standing for one scope (the root unit or any unit below it) in one month.
type Progress struct {
	Indicator string
	Scope     string // unit code; the root unit's code for the city
	Period    Period
	Kind      IndicatorKind

	// HasTarget says Target (the year's target) and Expected (序时进度) are known.
	HasTarget bool
	Target    float64
	// Baseline is the level the year starts from on the expected path (last year's target, or 0).
	Baseline float64
	// HasExpected says Expected is known: 序时进度 on a linear schedule; the target in December on a
	// year-end schedule; for milestones, what is due by this year end.
	HasExpected bool
	Expected    float64
	// HasActual says Actual is known: the scope has reported (or its units have).
	HasActual bool
	Actual    float64
	// HasRatio says Ratio (actual ÷ expected) and Completion (actual ÷ year target) are meaningful.
	HasRatio   bool
	Ratio      float64
	Completion float64
	// HasForecast says Forecast (year end at the current pace) is meaningful. NeededPerMonth (the
	// monthly change still needed to reach the year's target, 0 once reached) is set whenever both the
	// target and the actual are known.
	HasForecast    bool
	Forecast       float64
	NeededPerMonth float64

	Status ProgressStatus
	// GreyReason says why a grey item is grey.
	GreyReason GreyReason
	// Judged is how the indicator is judged (linear, year_end, milestone), from the plan file.
	Judged    Schedule
	Tolerance float64
	// ElapsedMonths and YearMonths are the months of the year counted so far and in all (the first
	// year of a plan starting in August has 5).
	ElapsedMonths int
	YearMonths    int

	// Schedule, DueYear and DueLabel describe a milestone due for the scope; DueCount and DoneCount
	// count the units' milestones due by this year end and done, on roll-ups.
	Schedule ScheduleState
	// OwnTask says the value is one task of the scope itself (done or not: a county's park, a
	// city-wide trunk line), not a count of its units' tasks.
	OwnTask   bool
	DueYear   int
	DueLabel  string
	DueCount  int
	DoneCount int

	// NotStarted says the scope is not yet expected to report in this month.
	NotStarted bool
	// Units counts the reporting units expected to report; Reported those whose figures were found.
	Units    int
	Reported int
	// Sources lists the return versions the actual figure came from; AllApproved is true when every
	// one of them has been approved by the office.
	Sources     []SourceRef
	AllApproved bool
}

// obsPoint is an observation kept in a per-unit, per-indicator series sorted by month.
type obsPoint struct {
	at        int32
	version   int32
	versionID uint
	value     float64
	approved  bool
	// snapshotID is the ledger snapshot the figure came from (0: a return); 32 bits keep the point at 32 bytes.
	snapshotID uint32
}

// msPoint is a milestone observation kept in a sorted series.
type msPoint struct {
	at        int32
	versionID uint
	state     string
	approved  bool
}

// unitInfo is a unit of the plan's tree as the calculator indexes it.
type unitInfo struct {
	code     string
	start    Period
	tasks    Period // when its own construction tasks start (roll-out counties: 2024-01)
	leaves   []int  // indexes of the reporting units below (itself for a reporting unit)
	children []int  // indexes of the units directly below
	parent   int    // index of the unit directly above (-1 for the root)
	leaf     bool
}

// ProgressCalculator answers progress questions over one plan and one dataset. Building it indexes
// the observations once, so that pages asking for many indicators, scopes and months stay fast.
type ProgressCalculator struct {
	plan        *Plan
	ds          Dataset
	tolerance   float64
	units       []unitInfo
	unitIndex   map[string]int
	indicators  []Indicator
	indIndex    map[string]int
	planTargets map[string]map[int]float64
	series      [][]obsPoint // [unit*len(indicators)+indicator]
	milestones  [][]msPoint
	dues        map[[2]int]MilestoneDue // (indicator, unit) → due
	returned    []map[int32]bool        // per unit: months with a return
	latest      int32
	// roll holds the sums actual makes for units above the reporting units, per unit and indicator
	// over the plan's months from rollFirst (progress_rollup.go); villages the village counts.
	roll       []*rollEntry
	rollFirst  int32
	rollMonths int
	villages   []float64
	// sums keeps childrenExpected per unit and indicator (expEntry), nil where it is not kept.
	sums []*expEntry
	// allocs holds ds.Allocations by indicator, unit and year from allocFirst, allocHas which are set.
	allocs     []float64
	allocHas   []bool
	allocFirst int
	allocYears int
}

// NewProgressCalculator indexes the dataset for the plan. Observations of units or indicators the
// plan does not know are ignored.
func NewProgressCalculator(p *Plan, ds Dataset, opts ProgressOptions) *ProgressCalculator {
	c := &ProgressCalculator{plan: p, ds: ds, tolerance: opts.DefaultTolerance, unitIndex: map[string]int{},
		indIndex: map[string]int{}, planTargets: map[string]map[int]float64{}, dues: map[[2]int]MilestoneDue{}, latest: -1}
	if c.tolerance <= 0 {
		c.tolerance = DefaultTolerance
	}
	c.indexUnits(p)
	c.indexPlan(p)
	n := len(c.units) * len(c.indicators)
	c.series = make([][]obsPoint, n)
	c.milestones = make([][]msPoint, n)
	c.returned = make([]map[int32]bool, len(c.units))
	c.indexObservations(ds.Observations)
	c.indexMilestones(ds.Milestones)
	// The store hands observations over in month order; sort only series that are not.
	for _, s := range c.series {
		if !sort.SliceIsSorted(s, func(a, b int) bool { return s[a].at < s[b].at }) {
			sort.SliceStable(s, func(a, b int) bool { return s[a].at < s[b].at })
		}
	}
	for _, s := range c.milestones {
		if !sort.SliceIsSorted(s, func(a, b int) bool { return s[a].at < s[b].at }) {
			sort.SliceStable(s, func(a, b int) bool { return s[a].at < s[b].at })
		}
	}
	c.indexRollUps()
	c.indexReference()
	return c
}

// indexUnits numbers the plan's units depth first, the root 0, each with its start month, the month
// its tasks are due from, its parent, children and leaves.
func (c *ProgressCalculator) indexUnits(p *Plan) {
	planStart, err := ParsePeriod(p.StartPeriod)
	if err != nil {
		planStart = Period{Year: 1, Month: 1}
	}
	var walk func(u *Unit, parent int) []int
	walk = func(u *Unit, parent int) []int {
		i := len(c.units)
		start := planStart
		if u.StartPeriod != "" {
			if s, err := ParsePeriod(u.StartPeriod); err == nil {
				start = s
			}
		}
		tasks := start
		if u.TasksFrom != "" {
			if s, err := ParsePeriod(u.TasksFrom); err == nil && start.Before(s) {
				tasks = s
			}
		}
		c.units = append(c.units, unitInfo{code: u.Code, start: start, tasks: tasks, parent: parent, leaf: len(u.Children) == 0})
		c.unitIndex[u.Code] = i
		if len(u.Children) == 0 {
			c.units[i].leaves = []int{i}
			return c.units[i].leaves
		}
		var leaves, children []int
		for k := range u.Children {
			children = append(children, len(c.units))
			leaves = append(leaves, walk(&u.Children[k], i)...)
		}
		c.units[i].leaves, c.units[i].children = leaves, children
		return leaves
	}
	walk(&p.Root, -1)
}

// indexPlan numbers the indicators and keeps the plan's city-wide targets by indicator and year and
// each milestone's earliest due year by indicator and unit.
func (c *ProgressCalculator) indexPlan(p *Plan) {
	c.indicators = p.Indicators
	for i, ind := range p.Indicators {
		c.indIndex[ind.Code] = i
	}
	for _, t := range p.Targets {
		if c.planTargets[t.Indicator] == nil {
			c.planTargets[t.Indicator] = map[int]float64{}
		}
		c.planTargets[t.Indicator][t.Year] = t.Value
	}
	for _, m := range p.Milestones {
		i, ok := c.indIndex[m.Indicator]
		if !ok {
			continue
		}
		u := 0 // Unit "" is the whole plan's root
		if m.Unit != "" {
			if u, ok = c.unitIndex[m.Unit]; !ok {
				continue
			}
		}
		if old, dup := c.dues[[2]int{i, u}]; !dup || m.Year < old.Year {
			c.dues[[2]int{i, u}] = m
		}
	}
}

// markReturned notes that unit u reported for month at (the newest month below the root is latest).
func (c *ProgressCalculator) markReturned(u int, at int32) {
	if c.returned[u] == nil {
		c.returned[u] = map[int32]bool{}
	}
	c.returned[u][at] = true
	if u != 0 && at > c.latest {
		c.latest = at
	}
}

// indexObservations puts each reported figure in its unit and indicator's series. It counts first so
// that each series is a window of one backing array: no regrowing at national scale.
func (c *ProgressCalculator) indexObservations(obs []Observation) {
	obsKeys := make([]int32, len(obs))
	obsCount := make([]int32, len(c.series))
	for j, o := range obs {
		u, okU := c.unitIndex[o.Unit]
		i, okI := c.indIndex[o.Indicator]
		if !okU || !okI {
			obsKeys[j] = -1
			continue
		}
		obsKeys[j] = int32(u*len(c.indicators) + i)
		obsCount[obsKeys[j]]++
	}
	obsBacking := make([]obsPoint, 0, len(obs))
	for k, cnt := range obsCount {
		c.series[k] = obsBacking[len(obsBacking) : len(obsBacking) : len(obsBacking)+int(cnt)]
		obsBacking = obsBacking[:len(obsBacking)+int(cnt)]
	}
	for j, o := range obs {
		k := obsKeys[j]
		if k < 0 {
			continue
		}
		at := int32(o.Period.Index())
		c.series[k] = append(c.series[k], obsPoint{at: at, version: int32(o.Version), versionID: o.VersionID, value: o.Value, approved: o.Approved, snapshotID: uint32(o.SnapshotID)})
		c.markReturned(int(k)/len(c.indicators), at)
	}
}

// indexMilestones puts each reported milestone state in its unit and indicator's list; a state the
// office ticked is not the unit's return.
func (c *ProgressCalculator) indexMilestones(ms []MilestoneObservation) {
	for _, o := range ms {
		u, okU := c.unitIndex[o.Unit]
		i, okI := c.indIndex[o.Indicator]
		if !okU || !okI {
			continue
		}
		at := int32(o.Period.Index())
		k := u*len(c.indicators) + i
		c.milestones[k] = append(c.milestones[k], msPoint{at: at, versionID: o.VersionID, state: o.State, approved: o.Approved})
		if !o.Ticked {
			c.markReturned(u, at)
		}
	}
}

// ComputeProgress is the whole picture for one month: every indicator for the root unit and for each
// unit directly below it, indicator by indicator in plan order, the root first.
func ComputeProgress(p *Plan, ds Dataset, period Period, opts ProgressOptions) []Progress {
	return NewProgressCalculator(p, ds, opts).All(period)
}

// Plan returns the plan the calculator works on.
func (c *ProgressCalculator) Plan() *Plan { return c.plan }

// All returns every indicator for the root unit and each unit directly below it (in a city's plan,
// the reporting units; in a province's, its cities, each rolled up from its own units), grouped by
// indicator.
func (c *ProgressCalculator) All(period Period) []Progress { return c.all(period, true) }

// AllFigures is All without tracing the figures to their sources: the same figures and statuses (a
// unit above the reporting units read from its kept sums, identical to the bit), but Sources and
// AllApproved are not to be read. For what prints no source — the briefing — at a fraction of the
// cost: traced, a nation's value lists every county's return version.
func (c *ProgressCalculator) AllFigures(period Period) []Progress { return c.all(period, false) }

func (c *ProgressCalculator) all(period Period, trace bool) []Progress {
	scopes := append([]int{0}, c.units[0].children...)
	out := make([]Progress, 0, len(c.indicators)*len(scopes))
	for i := range c.indicators {
		for _, u := range scopes {
			out = append(out, c.compute(i, u, period, trace))
		}
	}
	return out
}

// ForScope returns every indicator of one unit (or the root) in plan order.
func (c *ProgressCalculator) ForScope(scope string, period Period) []Progress {
	u, ok := c.unitIndex[scope]
	if !ok {
		return nil
	}
	out := make([]Progress, 0, len(c.indicators))
	for i := range c.indicators {
		out = append(out, c.compute(i, u, period, true))
	}
	return out
}

// ForIndicator returns one indicator for the root unit and then each unit directly below it.
func (c *ProgressCalculator) ForIndicator(code string, period Period) []Progress {
	i, ok := c.indIndex[code]
	if !ok {
		return nil
	}
	out := []Progress{c.compute(i, 0, period, true)}
	for _, u := range c.units[0].children {
		out = append(out, c.compute(i, u, period, true))
	}
	return out
}

// Progress returns one indicator for one scope in one month. An unknown indicator or scope is grey.
func (c *ProgressCalculator) Progress(code, scope string, period Period) Progress {
	i, okI := c.indIndex[code]
	u, okU := c.unitIndex[scope]
	if !okI || !okU {
		return Progress{Indicator: code, Scope: scope, Period: period, Status: StatusGrey}
	}
	return c.compute(i, u, period, true)
}

// Series returns one indicator for one scope in every month from a to b inclusive, for trend charts:
// the figures without their Sources, which on a roll-up over thousands of units would cost more than
// the figures themselves.
func (c *ProgressCalculator) Series(code, scope string, a, b Period) []Progress {
	i, okI := c.indIndex[code]
	u, okU := c.unitIndex[scope]
	months := PeriodsBetween(a, b)
	out := make([]Progress, 0, len(months))
	for _, p := range months {
		if !okI || !okU {
			out = append(out, Progress{Indicator: code, Scope: scope, Period: p, Status: StatusGrey})
			continue
		}
		out = append(out, c.compute(i, u, p, false))
	}
	return out
}

// LatestPeriod returns the newest month any reporting unit has figures for.
func (c *ProgressCalculator) LatestPeriod() (Period, bool) {
	if c.latest < 0 {
		return Period{}, false
	}
	return Period{Year: int(c.latest) / 12, Month: int(c.latest)%12 + 1}, true
}

// MissingReturns lists the reporting units that were expected to file a return for the month (their
// start month has come) and have none. Units that start later are not expected yet.
func (c *ProgressCalculator) MissingReturns(period Period) []string {
	at := int32(period.Index())
	var out []string
	for _, u := range c.units[0].leaves {
		if period.Before(c.units[u].start) {
			continue
		}
		if !c.returned[u][at] {
			out = append(out, c.units[u].code)
		}
	}
	return out
}

// Tolerance returns the tolerance used for the indicator.
func (c *ProgressCalculator) Tolerance(code string) float64 {
	if t, ok := c.ds.Tolerances[code]; ok && t > 0 && t <= 1 {
		return t
	}
	return c.tolerance
}

// figure is an actual value with where it came from.
type figure struct {
	value    float64
	ok       bool
	sources  []SourceRef
	units    int
	reported int
}

func (c *ProgressCalculator) compute(i, u int, period Period, trace bool) Progress {
	ind := c.indicators[i]
	pr := Progress{Indicator: ind.Code, Scope: c.units[u].code, Period: period, Kind: ind.Kind,
		Status: StatusGrey, Judged: ind.Judged(), Tolerance: c.Tolerance(ind.Code)}
	elapsed, total := c.elapsed(ind.Kind, u, period, c.units[u].start)
	pr.ElapsedMonths, pr.YearMonths = elapsed, total
	if period.Before(c.units[u].start) {
		pr.NotStarted, pr.GreyReason = true, GreyNotStarted
		return pr
	}
	if u != 0 && ind.RollUp == RollUpOffice {
		// The office's city-wide figures (firms, cost reduction, growth, trunk lines): units have none.
		pr.GreyReason = GreyOfficeOnly
		return pr
	}
	if pr.Judged == ScheduleMilestone {
		if !c.units[u].leaf && ind.RollUp != RollUpOffice {
			c.milestoneRollUp(&pr, i, u, period, trace)
		} else {
			c.milestoneOwn(&pr, i, u, period)
		}
		return pr
	}

	f := c.actual(i, u, period, trace)
	pr.HasActual, pr.Actual, pr.Units, pr.Reported = f.ok, f.value, f.units, f.reported
	pr.setSources(f.sources)

	target, hasTarget := c.yearTarget(i, u, period.Year)
	if !hasTarget {
		pr.GreyReason = GreyNoTarget
		return pr
	}
	pr.HasTarget, pr.Target = true, target
	from := c.units[u].start
	if u != 0 && ind.Kind == KindRate && !c.ownRateTarget(i, u, period.Year) {
		// A unit held to the city's rate follows it from its own level when its tasks start.
		if period.Before(c.units[u].tasks) {
			pr.GreyReason = GreyNotStarted
			return pr
		}
		from = c.units[u].tasks
		pr.ElapsedMonths, pr.YearMonths = c.elapsed(ind.Kind, u, period, from)
		elapsed, total = pr.ElapsedMonths, pr.YearMonths
	}
	var summed bool
	pr.Baseline, pr.Expected, summed = c.expected(ind, i, u, period, from, target, elapsed, total)
	pr.HasExpected = true
	if pr.Judged == ScheduleYearEnd && period.Month != 12 {
		// Known only at year end: the pace is shown, the verdict waits for December.
		pr.HasExpected, pr.Expected = false, 0
	} else if pr.Judged == ScheduleYearEnd && !summed {
		pr.Expected = target
	}
	if !f.ok {
		pr.GreyReason = GreyNoFigure
		if pr.Judged == ScheduleYearEnd && !pr.HasExpected {
			pr.GreyReason = GreyYearEnd
		}
		return pr
	}
	if pr.HasExpected {
		pr.Status = c.numericStatus(&pr, ind)
	} else {
		pr.GreyReason = GreyYearEnd
		if pr.Target != 0 {
			pr.Completion = pr.Actual / pr.Target
		}
	}
	c.forecast(&pr, ind, i, u, period, from, elapsed, total)
	return pr
}

func (pr *Progress) setSources(src []SourceRef) {
	pr.Sources = src
	pr.AllApproved = len(src) > 0
	for _, s := range src {
		if !s.Approved {
			pr.AllApproved = false
			break
		}
	}
}

// elapsed counts the months of the period's year that have passed, including the period itself, and
// the months the year has for the scope. Annual flows are calendar-year statistics reported
// year-to-date from January, so they always count twelve. Levels (cumulative, rate, milestones) count
// from the scope's start month in its first year: a plan starting in August has a five-month first
// year.
func (c *ProgressCalculator) elapsed(kind IndicatorKind, u int, period, start Period) (elapsed, total int) {
	if kind == KindAnnual {
		return period.Month, 12
	}
	from := Period{Year: period.Year, Month: 1}
	if start.Year == period.Year && start.Month > 1 {
		from = start
	}
	elapsed = period.Index() - from.Index() + 1
	if elapsed < 0 {
		elapsed = 0
	}
	return elapsed, 12 - from.Month + 1
}

// yearTarget is the scope's target for the year: the city-wide target (the office's edit, else the
// plan's) for the root; for any other unit its own target (unitTarget), else, for a rate, the city's
// rate: a percentage is a level, not a share of a total.
func (c *ProgressCalculator) yearTarget(i, u, year int) (float64, bool) {
	code := c.indicators[i].Code
	if u != 0 {
		if v, ok := c.unitTarget(i, u, year); ok {
			return v, true
		}
		if c.indicators[i].Kind != KindRate {
			return 0, false
		}
	}
	if v, ok := c.ds.Targets[code][year]; ok {
		return v, true
	}
	v, ok := c.planTargets[code][year]
	return v, ok
}

// unitTarget is a unit's own target for the year: the office's allocation; for a rate over the
// administrative villages without its own allocation, the allocation of its numerator over the unit's
// villages (so that 客货邮融合率 is judged as the fused points are).
func (c *ProgressCalculator) unitTarget(i, u, year int) (float64, bool) {
	ind := c.indicators[i]
	if v, ok := c.allocation(i, u, year); ok {
		return v, true
	}
	if ind.Kind == KindRate && ind.Denominator == DenominatorAdminVillages && c.units[u].leaf {
		if n, ok := c.allocationOf(ind.Numerator, u, year); ok {
			if v := c.ds.AdminVillages[c.units[u].code]; v > 0 {
				return n / float64(v) * 100, true
			}
		}
	}
	return 0, false
}

// numeratorPath reports whether a unit's rate takes its target from its numerator's allocation (no
// allocation of the rate itself), with the numerator's index and the unit's villages.
func (c *ProgressCalculator) numeratorPath(i, u, year int) (int, float64, bool) {
	ind := c.indicators[i]
	if u == 0 || ind.Kind != KindRate || ind.Denominator != DenominatorAdminVillages {
		return 0, 0, false
	}
	if _, own := c.allocation(i, u, year); own {
		return 0, 0, false
	}
	ni, ok := c.indIndex[ind.Numerator]
	if !ok {
		return 0, 0, false
	}
	if _, ok := c.allocation(ni, u, year); !ok {
		return 0, 0, false
	}
	v := float64(c.ds.AdminVillages[c.units[u].code])
	return ni, v, v > 0
}

// ownRateTarget reports whether a unit has its own rate target for the year rather than the city's.
func (c *ProgressCalculator) ownRateTarget(i, u, year int) bool {
	_, ok := c.unitTarget(i, u, year)
	return ok
}

// expected is 序时进度: the level (or year-to-date flow) elapsed time calls for. Whole-number counts
// expect whole numbers (never 0.4 of a park): the path is rounded down. A summed whole-number count
// whose units all have their own allocation for the year, adding up to its target, expects the sum
// of their (rounded) paths (summed is then true; childrenExpected), so that a scope is never behind
// while all its units are on schedule.
func (c *ProgressCalculator) expected(ind Indicator, i, u int, period, from Period, target float64, elapsed, total int) (baseline, expected float64, summed bool) {
	year := period.Year
	if ni, v, ok := c.numeratorPath(i, u, year); ok {
		// The rate's target is its count's allocation over the unit's villages: follow the count's path.
		alloc, _ := c.allocation(ni, u, year)
		nb, ne, _ := c.expected(c.indicators[ni], ni, u, period, from, alloc, elapsed, total)
		return nb / v * 100, ne / v * 100, false
	}
	if b, e, ok := c.childrenExpected(ind, i, u, period, target); ok {
		return b, e, true
	}
	switch ind.Kind {
	case KindAnnual:
		expected = target * float64(elapsed) / 12
	case KindCumulative, KindRate:
		prev, ok := c.yearTarget(i, u, year-1)
		if u != 0 && ind.Kind == KindRate {
			prev, ok = c.unitTarget(i, u, year-1)
			tasks := c.units[u].tasks
			var at Period
			switch {
			case !ok && from.Year == year:
				// The unit's first year on the city's rate starts from its own level (the office sets
				// another start by allocating last year's rate to the unit).
				prev, at, ok = c.ownLevel(i, u, from)
			case !ok && tasks.Year == year && c.units[u].start.Before(tasks):
				// Its own rate this year and none last year, its tasks starting this year (a roll-out
				// county): its path starts from its own level then, as on the city's rate.
				prev, at, ok = c.ownLevel(i, u, tasks)
			case !ok:
				prev, ok = c.yearTarget(i, u, year-1)
			}
			if ok && at.Year != 0 {
				// The path runs from the month the level holds at: a first figure is that month's
				// level, and the months up to it are not counted again.
				origin := Period{Year: year, Month: 1}
				if from.Year == year && from.Month > 1 {
					origin = from
				}
				if skip := at.Index() - origin.Index() + 1; skip > 0 {
					elapsed, total = max(elapsed-skip, 0), max(total-skip, 1)
				}
			}
		}
		if !ok && ind.LowerIsBetter {
			// Nothing to descend from: the year's ceiling holds from the first month.
			return target, target, false
		}
		// Before the plan (or without last year's target) the level is taken as 0.
		baseline = prev
		expected = prev + (target-prev)*float64(elapsed)/float64(total)
	}
	if ind.Integer {
		expected = math.Floor(expected + 1e-9)
	}
	return baseline, expected, false
}

// childrenExpected is the expected path of a unit above others on a whole-number count its units'
// figures are summed into, when every unit directly below has its own allocation for the year and
// the allocations add up to the unit's target: the sum of their expected values, each rounded down
// on its own path (and summed again below, where their units are all allocated too). Rounding the
// unit's own path instead could expect 7 vehicles of a city whose ten counties are each on schedule
// at 2 together. ok is false otherwise: the unit keeps its own path (allocations that do not add up
// are a gap the allocations page flags, not rounding). A unit not yet started adds its path's start
// (no months of it elapsed).
func (c *ProgressCalculator) childrenExpected(ind Indicator, i, u int, period Period, target float64) (baseline, expected float64, ok bool) {
	if !sumsRoundedPaths(ind) || c.units[u].leaf {
		return 0, 0, false
	}
	// Kept per calculator (sumMemo): a nation's path would otherwise add up 2,850 counties' paths for
	// every unit above them and every month asked for.
	e, m := c.sumMemo(i, u, period)
	if e != nil {
		if b, x, state, found := e.get(m); found {
			return b, x, state
		}
	}
	baseline, expected, ok = c.sumChildrenExpected(ind, i, u, period, target)
	if e != nil {
		e.put(m, baseline, expected, ok)
	}
	return baseline, expected, ok
}

// sumChildrenExpected is childrenExpected computed afresh.
func (c *ProgressCalculator) sumChildrenExpected(ind Indicator, i, u int, period Period, target float64) (baseline, expected float64, ok bool) {
	var sum float64
	for _, ch := range c.units[u].children {
		v, has := c.allocation(i, ch, period.Year)
		if !has {
			return 0, 0, false
		}
		sum += v
	}
	if AllocationBalance(target, sum, len(c.units[u].children)) != BalanceExact {
		return 0, 0, false
	}
	for _, ch := range c.units[u].children {
		alloc, _ := c.allocation(i, ch, period.Year)
		start := c.units[ch].start
		elapsed, total := c.elapsed(ind.Kind, ch, period, start)
		if period.Before(start) {
			elapsed = 0
		}
		b, e, _ := c.expected(ind, i, ch, period, start, alloc, elapsed, total)
		baseline += b
		expected += e
	}
	return baseline, expected, true
}

// ownLevel is a unit's level when its path starts, and the month it holds at: its figure of the month
// before, else the first figure it reported from then on (the level of the month it was reported in).
func (c *ProgressCalculator) ownLevel(i, u int, from Period) (float64, Period, bool) {
	if f := c.actual(i, u, from.AddMonths(-1), false); f.ok {
		return f.value, from.AddMonths(-1), true
	}
	k := i
	if n, ok := c.indIndex[c.indicators[i].Numerator]; ok {
		k = n
	}
	s := c.series[u*len(c.indicators)+k]
	at := int32(from.Index())
	j := sort.Search(len(s), func(j int) bool { return s[j].at >= at })
	if j == len(s) {
		return 0, Period{}, false
	}
	first := Period{Year: int(s[j].at) / 12, Month: int(s[j].at)%12 + 1}
	f := c.actual(i, u, first, false)
	return f.value, first, f.ok
}

// numericStatus compares actual with expected and sets the ratio and completion.
func (c *ProgressCalculator) numericStatus(pr *Progress, ind Indicator) ProgressStatus {
	const eps = 1e-9
	if pr.Target != 0 {
		pr.Completion = pr.Actual / pr.Target
	}
	if pr.Expected > 0 {
		pr.HasRatio = true
		pr.Ratio = pr.Actual / pr.Expected
	}
	var score float64
	switch {
	case ind.LowerIsBetter && pr.Actual <= 0:
		score = math.Inf(1)
	case ind.LowerIsBetter:
		score = pr.Expected / pr.Actual
	case pr.Expected <= 0:
		return StatusGreen // nothing is expected yet
	default:
		score = pr.Actual / pr.Expected
	}
	switch {
	case score >= 1-eps:
		return StatusGreen
	case score >= pr.Tolerance-eps:
		return StatusAmber
	}
	return StatusRed
}

// forecast projects the year end at the pace since the year began, and the monthly pace still needed
// to reach the year's target. A level's year starts from last December's figure (0 in the scope's
// first year); without that figure there is no pace to project, only the pace needed.
func (c *ProgressCalculator) forecast(pr *Progress, ind Indicator, i, u int, period, from Period, elapsed, total int) {
	if elapsed <= 0 {
		return
	}
	remaining := total - elapsed
	if remaining > 0 {
		pr.NeededPerMonth = (pr.Target - pr.Actual) / float64(remaining)
		if !ind.LowerIsBetter && pr.NeededPerMonth < 0 || ind.LowerIsBetter && pr.NeededPerMonth > 0 {
			pr.NeededPerMonth = 0 // already there
		}
	}
	start, known := 0.0, true
	switch {
	case ind.Kind != KindAnnual && period.Year > from.Year:
		f := c.actual(i, u, Period{Year: period.Year - 1, Month: 12}, false)
		start, known = f.value, f.ok
	case ind.Kind == KindRate && from != c.units[u].start:
		start = pr.Baseline // a unit's rate path starts from its own level
	}
	if !known {
		return
	}
	pace := (pr.Actual - start) / float64(elapsed)
	pr.HasForecast = true
	pr.Forecast = pr.Actual + pace*float64(remaining)
}

// lookup finds the unit's latest figure at or before the month; annual flows only count returns of
// the same year, as they restart each January.
func (c *ProgressCalculator) lookup(i, u int, period Period) (obsPoint, bool) {
	s := c.series[u*len(c.indicators)+i]
	k := latestAt(s, int32(period.Index()))
	if k < 0 {
		return obsPoint{}, false
	}
	if c.indicators[i].Kind == KindAnnual && int(s[k].at)/12 != period.Year {
		return obsPoint{}, false
	}
	return s[k], true
}

// latestAt is the index of the series' last point at or before the month (-1: none). A series with
// a point every month from its first is read directly; others are searched.
func latestAt(s []obsPoint, at int32) int {
	n := len(s)
	if n == 0 || s[0].at > at {
		return -1
	}
	if s[n-1].at <= at {
		return n - 1
	}
	if j := int(at - s[0].at); j < n-1 && s[j].at == at && s[j+1].at > at {
		return j
	}
	lo, hi := 0, n // the first point after the month is in [lo, hi]
	for lo < hi {
		h := int(uint(lo+hi) >> 1)
		if s[h].at <= at {
			lo = h + 1
		} else {
			hi = h
		}
	}
	return lo - 1
}

func (c *ProgressCalculator) milestoneAt(i, u int, period Period) (msPoint, bool) {
	s := c.milestones[u*len(c.indicators)+i]
	at := int32(period.Index())
	k := sort.Search(len(s), func(j int) bool { return s[j].at > at }) - 1
	if k < 0 {
		return msPoint{}, false
	}
	return s[k], true
}

func (c *ProgressCalculator) source(u int, p obsPoint) SourceRef {
	return SourceRef{Unit: c.units[u].code, Period: Period{Year: int(p.at) / 12, Month: int(p.at)%12 + 1},
		VersionID: p.versionID, Version: int(p.version), Approved: p.approved, SnapshotID: uint(p.snapshotID)}
}

// actual is the scope's figure: a reporting unit's own; for a unit above them, per the roll-up rule.
func (c *ProgressCalculator) actual(i, u int, period Period, trace bool) figure {
	ind := c.indicators[i]
	if ind.Reporter == ReporterDerived || ind.RollUp == RollUpRatio {
		return c.ratio(i, u, period, trace)
	}
	if !trace {
		if f, ok := c.rolledUp(i, u, period); ok {
			return f
		}
	}
	if c.units[u].leaf || ind.RollUp == RollUpOffice {
		// Office figures are the scope's own return values, entered as they are, never added up.
		f := figure{units: 1}
		if p, ok := c.lookup(i, u, period); ok {
			f.value, f.ok, f.reported = p.value, true, 1
			if trace {
				f.sources = []SourceRef{c.source(u, p)}
			}
		}
		return f
	}
	var f figure
	if trace {
		f.sources = make([]SourceRef, 0, len(c.units[u].leaves))
	}
	for _, l := range c.units[u].leaves {
		if period.Before(c.units[l].start) {
			continue
		}
		f.units++
		if p, ok := c.lookup(i, l, period); ok {
			f.value += p.value
			f.ok = true
			f.reported++
			if trace {
				f.sources = append(f.sources, c.source(l, p))
			}
		}
	}
	return f
}

// ratio computes a derived percentage from summed numerators and denominators, never an average of
// the units' percentages. The admin-village denominator counts every reporting unit below the scope,
// so that units that have not reported lower the city's coverage rather than drop out of it.
func (c *ProgressCalculator) ratio(i, u int, period Period, trace bool) figure {
	ind := c.indicators[i]
	ni, ok := c.indIndex[ind.Numerator]
	if !ok {
		return figure{}
	}
	num := c.actual(ni, u, period, trace)
	if !num.ok {
		return num
	}
	var den float64
	if ind.Denominator == DenominatorAdminVillages {
		den = c.villages[u]
		if den == 0 {
			den = float64(c.ds.AdminVillages[c.units[u].code])
		}
	} else {
		di, ok := c.indIndex[ind.Denominator]
		if !ok {
			return figure{}
		}
		d := c.actual(di, u, period, trace)
		if !d.ok {
			return figure{}
		}
		den = d.value
		num.sources = append(num.sources, d.sources...)
	}
	if den <= 0 {
		return figure{units: num.units}
	}
	num.value = num.value / den * 100
	return num
}

// schedule places a milestone against its due year. Due means done by the end of the year, so the
// December return is the last chance: not done then, it is overdue. At risk means due this year and
// still not started at the June return (mid-year) or later. Under construction means started (reported
// in progress, or inside the construction window the plan dates) and not late.
func schedule(dueYear int, done, started, building bool, period Period) ScheduleState {
	switch {
	case done:
		return ScheduleDone
	case period.Year > dueYear || period.Year == dueYear && period.Month == 12:
		return ScheduleOverdue
	case building:
		return ScheduleBuilding
	case period.Year == dueYear && period.Month >= 6 && !started:
		return ScheduleAtRisk
	}
	return ScheduleOnTrack
}

// milestoneOwn judges a task of the scope itself: a county's (a milestone state it reports, or a
// count it builds, done at 1 — a hub park), or a city-wide one the office reports. It has no expected
// value or ratio: its due year and its state say where it stands.
func (c *ProgressCalculator) milestoneOwn(pr *Progress, i, u int, period Period) {
	ind := c.indicators[i]
	pr.Units, pr.OwnTask = 1, true
	var done, reported, started, building bool
	ms, hasState := c.milestoneAt(i, u, period)
	if hasState {
		reported, done = true, ms.state == MilestoneDone
		started = ms.state != MilestoneNotStarted
		building = ms.state == MilestoneInProgress
		at := Period{Year: int(ms.at) / 12, Month: int(ms.at)%12 + 1}
		pr.setSources([]SourceRef{{Unit: c.units[u].code, Period: at, VersionID: ms.versionID, Approved: ms.approved}})
	}
	if ind.Kind != KindMilestone {
		// A count built per unit (a hub park): done when it reaches 1.
		if p, ok := c.lookup(i, u, period); ok {
			reported, done = true, done || p.value >= 1
			pr.setSources(append(pr.Sources, c.source(u, p)))
		}
	}
	if reported {
		pr.HasActual, pr.Reported = true, 1
		if done {
			pr.Actual, pr.DoneCount = 1, 1
		}
	}
	due, hasDue := c.dues[[2]int{i, u}]
	if !hasDue {
		// The plan gives the unit no such task (沾益区's park is 麒麟区's); one it did anyway is shown.
		pr.GreyReason = GreyNotApplicable
		if done {
			pr.GreyReason = GreyNoTarget
		}
		return
	}
	pr.DueYear, pr.DueLabel = due.Year, due.Label
	from := c.units[u].tasks
	if due.From != "" {
		if f, err := ParsePeriod(due.From); err == nil {
			from = f
			// The plan dates the construction: inside the window the task is under way.
			building = building || ind.Kind != KindMilestone && !period.Before(f)
			started = started || building
		}
	}
	if period.Before(from) && !done {
		pr.GreyReason = GreyNotStarted
		return
	}
	// One task's expected value and ratio are left undefined (null): its due year and state say it.
	pr.HasTarget, pr.Target = true, 1
	if due.Year <= period.Year {
		pr.DueCount = 1
	}
	pr.Completion = pr.Actual
	pr.Schedule = schedule(due.Year, done, started, building, period)
	pr.Status = pr.Schedule.status()
	if !reported && (pr.Schedule == ScheduleOnTrack || pr.Schedule == ScheduleBuilding) {
		pr.Status, pr.GreyReason = StatusGrey, GreyNoFigure // nothing reported and nothing late yet
	}
}

// milestoneRollUp counts the units' tasks: done against due by this year end (the target and the
// expected value alike), the ratio done of due, the status the worst of the units' (one overdue county
// makes the city red).
func (c *ProgressCalculator) milestoneRollUp(pr *Progress, i, u int, period Period, trace bool) {
	var sources []SourceRef
	for _, l := range c.units[u].leaves {
		if period.Before(c.units[l].start) {
			continue
		}
		var sub Progress
		sub.Status = StatusGrey
		c.milestoneOwn(&sub, i, l, period)
		if sub.HasActual {
			pr.Reported++
			if trace {
				sources = append(sources, sub.Sources...)
			}
		}
		if sub.Actual == 1 {
			pr.DoneCount++
		}
		if sub.DueYear == 0 {
			continue
		}
		pr.Units++
		pr.Status = pr.Status.Worse(sub.Status)
		if sub.DueYear <= period.Year {
			pr.DueCount++
		}
		if pr.Schedule == ScheduleNone || scheduleRank(sub.Schedule) > scheduleRank(pr.Schedule) {
			pr.Schedule = sub.Schedule
		}
	}
	pr.setSources(sources)
	pr.HasActual = pr.Reported > 0
	pr.Actual = float64(pr.DoneCount)
	if pr.Units == 0 {
		pr.GreyReason = GreyNotApplicable
		return
	}
	pr.HasTarget, pr.Target = true, float64(pr.DueCount)
	pr.HasExpected, pr.Expected = true, float64(pr.DueCount)
	if pr.DueCount > 0 {
		pr.HasRatio, pr.Ratio = true, pr.Actual/pr.Expected
		pr.Completion = pr.Ratio
	}
	if pr.Status == StatusGrey {
		pr.GreyReason = GreyNoFigure
		if pr.Schedule == ScheduleNone {
			pr.GreyReason = GreyNotStarted
		}
	}
}

func scheduleRank(s ScheduleState) int {
	switch s {
	case ScheduleOverdue:
		return 4
	case ScheduleAtRisk:
		return 3
	case ScheduleOnTrack:
		return 2
	case ScheduleBuilding:
		return 1
	case ScheduleDone:
		return 0
	}
	return -1
}
