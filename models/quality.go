package models

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// QualityRules are the data-quality thresholds, read from the plan file's "quality" object; zero
// fields take the defaults.
type QualityRules struct {
	// JumpZ is the robust z-score (median and MAD of month-on-month changes) beyond which a change
	// is flagged, against both the unit's own history and its peers' changes the same month.
	JumpZ float64 `json:"jump_z,omitempty"`
	// PaceMonths is how many months in a row a flow must sit exactly on its target pace to be flagged.
	PaceMonths int `json:"pace_months,omitempty"`
	// SameDigitsMin is how many figures (100 or more) must end in the same two digits to be flagged.
	SameDigitsMin int `json:"same_digits_min,omitempty"`
	// IdenticalMin is how many non-zero figures two returns must share for "identical" to mean anything.
	IdenticalMin int `json:"identical_min,omitempty"`
	// LedgerTolerance is the share of the larger figure by which a return may differ from its ledger
	// (at least 1) before it is flagged.
	LedgerTolerance float64 `json:"ledger_tolerance,omitempty"`
}

// Quality rule defaults.
const (
	DefaultJumpZ           = 3.5
	DefaultPaceMonths      = 3
	DefaultSameDigitsMin   = 4
	DefaultIdenticalMin    = 3
	DefaultLedgerTolerance = 0.02
)

// WithDefaults fills unset thresholds.
func (q QualityRules) WithDefaults() QualityRules {
	if q.JumpZ <= 0 {
		q.JumpZ = DefaultJumpZ
	}
	if q.PaceMonths <= 0 {
		q.PaceMonths = DefaultPaceMonths
	}
	if q.SameDigitsMin <= 0 {
		q.SameDigitsMin = DefaultSameDigitsMin
	}
	if q.IdenticalMin <= 0 {
		q.IdenticalMin = DefaultIdenticalMin
	}
	if q.LedgerTolerance <= 0 {
		q.LedgerTolerance = DefaultLedgerTolerance
	}
	return q
}

// Quality flag rules.
const (
	FlagIdenticalPeer     = "identical_peer"
	FlagIdenticalPrevious = "identical_previous"
	FlagJump              = "jump"
	FlagTargetPace        = "target_pace"
	FlagSameDigits        = "same_digits"
	FlagLedger            = "ledger_mismatch"
)

// QualityRule is the rule that raised a data-quality flag (values FlagIdenticalPeer … FlagLedger).
// Flags keep it as a plain string; QualityRule(f.Rule).Label() names it.
type QualityRule string

// QualityRuleList lists every flag rule.
func QualityRuleList() []QualityRule {
	return []QualityRule{FlagIdenticalPeer, FlagIdenticalPrevious, FlagJump, FlagTargetPace, FlagSameDigits, FlagLedger}
}

// Label names a flag rule in Chinese.
func (rule QualityRule) Label() string {
	switch rule {
	case FlagIdenticalPeer:
		return "与其他单位相同"
	case FlagIdenticalPrevious:
		return "与上月相同"
	case FlagJump:
		return "异常波动"
	case FlagTargetPace:
		return "恰好等于序时进度"
	case FlagSameDigits:
		return "尾数雷同"
	case FlagLedger:
		return "与台账不符"
	}
	return string(rule)
}

// FigureRef is a figure a flag compared, so that the page can link to it: a return's figure, or
// (LedgerSnapshot set) the figure the unit's ledger snapshot gives.
type FigureRef struct {
	Unit, Period, Indicator string
	Value                   float64
	LedgerSnapshot          uint
}

// QualityFlag is a reason to look at a return twice. It never refuses anything.
type QualityFlag struct {
	// Key identifies the flag for dismissal: rule, unit, month and indicator.
	Key                     string
	Rule                    string
	Unit, Period, Indicator string
	// Message says why, in one Chinese sentence.
	Message  string
	Compared []FigureRef
}

// MonthFigures is one month of a unit's to-date figures.
type MonthFigures struct {
	Period Period
	Values map[string]float64
}

// QualityInput is everything the flag rules look at for one unit's return of one month.
type QualityInput struct {
	Rules  QualityRules
	Unit   string
	Period Period
	Values map[string]float64
	// History is the unit's own earlier months, oldest first (the last one is usually the month before).
	History []MonthFigures
	// Peers and PeersPrevious are the other units' figures this month and the month before.
	Peers, PeersPrevious map[string]map[string]float64
	// Kinds gives each indicator's kind (annual flows restart in January); missing means cumulative.
	Kinds map[string]IndicatorKind
	// Pace is the unit's monthly target pace per flow indicator this year (allocation ÷ months), and
	// PaceFirstMonth the year's first month the pace counts from (1 unless the plan starts that year).
	Pace           map[string]float64
	PaceFirstMonth int
	// Ledger is the comparison with the unit's ledger of the month (Store.CompareSnapshot), made
	// from the snapshot LedgerSnapshot.
	Ledger         []LedgerComparison
	LedgerSnapshot uint
	// Names gives unit and indicator names for the messages; Format writes numbers (FormatNumber).
	Names  map[string]string
	Format func(float64) string
}

// QualityFlags applies every rule and returns the flags sorted by key. It is pure: values in, flags out.
// Each kind of flag is one small function below.
func QualityFlags(in QualityInput) []QualityFlag {
	q := newQualityCheck(in)
	q.identicalPeers()
	q.identicalPrevious()
	for _, code := range q.codes {
		q.jump(code)
		q.targetPace(code)
	}
	q.sameDigits()
	q.ledger()
	sort.Slice(q.out, func(i, j int) bool { return q.out[i].Key < q.out[j].Key })
	return q.out
}

// qualityCheck is one return being flagged: its input, the month before (nil when not filed) and
// the flags found so far.
type qualityCheck struct {
	in    QualityInput
	cur   string
	prev  *MonthFigures
	codes []string // the return's indicators, sorted
	out   []QualityFlag
}

func newQualityCheck(in QualityInput) *qualityCheck {
	in.Rules = in.Rules.WithDefaults()
	if in.Format == nil {
		in.Format = func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	}
	q := &qualityCheck{in: in, cur: in.Period.String(), codes: make([]string, 0, len(in.Values))}
	if n := len(in.History); n > 0 && in.History[n-1].Period == in.Period.AddMonths(-1) {
		q.prev = &in.History[n-1]
	}
	for code := range in.Values {
		q.codes = append(q.codes, code)
	}
	sort.Strings(q.codes)
	return q
}

func (q *qualityCheck) name(code string) string {
	if n, ok := q.in.Names[code]; ok {
		return n
	}
	return code
}

func (q *qualityCheck) add(rule, indicator, msg string, refs ...FigureRef) {
	q.out = append(q.out, QualityFlag{Key: strings.Join([]string{rule, q.in.Unit, q.cur, indicator}, ":"), Rule: rule,
		Unit: q.in.Unit, Period: q.cur, Indicator: indicator, Message: msg, Compared: refs})
}

// identicalPeers flags copied sheets: figures identical to another unit's return of the month.
func (q *qualityCheck) identicalPeers() {
	peers := make([]string, 0, len(q.in.Peers))
	for u := range q.in.Peers {
		peers = append(peers, u)
	}
	sort.Strings(peers)
	for _, u := range peers {
		if n, ok := identical(q.in.Values, q.in.Peers[u], q.in.Rules.IdenticalMin); ok {
			q.add(FlagIdenticalPeer, "", fmt.Sprintf("本月报的%d项数字与%s同月月报完全相同，可能套用了其他单位的表格。", n, q.name(u)),
				FigureRef{Unit: q.in.Unit, Period: q.cur}, FigureRef{Unit: u, Period: q.cur})
		}
	}
}

// identicalPrevious flags copied sheets: figures identical to the unit's own previous month while at
// least half of the other units' returns changed.
func (q *qualityCheck) identicalPrevious() {
	if q.prev == nil {
		return
	}
	n, ok := identical(q.in.Values, q.prev.Values, q.in.Rules.IdenticalMin)
	if !ok {
		return
	}
	moved, both := 0, 0
	for u, now := range q.in.Peers {
		if before, ok := q.in.PeersPrevious[u]; ok {
			both++
			if _, same := identical(now, before, 1); !same {
				moved++
			}
		}
	}
	if both > 0 && moved*2 >= both {
		q.add(FlagIdenticalPrevious, "", fmt.Sprintf("本月报的%d项数字与本单位上月完全相同，而其他单位%d家中有%d家本月有变化，可能沿用了上月的表格。", n, both, moved),
			FigureRef{Unit: q.in.Unit, Period: q.cur}, FigureRef{Unit: q.in.Unit, Period: q.prev.Period.String()})
	}
}

// jump flags a month-on-month change far outside the unit's own changes and its peers' this month.
// The unit's own changes are compared as they are; the peers', which differ in size by ten times,
// as growth (change ÷ the month before), so that a small unit's jump is not lost among big units'
// ordinary months, nor a big unit's ordinary month flagged against small units.
func (q *qualityCheck) jump(code string) {
	if q.prev == nil {
		return
	}
	before, ok := q.prev.Values[code]
	if !ok {
		return
	}
	v, kind := q.in.Values[code], q.in.Kinds[code]
	d := change(kind, q.in.Period, before, v)
	own := ownChanges(q.in.History, code, kind)
	var peer []float64
	for u, now := range q.in.Peers {
		b, okB := q.in.PeersPrevious[u][code]
		a, okA := now[code]
		if okA && okB && b != 0 {
			peer = append(peer, change(kind, q.in.Period, b, a)/math.Abs(b))
		}
	}
	zo, okOwn := robustZ(d, own, 1)
	zp, okPeer := 0.0, false
	if before != 0 {
		zp, okPeer = robustZ(d/math.Abs(before), peer, minGrowthSpread)
	}
	limit := q.in.Rules.JumpZ
	if !(okOwn || okPeer) || (okOwn && math.Abs(zo) <= limit) || (okPeer && math.Abs(zp) <= limit) {
		return
	}
	z := zo
	if !okOwn || (okPeer && math.Abs(zp) < math.Abs(zo)) {
		z = zp
	}
	peerText := "无"
	if len(peer) > 0 {
		peerText = "增幅中位数 " + FormatPercent(median(peer))
	}
	growth := ""
	if before != 0 {
		growth = "（" + FormatPercent(d/math.Abs(before)) + "）"
	}
	direction := "远高于"
	if z < 0 {
		direction = "远低于"
	}
	q.add(FlagJump, code, fmt.Sprintf("%s本月较上月变化 %s%s，%s本单位以往各月（中位数 %s）和其他单位本月（%s）的变化，稳健Z值 %s。",
		q.name(code), q.in.Format(d), growth, direction, medianText(own, q.in.Format), peerText, strconv.FormatFloat(math.Abs(z), 'f', 1, 64)),
		FigureRef{Unit: q.in.Unit, Period: q.cur, Indicator: code, Value: v}, FigureRef{Unit: q.in.Unit, Period: q.prev.Period.String(), Indicator: code, Value: before})
}

// minGrowthSpread is the smallest spread of the peers' growth a robust z-score divides by: one
// percentage point (peers growing alike would otherwise make any difference look extreme).
const minGrowthSpread = 0.01

// targetPace flags a flow that grew exactly at its target pace month after month within the year:
// each month either rose by the pace or stood on the pace line (pace × the months of the year so
// far), at the precision the figures are written in (within half a step of their last decimal: a
// unit rounding the pace to whole counts, or to 0.01 亿元, lands there; a real month's wobble, or a
// steady 0.04 against a pace of 0.048, does not).
func (q *qualityCheck) targetPace(code string) {
	pace, ok := q.in.Pace[code]
	if !ok || pace <= 0 {
		return
	}
	months := append(append([]MonthFigures(nil), q.in.History...), MonthFigures{Period: q.in.Period, Values: q.in.Values})
	var run []FigureRef
	for i := len(months) - 1; i > 0 && len(run) < q.in.Rules.PaceMonths; i-- {
		if !q.onPace(code, pace, months[i-1], months[i]) {
			break
		}
		p := months[i].Period
		run = append([]FigureRef{{Unit: q.in.Unit, Period: p.String(), Indicator: code, Value: months[i].Values[code]}}, run...)
	}
	if len(run) < q.in.Rules.PaceMonths {
		return
	}
	figs := make([]string, len(run))
	for i, r := range run {
		figs[i] = r.Period + " " + q.in.Format(r.Value)
	}
	q.add(FlagTargetPace, code, fmt.Sprintf("%s连续%d个月（%s）恰好按目标分解的序时进度（每月 %s）增长，请核实是否按目标倒推填报。",
		q.name(code), len(run), strings.Join(figs, "、"), q.in.Format(pace)), run...)
}

// onPace reports whether a flow's month (cur, after before) is exactly on its pace: the month before
// is filed, both are this year, and the change or the figure itself rounds to the pace's.
func (q *qualityCheck) onPace(code string, pace float64, before, cur MonthFigures) bool {
	a, okA := cur.Values[code]
	b, okB := before.Values[code]
	if !okA || !okB || before.Period != cur.Period.AddMonths(-1) || cur.Period.Year != q.in.Period.Year {
		return false
	}
	half := reportedStep(a, b) / 2 * (1 + 1e-9)
	if math.Abs(change(q.in.Kinds[code], cur.Period, b, a)-pace) <= half {
		return true
	}
	first := max(q.in.PaceFirstMonth, 1)
	return cur.Period.Month >= first && math.Abs(a-pace*float64(cur.Period.Month-first+1)) <= half
}

// reportedStep is the step of the last decimal the figures are written with: 1 for whole numbers,
// 0.01 for 3.35 (at most six decimals).
func reportedStep(vs ...float64) float64 {
	decimals := 0
	for _, v := range vs {
		text := strconv.FormatFloat(v, 'f', -1, 64)
		if i := strings.IndexByte(text, '.'); i >= 0 && len(text)-i-1 > decimals {
			decimals = len(text) - i - 1
		}
	}
	return math.Pow(10, -float64(min(decimals, 6)))
}

// sameDigits flags figures ending in the same two digits across indicators (e.g. all "00": estimates).
func (q *qualityCheck) sameDigits() {
	endings := map[int][]string{}
	for _, code := range q.codes {
		v := q.in.Values[code]
		if v >= 100 && v == math.Trunc(v) {
			end := int(math.Mod(v, 100))
			endings[end] = append(endings[end], code)
		}
	}
	for end := 0; end < 100; end++ {
		same := endings[end]
		if len(same) < q.in.Rules.SameDigitsMin {
			continue
		}
		names := make([]string, len(same))
		refs := make([]FigureRef, len(same))
		for i, code := range same {
			names[i] = q.name(code) + " " + q.in.Format(q.in.Values[code])
			refs[i] = FigureRef{Unit: q.in.Unit, Period: q.cur, Indicator: code, Value: q.in.Values[code]}
		}
		q.add(FlagSameDigits, fmt.Sprintf("%02d", end), fmt.Sprintf("%d项数字的末两位都是“%02d”（%s），请核实是否为估算数。", len(same), end, strings.Join(names, "、")), refs...)
	}
}

// ledger flags the return's disagreements with the unit's ledger of the month beyond the tolerance.
func (q *qualityCheck) ledger() {
	for _, c := range q.in.Ledger {
		if !c.HasDerived || !c.HasReported {
			continue
		}
		diff := c.Reported - c.Derived
		allowed := math.Max(1, q.in.Rules.LedgerTolerance*math.Max(math.Abs(c.Reported), math.Abs(c.Derived)))
		if math.Abs(diff) > allowed {
			q.add(FlagLedger, c.Indicator, fmt.Sprintf("%s月报填报 %s，网点台账计算为 %s，相差 %s，超出允许误差 %s。",
				q.name(c.Indicator), q.in.Format(c.Reported), q.in.Format(c.Derived), q.in.Format(math.Abs(diff)), q.in.Format(allowed)),
				FigureRef{Unit: q.in.Unit, Period: q.cur, Indicator: c.Indicator, Value: c.Reported},
				FigureRef{Unit: q.in.Unit, Period: q.cur, Indicator: c.Indicator, Value: c.Derived, LedgerSnapshot: q.in.LedgerSnapshot})
		}
	}
}

// identical reports whether a and b agree on every indicator they share, with at least min shared
// non-zero figures (two empty returns are not copies of each other).
func identical(a, b map[string]float64, min int) (int, bool) {
	shared, nonZero := 0, 0
	for code, v := range a {
		w, ok := b[code]
		if !ok {
			continue
		}
		if v != w {
			return 0, false
		}
		shared++
		if v != 0 {
			nonZero++
		}
	}
	return shared, shared > 0 && nonZero >= min
}

// Change is the month-on-month change of a to-date figure; an annual flow restarts in January.
func change(kind IndicatorKind, p Period, before, now float64) float64 {
	if kind == KindAnnual && p.Month == 1 {
		return now
	}
	return now - before
}

// ownChanges lists a unit's month-on-month changes of an indicator over its history.
func ownChanges(h []MonthFigures, code string, kind IndicatorKind) []float64 {
	var out []float64
	for i := 1; i < len(h); i++ {
		a, okA := h[i].Values[code]
		b, okB := h[i-1].Values[code]
		if okA && okB && h[i-1].Period == h[i].Period.AddMonths(-1) {
			out = append(out, change(kind, h[i].Period, b, a))
		}
	}
	return out
}

// minRobustPool is the fewest changes a robust z-score is computed from.
const minRobustPool = 4

// robustZ is (x − median) ÷ (1.4826 × MAD) over the pool; with a zero MAD the mean absolute
// deviation (× 1.2533) stands in, and the scale is at least floor (1 for counts: integer counts
// always wobble by one). It says false when the pool is too small; x within floor of the median
// scores 0.
func robustZ(x float64, pool []float64, floor float64) (float64, bool) {
	if len(pool) < minRobustPool {
		return 0, false
	}
	med := median(pool)
	if math.Abs(x-med) <= floor {
		return 0, true
	}
	dev := make([]float64, len(pool))
	mean := 0.0
	for i, v := range pool {
		dev[i] = math.Abs(v - med)
		mean += dev[i]
	}
	scale := 1.4826 * median(dev)
	if scale == 0 {
		scale = 1.2533 * mean / float64(len(pool))
	}
	// Counts move in whole units: a spread below one would make any change look extreme.
	scale = math.Max(scale, floor)
	return (x - med) / scale, true
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func medianText(v []float64, format func(float64) string) string {
	if len(v) == 0 {
		return "无"
	}
	return format(median(v))
}
