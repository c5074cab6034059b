package models

import (
	"math"
	"slices"
	"sort"
	"strings"
	"time"
)

// Indicator codes the ledger derives (they are the plan's codes).
const (
	IndServicePoints   = "service_points"
	IndCoveredVillages = "covered_villages"
	IndDirectPoints    = "direct_delivery_points"
	IndFusedPoints     = "pfm_fused_points"
	IndIncome10k       = "points_income_10k"
	IndIncome20k       = "points_income_20k"
	IndStationsClosed  = "stations_closed"
	IndStationsMerged  = "stations_merged"
	IndStationsAdded   = "stations_added"
)

// LedgerIndicatorCodes lists the indicators a ledger yields, in display order.
func LedgerIndicatorCodes() []string {
	return []string{IndServicePoints, IndCoveredVillages, IndDirectPoints, IndFusedPoints, IndIncome10k,
		IndIncome20k, IndStationsClosed, IndStationsMerged, IndStationsAdded}
}

// LedgerIndicators derives a unit's point indicators for a month from its ledger snapshot.
// Stock indicators count points in operation at the snapshot; the 三个一批 flows count, within the
// snapshot's calendar year up to its month, points closed (已裁撤), merged (已撤并), and points
// opened in a village that had no point in operation the day before ("新增空白站点").
func LedgerIndicators(points []LedgerPoint, asOf Period) map[string]float64 {
	t := NewLedgerTally(asOf)
	for _, p := range points {
		t.Add(p)
	}
	return t.Indicators()
}

// ledgerSpan is what the blank-village rule needs of a point: 12 bytes instead of a whole point.
type ledgerSpan struct {
	opened, changed LedgerDate
	status          LedgerStatus
}

// LedgerTally accumulates the ledger indicators point by point, so that an import can compute them
// while streaming without keeping the points.
type LedgerTally struct {
	yearStart, monthEnd LedgerDate
	counts              map[string]float64
	covered             map[ledgerVillageKey]struct{}
	byVillage           map[ledgerVillageKey][]ledgerSpan
}

// ledgerVillageKey names a village within its township (names repeat across townships).
type ledgerVillageKey struct{ township, village string }

// NewLedgerTally starts a tally for a snapshot month.
func NewLedgerTally(asOf Period) *LedgerTally {
	t := &LedgerTally{
		yearStart: LedgerDateOf(time.Date(asOf.Year, 1, 1, 0, 0, 0, 0, time.UTC)),
		monthEnd:  LedgerDateOf(time.Date(asOf.Year, time.Month(asOf.Month)+1, 0, 0, 0, 0, 0, time.UTC)),
		counts:    map[string]float64{}, covered: map[ledgerVillageKey]struct{}{}, byVillage: map[ledgerVillageKey][]ledgerSpan{},
	}
	for _, code := range LedgerIndicatorCodes() {
		t.counts[code] = 0
	}
	return t
}

func (t *LedgerTally) inYear(d LedgerDate) bool { return d >= t.yearStart && d <= t.monthEnd }

// Add counts one point.
func (t *LedgerTally) Add(p LedgerPoint) {
	key := ledgerVillageKey{p.Township, p.Village}
	switch p.Status {
	case LedgerOperating:
		t.counts[IndServicePoints]++
		t.covered[key] = struct{}{}
		if p.Direct {
			t.counts[IndDirectPoints]++
		}
		if p.Fused {
			t.counts[IndFusedPoints]++
		}
		// "月收入超1万元" reads as strictly more than 10,000 yuan.
		if p.Income > 10_000 {
			t.counts[IndIncome10k]++
		}
		if p.Income > 20_000 {
			t.counts[IndIncome20k]++
		}
	case LedgerClosed:
		if t.inYear(p.ChangedOn) {
			t.counts[IndStationsClosed]++
		}
	case LedgerMerged:
		if t.inYear(p.ChangedOn) {
			t.counts[IndStationsMerged]++
		}
	}
	if p.OpenedOn != 0 {
		t.byVillage[key] = append(t.byVillage[key], ledgerSpan{opened: p.OpenedOn, changed: p.ChangedOn, status: p.Status})
	}
}

// Indicators returns the derived figures by indicator code.
func (t *LedgerTally) Indicators() map[string]float64 {
	out := make(map[string]float64, len(t.counts))
	for k, v := range t.counts {
		out[k] = v
	}
	out[IndCoveredVillages] = float64(len(t.covered))
	out[IndStationsAdded] = float64(t.blankFills())
	return out
}

// blankFills counts points opened this year to date in a village where no other point was in
// operation the day before.
func (t *LedgerTally) blankFills() int {
	n := 0
	for _, spans := range t.byVillage {
		for i, p := range spans {
			if !t.inYear(p.opened) {
				continue
			}
			blank := true
			for j, q := range spans {
				if j != i && q.operatingOn(p.opened-1) {
					blank = false
					break
				}
			}
			if blank {
				n++
			}
		}
	}
	return n
}

// operatingOn reports whether a point was in operation on day d, as far as the ledger says.
func (s ledgerSpan) operatingOn(d LedgerDate) bool {
	if s.opened == 0 || s.opened > d {
		return false
	}
	if s.status == LedgerOperating {
		return true
	}
	return s.changed > d
}

// Coverage is covered villages over the unit's administrative villages, in percent; ok is false
// when the denominator is unknown.
func Coverage(covered float64, adminVillages int) (pct float64, ok bool) {
	if adminVillages <= 0 {
		return 0, false
	}
	return math.Round(covered/float64(adminVillages)*10000) / 100, true
}

// LedgerPointChange is a point present in both snapshots whose recorded facts differ.
type LedgerPointChange struct {
	Before, After LedgerPoint
	// Fields names what changed, in template words (名称, 运营状态, …).
	Fields []string
}

// LedgerDiff is what changed between two consecutive snapshots of a unit's ledger.
type LedgerDiff struct {
	Added   []LedgerPoint       // codes new in the later snapshot
	Closed  []LedgerPoint       // became 已裁撤
	Merged  []LedgerPoint       // became 已撤并
	Changed []LedgerPointChange // any other change of a point in both (reopening included)
	// Missing lists points of the earlier snapshot absent from the later one: a ledger should keep
	// closed and merged points with their status, so this is a warning for the office.
	Missing []LedgerPoint
}

// DiffLedger compares an earlier and a later snapshot by point code. Results are in code order.
func DiffLedger(prev, cur []LedgerPoint) LedgerDiff {
	before := make(map[string]int, len(prev))
	for i, p := range prev {
		before[p.Code] = i
	}
	var d LedgerDiff
	seen := make(map[string]bool, len(cur))
	for _, p := range cur {
		seen[p.Code] = true
		i, ok := before[p.Code]
		if !ok {
			d.Added = append(d.Added, p)
			continue
		}
		old := prev[i]
		statusChanged := old.Status != p.Status
		switch {
		case statusChanged && p.Status == LedgerClosed:
			d.Closed = append(d.Closed, p)
		case statusChanged && p.Status == LedgerMerged:
			d.Merged = append(d.Merged, p)
		}
		fields := ledgerChangedFields(old, p)
		if !statusChanged || p.Status == LedgerOperating {
			if len(fields) > 0 {
				d.Changed = append(d.Changed, LedgerPointChange{Before: old, After: p, Fields: fields})
			}
		}
	}
	for _, p := range prev {
		if !seen[p.Code] {
			d.Missing = append(d.Missing, p)
		}
	}
	byCode := func(a, b LedgerPoint) int { return strings.Compare(a.Code, b.Code) }
	slices.SortFunc(d.Added, byCode)
	slices.SortFunc(d.Closed, byCode)
	slices.SortFunc(d.Merged, byCode)
	slices.SortFunc(d.Missing, byCode)
	sort.Slice(d.Changed, func(i, j int) bool { return d.Changed[i].After.Code < d.Changed[j].After.Code })
	return d
}

// ledgerChangedFields names the facts of a point that differ between two snapshots. Monthly
// figures (income, parcels) change every month and are not reported as changes.
func ledgerChangedFields(a, b LedgerPoint) []string {
	var out []string
	add := func(changed bool, name string) {
		if changed {
			out = append(out, name)
		}
	}
	add(a.Name != b.Name, "网点名称")
	add(a.Township != b.Township || a.Village != b.Village, "所在行政村")
	add(a.OpenedOn != b.OpenedOn, "开办日期")
	add(a.Status != b.Status, "运营状态")
	add(a.ChangedOn != b.ChangedOn && a.Status == b.Status, "状态变更日期")
	add(a.Fused != b.Fused, "客货邮融合")
	add(a.Direct != b.Direct, "县村直通")
	add(a.Operator != b.Operator, "运营主体")
	add(a.HasCoords != b.HasCoords || a.Lat != b.Lat || a.Lon != b.Lon, "经纬度")
	return out
}

// LedgerSource says whose figure counts for an indicator when a unit has both a ledger and a return.
type LedgerSource string

// Sources the office can choose per indicator; the ledger is the default where one exists.
const (
	LedgerSourceLedger LedgerSource = "ledger"
	LedgerSourceReturn LedgerSource = "return"
)

// LedgerComparison is one indicator's derived and reported figures side by side.
type LedgerComparison struct {
	Indicator   string
	Derived     float64
	HasDerived  bool
	Reported    float64
	HasReported bool
	Mismatch    bool
	// Counted is the figure that counts under the office's choice of source.
	Counted float64
	Source  LedgerSource
}

// CompareLedger puts derived and reported figures side by side for every ledger indicator, flags
// differences, and picks the counted figure: the chosen source when it has a figure, else the other.
func CompareLedger(derived, reported map[string]float64, choice map[string]LedgerSource) []LedgerComparison {
	var out []LedgerComparison
	for _, code := range LedgerIndicatorCodes() {
		c := LedgerComparison{Indicator: code}
		c.Derived, c.HasDerived = derived[code]
		c.Reported, c.HasReported = reported[code]
		c.Mismatch = c.HasDerived && c.HasReported && math.Abs(c.Derived-c.Reported) > 1e-9
		src := choice[code]
		if src == "" {
			src = LedgerSourceLedger
		}
		switch {
		case src == LedgerSourceLedger && c.HasDerived, !c.HasReported:
			c.Counted, c.Source = c.Derived, LedgerSourceLedger
		default:
			c.Counted, c.Source = c.Reported, LedgerSourceReturn
		}
		if !c.HasDerived && !c.HasReported {
			c.Source = ""
		}
		out = append(out, c)
	}
	return out
}
