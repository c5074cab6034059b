// Package models holds the plan, the stored entities and the pure domain rules (progress, status,
// forecast) that work on plain values.
package models

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// IndicatorKind says how an indicator's figures behave over time.
type IndicatorKind string

// The kinds of indicator the plan uses.
const (
	// KindCumulative is a stock counted from the start of the plan; a year's target is its year-end level.
	KindCumulative IndicatorKind = "cumulative"
	// KindAnnual is a flow inside one calendar year; it restarts each January.
	KindAnnual IndicatorKind = "annual"
	// KindRate is a percentage level at year end.
	KindRate IndicatorKind = "rate"
	// KindMilestone is something done or not by a due date.
	KindMilestone IndicatorKind = "milestone"
)

// Label names an indicator kind in Chinese.
func (k IndicatorKind) Label() string {
	switch k {
	case KindCumulative:
		return "累计值（自方案实施起）"
	case KindAnnual:
		return "年度累计值（自当年1月起）"
	case KindRate:
		return "比率"
	case KindMilestone:
		return "节点任务"
	}
	return string(k)
}

// RollUp says how unit figures combine into their parent's figure.
type RollUp string

// The roll-up rules.
const (
	// RollUpSum adds the children's figures (counts, money).
	RollUpSum RollUp = "sum"
	// RollUpRatio recomputes a percentage from summed numerators and denominators, never an average.
	RollUpRatio RollUp = "ratio"
	// RollUpOffice means the office enters the figure for the whole scope; nothing is added up.
	RollUpOffice RollUp = "office"
	// RollUpCount counts the children whose milestone is done.
	RollUpCount RollUp = "count"
)

// Schedule says how an indicator's figures are judged against time. It is chosen in the plan file,
// never by the data: an allocation changes a unit's target, never how the indicator is judged.
type Schedule string

// The schedules.
const (
	// ScheduleLinear judges against 序时进度: the path from last year's level to this year's target.
	ScheduleLinear Schedule = "linear"
	// ScheduleYearEnd judges only at December: figures known at year end (a firm's annual revenue, a
	// project's parcels a year) are shown with their pace before, and grey.
	ScheduleYearEnd Schedule = "year_end"
	// ScheduleMilestone judges per-unit tasks done by a due year: done, under construction, on
	// schedule, at risk, overdue; on roll-ups, done against due.
	ScheduleMilestone Schedule = "milestone"
)

// Percent says what a percentage indicator measures, which decides whether it may exceed 100.
type Percent string

// The kinds of percentage.
const (
	// PercentShare is a part of a whole (coverage, a share of points): it cannot exceed 100%.
	PercentShare Percent = "share"
	// PercentGrowth is a change against a base year (growth vs 2022): it may exceed 100%.
	PercentGrowth Percent = "growth"
)

// Reporter names the party that reports an indicator.
type Reporter string

// Label names who reports an indicator, in Chinese.
func (r Reporter) Label() string {
	switch r {
	case ReporterCounty:
		return "各单位填报"
	case ReporterOffice:
		return "专班办公室录入"
	case ReporterDerived:
		return "系统计算"
	}
	return string(r)
}

// The reporting parties.
const (
	// ReporterCounty means each unit reports the figure in its monthly return.
	ReporterCounty Reporter = "county"
	// ReporterOffice means the task-force office enters the figure.
	ReporterOffice Reporter = "office"
	// ReporterDerived means the figure is computed from other figures and never typed.
	ReporterDerived Reporter = "derived"
)

// Denominators a ratio indicator can divide by besides another indicator.
const (
	// DenominatorAdminVillages is the number of administrative villages the office sets per unit.
	DenominatorAdminVillages = "@admin_villages"
)

// Plan is a whole plan: its years, phases, workstreams, indicators, targets and reporting units.
// It is data, loaded from a JSON file, so another city's or the next plan's needs no code change.
type Plan struct {
	Code        string         `json:"code"`
	Name        string         `json:"name"`
	DocumentNo  string         `json:"document_no"`
	Issuer      string         `json:"issuer"`
	LeadUnit    string         `json:"lead_unit"`
	StartPeriod string         `json:"start_period"` // YYYY-MM: first month of the plan
	EndPeriod   string         `json:"end_period"`   // YYYY-MM: last month of the plan
	Years       []int          `json:"years"`
	Phases      []Phase        `json:"phases"`
	Workstreams []Workstream   `json:"workstreams"`
	Indicators  []Indicator    `json:"indicators"`
	Targets     []Target       `json:"targets"`
	Milestones  []MilestoneDue `json:"milestones"`
	Root        Unit           `json:"units"`
	// Quality holds the data-quality thresholds (robust z-score of jumps…); zero fields take defaults.
	Quality QualityRules `json:"quality,omitempty"`

	indicatorIndex map[string]int
	unitIndex      map[string]*Unit
	parentIndex    map[string]string
}

// Phase is a stage of the plan (试点实施, 全面推广, 总结提升).
type Phase struct {
	Code  string   `json:"code"`
	Name  string   `json:"name"`
	From  string   `json:"from"` // YYYY-MM
	To    string   `json:"to"`   // YYYY-MM
	Units []string `json:"units,omitempty"`
	Scope string   `json:"scope,omitempty"`
}

// Workstream groups indicators the way the plan's chapters do.
type Workstream struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Indicator is one measured quantity of the plan.
type Indicator struct {
	Code          string        `json:"code"`
	Name          string        `json:"name"`
	NameEN        string        `json:"name_en,omitempty"`
	Unit          string        `json:"unit"`
	Kind          IndicatorKind `json:"kind"`
	Workstream    string        `json:"workstream"`
	RollUp        RollUp        `json:"rollup"`
	Reporter      Reporter      `json:"reporter"`
	Integer       bool          `json:"integer,omitempty"`     // counts: fractions are refused
	Numerator     string        `json:"numerator,omitempty"`   // ratio indicators: indicator code summed on top
	Denominator   string        `json:"denominator,omitempty"` // ratio indicators: indicator code or @admin_villages
	LowerIsBetter bool          `json:"lower_is_better,omitempty"`
	Headline      bool          `json:"headline,omitempty"` // an overall goal shown as a card on the overview
	Note          string        `json:"note,omitempty"`
	// Schedule is how the indicator is judged (linear, year_end, milestone); empty means milestone
	// for milestones and linear otherwise.
	Schedule Schedule `json:"schedule,omitempty"`
	// Percent says whether a rate is a share (capped at 100) or a growth rate (may exceed 100).
	Percent Percent `json:"percent,omitempty"`
}

// RollUpLabel says in Chinese how the parent's figure is made from the units'; whole names the
// root's area (Plan.WholeWord).
func (ind Indicator) RollUpLabel(whole string) string {
	if ind.Reporter == ReporterDerived || ind.RollUp == RollUpRatio {
		return "由分子、分母汇总后重新计算（不取各单位比率的平均）"
	}
	switch ind.RollUp {
	case RollUpSum:
		return "各单位相加"
	case RollUpOffice:
		return "专班办公室填报" + whole + "数"
	case RollUpCount:
		return "统计完成的单位数"
	}
	return string(ind.RollUp)
}

// Judged returns the indicator's schedule, defaulted by its kind.
func (ind Indicator) Judged() Schedule {
	switch {
	case ind.Schedule != "":
		return ind.Schedule
	case ind.Kind == KindMilestone:
		return ScheduleMilestone
	}
	return ScheduleLinear
}

// MaxValue returns the largest figure the indicator can take, and whether there is one: shares
// cannot exceed 100%; growth rates, counts and money have no ceiling.
func (ind Indicator) MaxValue() (float64, bool) {
	if ind.Percent == PercentShare {
		return 100, true
	}
	return 0, false
}

// Target is the city-wide (root unit) target of an indicator for a year.
type Target struct {
	Indicator string  `json:"indicator"`
	Year      int     `json:"year"`
	Value     float64 `json:"value"`
}

// MilestoneDue says that a unit (or the whole city, Unit == "") must have a milestone done by year end.
type MilestoneDue struct {
	Indicator string `json:"indicator"`
	Unit      string `json:"unit"`
	Year      int    `json:"year"`
	Label     string `json:"label,omitempty"`
	// From is the month the task starts (启动建设), YYYY-MM; empty means the unit's tasks start.
	// Before it the unit has no such task yet; from it until done the task is under construction.
	From string `json:"from,omitempty"`
}

// Unit is a reporting unit in a tree: a city over its counties, or a province over its cities.
type Unit struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	ShortName string `json:"short_name,omitempty"`
	Level     string `json:"level"`
	// StartPeriod is the first month the unit is expected to report (YYYY-MM); empty means the plan's start.
	StartPeriod string `json:"start_period,omitempty"`
	// TasksFrom is the month the unit's own construction tasks start (YYYY-MM), which may be later
	// than when it reports statistics: a roll-out county reports from the plan's start but builds
	// from 2024-01. Its rate path starts then, from its own level. Empty means StartPeriod.
	TasksFrom string `json:"tasks_from,omitempty"`
	Children  []Unit `json:"children,omitempty"`
}

// PlanError is a problem found in a plan file, naming the field and what is wrong with it.
type PlanError struct {
	Field   string
	Problem string
}

func (e PlanError) Error() string { return e.Field + ": " + e.Problem }

// PlanErrors is every problem found in a plan file.
type PlanErrors []PlanError

func (es PlanErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return "invalid plan: " + strings.Join(parts, "; ")
}

var (
	codePattern   = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	periodPattern = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2])$`)
)

// Validate checks the plan and builds its indexes. It returns PlanErrors listing every problem:
// each part checks itself (Phase, Workstream, Indicator, Target, Unit and MilestoneDue have their
// own Validate), and the plan checks what refers across parts (codes unique, indicators to
// workstreams and to each other, targets and milestones to indicators, units and years).
func (p *Plan) Validate() error {
	var c planCheck
	p.validateHead(&c)
	years := p.validateYears(&c)
	for i, ph := range p.Phases {
		c.under(fmt.Sprintf("phases[%d]", i), ph.Validate())
	}
	workstreams := map[string]bool{}
	for i, w := range p.Workstreams {
		f := fmt.Sprintf("workstreams[%d]", i)
		c.under(f, w.Validate())
		if workstreams[w.Code] {
			c.add(f+".code", "duplicate workstream code %q", w.Code)
		}
		workstreams[w.Code] = true
	}
	p.validateIndicators(&c, workstreams)
	p.validateTargets(&c, years)
	p.unitIndex = map[string]*Unit{}
	p.parentIndex = map[string]string{}
	p.validateUnit(&c, &p.Root, "units", "")
	if len(p.Root.Children) == 0 {
		c.add("units.children", "the top unit has no reporting units")
	}
	p.validateMilestones(&c, years)
	for i, ind := range p.Indicators {
		if ind.Schedule == ScheduleMilestone && ind.Kind == KindCumulative && len(p.MilestonesFor(ind.Code)) == 0 {
			c.add(fmt.Sprintf("indicators[%d].schedule", i), "a count judged as a milestone needs due dates under milestones")
		}
	}
	if len(c.errs) > 0 {
		return c.errs
	}
	return nil
}

// planCheck gathers the problems of a plan as Validate finds them.
type planCheck struct{ errs PlanErrors }

func (c *planCheck) add(field, format string, args ...any) {
	c.errs = append(c.errs, PlanError{Field: field, Problem: fmt.Sprintf(format, args...)})
}

// under adds a part's own problems, their fields named below prefix.
func (c *planCheck) under(prefix string, errs PlanErrors) {
	for _, e := range errs {
		if e.Field == "" {
			e.Field = prefix
		} else {
			e.Field = prefix + "." + e.Field
		}
		c.errs = append(c.errs, e)
	}
}

// validateHead checks the plan's code, name and period.
func (p *Plan) validateHead(c *planCheck) {
	if strings.TrimSpace(p.Code) == "" {
		c.add("code", "is empty")
	}
	if strings.TrimSpace(p.Name) == "" {
		c.add("name", "is empty")
	}
	if !periodPattern.MatchString(p.StartPeriod) {
		c.add("start_period", "%q is not a month in the form YYYY-MM", p.StartPeriod)
	}
	if !periodPattern.MatchString(p.EndPeriod) {
		c.add("end_period", "%q is not a month in the form YYYY-MM", p.EndPeriod)
	}
	if p.periodsOK() && p.StartPeriod > p.EndPeriod {
		c.add("end_period", "%s is before start_period %s", p.EndPeriod, p.StartPeriod)
	}
}

func (p *Plan) periodsOK() bool {
	return periodPattern.MatchString(p.StartPeriod) && periodPattern.MatchString(p.EndPeriod)
}

// validateYears checks the plan's years and returns them as a set.
func (p *Plan) validateYears(c *planCheck) map[int]bool {
	years := map[int]bool{}
	if len(p.Years) == 0 {
		c.add("years", "is empty")
	}
	for i, y := range p.Years {
		f := fmt.Sprintf("years[%d]", i)
		if years[y] {
			c.add(f, "duplicate year %d", y)
		}
		years[y] = true
		if p.periodsOK() && (strconv.Itoa(y) < p.StartPeriod[:4] || strconv.Itoa(y) > p.EndPeriod[:4]) {
			c.add(f, "year %d is outside the plan's period %s to %s", y, p.StartPeriod, p.EndPeriod)
		}
	}
	return years
}

// Validate checks a phase on its own: a code and two months.
func (ph Phase) Validate() PlanErrors {
	var c planCheck
	if ph.Code == "" {
		c.add("code", "is empty")
	}
	if !periodPattern.MatchString(ph.From) {
		c.add("from", "%q is not a month in the form YYYY-MM", ph.From)
	}
	if !periodPattern.MatchString(ph.To) {
		c.add("to", "%q is not a month in the form YYYY-MM", ph.To)
	}
	return c.errs
}

// Validate checks a workstream on its own: a lower-case code.
func (w Workstream) Validate() PlanErrors {
	var c planCheck
	if !codePattern.MatchString(w.Code) {
		c.add("code", "%q is not a lower-case code", w.Code)
	}
	return c.errs
}

// validateIndicators checks each indicator, that codes are unique and that what an indicator names
// (its workstream, numerator and denominator) exists; it builds the indicator index.
func (p *Plan) validateIndicators(c *planCheck, workstreams map[string]bool) {
	p.indicatorIndex = map[string]int{}
	for i, ind := range p.Indicators {
		f := fmt.Sprintf("indicators[%d]", i)
		if _, dup := p.indicatorIndex[ind.Code]; dup {
			c.add(f+".code", "duplicate indicator code %q", ind.Code)
		} else {
			p.indicatorIndex[ind.Code] = i
		}
		c.under(f, ind.Validate())
		if !workstreams[ind.Workstream] {
			c.add(f+".workstream", "unknown workstream %q", ind.Workstream)
		}
	}
	for i, ind := range p.Indicators {
		f := fmt.Sprintf("indicators[%d]", i)
		if ind.RollUp == RollUpRatio || ind.Reporter == ReporterDerived {
			if _, ok := p.indicatorIndex[ind.Numerator]; !ok {
				c.add(f+".numerator", "unknown indicator %q", ind.Numerator)
			}
			if _, ok := p.indicatorIndex[ind.Denominator]; !ok && ind.Denominator != DenominatorAdminVillages {
				c.add(f+".denominator", "unknown indicator %q (or %s)", ind.Denominator, DenominatorAdminVillages)
			}
		}
	}
}

// Validate checks an indicator on its own: its code and name, and that kind, roll-up rule,
// reporter, schedule and percent are known and fit together.
func (ind Indicator) Validate() PlanErrors {
	var c planCheck
	if !codePattern.MatchString(ind.Code) {
		c.add("code", "%q is not a lower-case code", ind.Code)
	}
	if strings.TrimSpace(ind.Name) == "" {
		c.add("name", "is empty")
	}
	switch ind.Kind {
	case KindCumulative, KindAnnual, KindRate, KindMilestone:
	default:
		c.add("kind", "unknown kind %q (want cumulative, annual, rate or milestone)", ind.Kind)
	}
	switch ind.RollUp {
	case RollUpSum, RollUpRatio, RollUpOffice, RollUpCount:
	default:
		c.add("rollup", "unknown roll-up rule %q (want sum, ratio, office or count)", ind.RollUp)
	}
	switch ind.Reporter {
	case ReporterCounty, ReporterOffice, ReporterDerived:
	default:
		c.add("reporter", "unknown reporter %q (want county, office or derived)", ind.Reporter)
	}
	ind.validateSchedule(&c)
	switch {
	case ind.Percent != "" && ind.Percent != PercentShare && ind.Percent != PercentGrowth:
		c.add("percent", "unknown percent %q (want share or growth)", ind.Percent)
	case ind.Kind == KindRate && ind.Percent == "":
		c.add("percent", "a rate must say whether it is a share (at most 100) or a growth rate (may exceed 100)")
	case ind.Kind != KindRate && ind.Percent != "":
		c.add("percent", "only rates are percentages, not a %s indicator", ind.Kind)
	}
	return c.errs
}

func (ind Indicator) validateSchedule(c *planCheck) {
	switch ind.Schedule {
	case "", ScheduleLinear, ScheduleYearEnd, ScheduleMilestone:
	default:
		c.add("schedule", "unknown schedule %q (want linear, year_end or milestone)", ind.Schedule)
	}
	if ind.Kind == KindMilestone && ind.Schedule != "" && ind.Schedule != ScheduleMilestone {
		c.add("schedule", "a milestone is judged as a milestone, not %q", ind.Schedule)
	}
	if ind.Schedule == ScheduleMilestone && ind.Kind != KindMilestone && ind.Kind != KindCumulative {
		c.add("schedule", "only milestones and cumulative counts (a park per unit) can be judged as milestones, not a %s indicator", ind.Kind)
	}
}

// validateTargets checks each target, and that it names a known indicator and year, fits the
// indicator (a share at most 100, no numeric target for a milestone) and is not given twice.
func (p *Plan) validateTargets(c *planCheck, years map[int]bool) {
	type key struct {
		code string
		year int
	}
	seen := map[key]bool{}
	for i, t := range p.Targets {
		f := fmt.Sprintf("targets[%d]", i)
		idx, ok := p.indicatorIndex[t.Indicator]
		if !ok {
			c.add(f+".indicator", "target for unknown indicator %q", t.Indicator)
		}
		if !years[t.Year] {
			c.add(f+".year", "year %d is outside the plan's years", t.Year)
		}
		c.under(f, t.Validate())
		if ok && p.Indicators[idx].Percent == PercentShare && t.Value > 100 {
			c.add(f+".value", "share target %v is over 100", t.Value)
		}
		if ok && p.Indicators[idx].Kind == KindMilestone {
			c.add(f+".indicator", "milestone %q takes due dates under milestones, not numeric targets", t.Indicator)
		}
		k := key{t.Indicator, t.Year}
		if seen[k] {
			c.add(f, "duplicate target for %q in %d", t.Indicator, t.Year)
		}
		seen[k] = true
	}
}

// Validate checks a target on its own: it is not negative.
func (t Target) Validate() PlanErrors {
	var c planCheck
	if t.Value < 0 {
		c.add("value", "negative target %v", t.Value)
	}
	return c.errs
}

// validateUnit checks a unit and, below it, its children, that unit codes are unique, and indexes
// them (their parents too).
func (p *Plan) validateUnit(c *planCheck, u *Unit, field, parent string) {
	if code := strings.TrimSpace(u.Code); code != "" {
		if _, dup := p.unitIndex[u.Code]; dup {
			c.add(field+".code", "duplicate unit code %q", u.Code)
		} else {
			p.unitIndex[u.Code] = u
			p.parentIndex[u.Code] = parent
		}
	}
	c.under(field, u.Validate())
	for i := range u.Children {
		p.validateUnit(c, &u.Children[i], fmt.Sprintf("%s.children[%d]", field, i), u.Code)
	}
}

// Validate checks a unit on its own, not its children: a code, a name and well-formed months.
func (u *Unit) Validate() PlanErrors {
	var c planCheck
	if strings.TrimSpace(u.Code) == "" {
		c.add("code", "is empty")
	}
	if strings.TrimSpace(u.Name) == "" {
		c.add("name", "is empty")
	}
	if u.StartPeriod != "" && !periodPattern.MatchString(u.StartPeriod) {
		c.add("start_period", "%q is not a month in the form YYYY-MM", u.StartPeriod)
	}
	if u.TasksFrom != "" && !periodPattern.MatchString(u.TasksFrom) {
		c.add("tasks_from", "%q is not a month in the form YYYY-MM", u.TasksFrom)
	} else if u.TasksFrom != "" && u.StartPeriod != "" && u.TasksFrom < u.StartPeriod {
		c.add("tasks_from", "%s is before the unit's start_period %s", u.TasksFrom, u.StartPeriod)
	}
	return c.errs
}

// validateMilestones checks each milestone due date, and that it names a milestone or cumulative
// indicator, a known unit and a year of the plan.
func (p *Plan) validateMilestones(c *planCheck, years map[int]bool) {
	for i, m := range p.Milestones {
		f := fmt.Sprintf("milestones[%d]", i)
		idx, ok := p.indicatorIndex[m.Indicator]
		if !ok {
			c.add(f+".indicator", "unknown indicator %q", m.Indicator)
		} else if k := p.Indicators[idx].Kind; k != KindMilestone && k != KindCumulative {
			// A cumulative count may also carry per-unit due dates (a hub park per county).
			c.add(f+".indicator", "indicator %q is neither a milestone nor a cumulative count", m.Indicator)
		}
		if m.Unit != "" {
			if _, ok := p.unitIndex[m.Unit]; !ok {
				c.add(f+".unit", "unknown unit %q", m.Unit)
			}
		}
		if !years[m.Year] {
			c.add(f+".year", "year %d is outside the plan's years", m.Year)
		}
		c.under(f, m.Validate())
	}
}

// Validate checks a milestone due date on its own: its start month, if any, is well formed and not
// after its due year.
func (m MilestoneDue) Validate() PlanErrors {
	var c planCheck
	if m.From != "" && !periodPattern.MatchString(m.From) {
		c.add("from", "%q is not a month in the form YYYY-MM", m.From)
	} else if m.From != "" && m.From > fmt.Sprintf("%04d-12", m.Year) {
		c.add("from", "%s is after the end of the due year %d", m.From, m.Year)
	}
	return c.errs
}

// Indicator returns the indicator with the code.
func (p *Plan) Indicator(code string) (Indicator, bool) {
	i, ok := p.indicatorIndex[code]
	if !ok {
		return Indicator{}, false
	}
	return p.Indicators[i], true
}

// Unit returns the unit with the code, anywhere in the tree.
func (p *Plan) Unit(code string) (Unit, bool) {
	u, ok := p.unitIndex[code]
	if !ok {
		return Unit{}, false
	}
	return *u, true
}

// UnitName names a unit by its full name, by its code when the plan has no such unit.
func (p *Plan) UnitName(code string) string {
	if u, ok := p.Unit(code); ok {
		return u.Name
	}
	return code
}

// UnitShortName names a unit as pages and reports show it: its short name where it has one, else
// as UnitName.
func (p *Plan) UnitShortName(code string) string {
	if u, ok := p.Unit(code); ok && u.ShortName != "" {
		return u.ShortName
	}
	return p.UnitName(code)
}

// Parent returns the code of the unit's parent, "" for the root.
func (p *Plan) Parent(code string) string { return p.parentIndex[code] }

// ReportingUnits returns the units that file returns: the leaves of the tree under the root, in
// plan order.
func (p *Plan) ReportingUnits() []Unit {
	var out []Unit
	for _, c := range p.Root.Children {
		out = appendLeaves(out, c)
	}
	return out
}

// Leaves returns the reporting units under the unit with the code (itself if it is a leaf).
func (p *Plan) Leaves(code string) []Unit {
	u, ok := p.unitIndex[code]
	if !ok {
		return nil
	}
	return appendLeaves(nil, *u)
}

// appendLeaves appends the leaves of the tree under u (u itself if it is a leaf), in plan order:
// the one walk of ReportingUnits and Leaves.
func appendLeaves(out []Unit, u Unit) []Unit {
	if len(u.Children) == 0 {
		return append(out, u)
	}
	for _, c := range u.Children {
		out = appendLeaves(out, c)
	}
	return out
}

// Target returns the city-wide target of the indicator for the year.
func (p *Plan) Target(code string, year int) (float64, bool) {
	for _, t := range p.Targets {
		if t.Indicator == code && t.Year == year {
			return t.Value, true
		}
	}
	return 0, false
}

// MilestonesFor returns the milestone schedule entries of the indicator, sorted by year then unit.
func (p *Plan) MilestonesFor(code string) []MilestoneDue {
	var out []MilestoneDue
	for _, m := range p.Milestones {
		if m.Indicator == code {
			out = append(out, m)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Year != out[j].Year {
			return out[i].Year < out[j].Year
		}
		return out[i].Unit < out[j].Unit
	})
	return out
}

// IndicatorsFor returns the indicators of a workstream, in plan order.
func (p *Plan) IndicatorsFor(workstream string) []Indicator {
	var out []Indicator
	for _, ind := range p.Indicators {
		if ind.Workstream == workstream {
			out = append(out, ind)
		}
	}
	return out
}

// CountyReported returns the indicators a unit reports in its monthly return, in plan order.
func (p *Plan) CountyReported() []Indicator {
	var out []Indicator
	for _, ind := range p.Indicators {
		if ind.Reporter == ReporterCounty {
			out = append(out, ind)
		}
	}
	return out
}

// ContainsPeriod reports whether the month lies inside the plan.
func (p *Plan) ContainsPeriod(period string) bool {
	return periodPattern.MatchString(period) && period >= p.StartPeriod && period <= p.EndPeriod
}

// UnitTasksFrom returns the month the unit's own construction tasks start (its tasks_from, else when it
// starts reporting).
func (p *Plan) UnitTasksFrom(code string) string {
	if u, ok := p.unitIndex[code]; ok && u.TasksFrom != "" {
		return u.TasksFrom
	}
	return p.UnitStart(code)
}

// UnitStart returns the first month the unit is expected to report.
func (p *Plan) UnitStart(code string) string {
	if u, ok := p.unitIndex[code]; ok && u.StartPeriod != "" {
		return u.StartPeriod
	}
	return p.StartPeriod
}
