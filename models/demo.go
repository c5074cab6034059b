package models

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"
)

// DemoPassword is the password of every demo user; the README states it.
const DemoPassword = "demo2025"

// DemoProfile is how a demo unit performs: its size and how far ahead of or behind plan it runs.
type DemoProfile struct {
	AdminVillages int
	// Pace multiplies the planned path: 1.05 is 5% ahead, 0.80 clearly behind.
	Pace float64
	// Missing lists months for which the unit sends no return.
	Missing []string
	// LateMilestones maps indicator code → month it is finally done, past its due year.
	LateMilestones map[string]string
}

// DemoProfiles returns the demo figures for the Qujing plan's units; other plans get an even spread.
func DemoProfiles(p *Plan) map[string]DemoProfile {
	known := map[string]DemoProfile{
		"530302": {AdminVillages: 230, Pace: 1.06},
		"530303": {AdminVillages: 150, Pace: 1.00},
		"530304": {AdminVillages: 90, Pace: 0.93, Missing: []string{"2025-12"}},
		"530371": {AdminVillages: 50, Pace: 1.02},
		"530322": {AdminVillages: 160, Pace: 1.03},
		"530323": {AdminVillages: 100, Pace: 0.84, Missing: []string{"2024-07"},
			LateMilestones: map[string]string{"joint_distribution": ""}},
		"530324": {AdminVillages: 160, Pace: 0.96},
		"530325": {AdminVillages: 170, Pace: 0.79,
			LateMilestones: map[string]string{"hub_parks": "2025-05", "third_party_company": "2025-03"}},
		"530326": {AdminVillages: 280, Pace: 0.99},
		"530381": {AdminVillages: 298, Pace: 1.01},
	}
	out := map[string]DemoProfile{}
	units := p.ReportingUnits()
	for _, u := range units {
		if prof, ok := known[u.Code]; ok {
			out[u.Code] = prof
			continue
		}
		out[u.Code] = DemoProfile{AdminVillages: 100, Pace: 1}
	}
	return out
}

// DemoData is a complete, deterministic demo: returns for every unit and month, the office's own
// returns, allocations and reference figures.
type DemoData struct {
	Versions      []NewVersion
	Allocations   []Allocation
	AdminVillages map[string]int
}

// demoFinalMonth is the last month the demo fills.
const demoFinalMonth = "2025-12"

// GenerateDemo builds realistic demo returns for the plan: cumulative figures never fall, units
// that start later start then, and the units' paces give every status. The same plan and seed
// always give the same data.
func GenerateDemo(p *Plan, seed uint64) (DemoData, error) {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	profiles := DemoProfiles(p)
	units := p.ReportingUnits()
	start, err := ParsePeriod(p.StartPeriod)
	if err != nil {
		return DemoData{}, fmt.Errorf("models: demo: %w", err)
	}
	end, err := ParsePeriod(p.EndPeriod)
	if err != nil {
		return DemoData{}, fmt.Errorf("models: demo: %w", err)
	}
	if final := MustPeriod(demoFinalMonth); final.Before(end) {
		end = final
	}
	data := DemoData{AdminVillages: map[string]int{}}
	for _, u := range units {
		data.AdminVillages[u.Code] = profiles[u.Code].AdminVillages
	}
	// plan[indicator][unit][year] = the unit's planned year-end level (cumulative) or year total (annual).
	planned := map[string]map[string]map[int]float64{}
	for _, ind := range p.Indicators {
		if ind.Reporter != ReporterCounty || ind.Kind == KindMilestone || ind.Code == "hub_parks" {
			continue
		}
		planned[ind.Code] = apportion(p, ind, units, profiles, planned)
	}
	// covered villages follow service points (a point per village), capped by the number of villages.
	if sp, ok := planned["service_points"]; ok {
		cv := map[string]map[int]float64{}
		for u, years := range sp {
			cv[u] = map[int]float64{}
			for y, v := range years {
				cv[u][y] = math.Min(float64(profiles[u].AdminVillages), v) // a point per village
			}
		}
		planned["covered_villages"] = cv
	}
	for _, code := range sortedKeys(planned) {
		ind, _ := p.Indicator(code)
		if _, hasTarget := p.Target(code, p.Years[0]); !hasTarget {
			continue
		}
		for u, years := range planned[code] {
			for y, v := range years {
				data.Allocations = append(data.Allocations, Allocation{Indicator: code, Year: y, UnitCode: u, Value: round(v, ind), UpdatedBy: "demo"})
			}
		}
	}
	sort.Slice(data.Allocations, func(i, j int) bool {
		a, b := data.Allocations[i], data.Allocations[j]
		if a.Indicator != b.Indicator {
			return a.Indicator < b.Indicator
		}
		if a.Year != b.Year {
			return a.Year < b.Year
		}
		return a.UnitCode < b.UnitCode
	})

	for _, u := range units {
		prof := profiles[u.Code]
		uStart := MustPeriod(p.UnitStart(u.Code))
		if uStart.Before(start) {
			uStart = start
		}
		missing := map[string]bool{}
		for _, m := range prof.Missing {
			missing[m] = true
		}
		// indicator-specific pace so that a unit is not uniformly good or bad.
		pace := map[string]float64{}
		last := map[string]float64{}
		for _, code := range sortedKeys(planned) {
			pace[code] = prof.Pace * (0.96 + 0.08*rng.Float64())
		}
		for _, period := range PeriodsBetween(uStart, end) {
			if missing[period.String()] {
				continue
			}
			var values []ReturnValue
			for _, ind := range p.Indicators {
				if ind.Reporter != ReporterCounty || ind.Kind == KindMilestone {
					continue
				}
				var v float64
				if ind.Code == "hub_parks" {
					v = hubParkValue(p, u.Code, period, prof)
				} else {
					path := plannedToDate(p, ind, planned[ind.Code][u.Code], period, uStart)
					noise := 1 + 0.03*(rng.Float64()-0.5)
					v = path * pace[ind.Code] * noise
					if ind.Code == "covered_villages" {
						v = math.Min(v, float64(prof.AdminVillages))
					}
					v = round(v, ind)
					if whole, ok := demoWholeOf[ind.Code]; ok {
						if w, seen := last[whole]; seen {
							v = math.Min(v, w) // a part of this month's whole (which never falls)
						}
					}
					if ind.Kind == KindCumulative && v < last[ind.Code] {
						v = last[ind.Code]
					}
				}
				last[ind.Code] = v
				values = append(values, ReturnValue{Indicator: ind.Code, Value: v})
			}
			data.Versions = append(data.Versions, demoVersion(u.Code, period, end, values, demoMilestones(p, u.Code, period, prof)))
		}
	}
	data.Versions = append(data.Versions, officeDemoVersions(p, start, end)...)
	// A correction: one unit re-uploads a month with a fixed figure, so version history has content.
	for i, v := range data.Versions {
		if v.UnitCode == "530326" && v.Period == "2025-06" {
			first := v
			first.Values = append([]ReturnValue(nil), v.Values...)
			for j := range first.Values {
				if first.Values[j].Indicator == "outbound_parcels" {
					first.Values[j].Value = math.Round(first.Values[j].Value * 0.9)
				}
			}
			first.UploadedAt = v.UploadedAt.Add(-48 * time.Hour)
			first.Status = StatusReturned
			first.FileName = "会泽县-2025-06-月报.xlsx"
			for j := range data.Versions[i].Values {
				if data.Versions[i].Values[j].Indicator == "outbound_parcels" { // the figure corrected
					data.Versions[i].Values[j].Note = "更正：出口业务量漏报一个乡镇"
				}
			}
			data.Versions = append(data.Versions[:i], append([]NewVersion{first}, data.Versions[i:]...)...)
			break
		}
	}
	return data, nil
}

// demoWholeOf names, for a count that is part of another (direct-delivery, fused and income-band
// points are service points; a covered village has one), the count it cannot exceed.
var demoWholeOf = map[string]string{
	"covered_villages":       "service_points",
	"direct_delivery_points": "service_points",
	"pfm_fused_points":       "service_points",
	"points_income_10k":      "service_points",
	"points_income_20k":      "points_income_10k",
}

// apportion splits each year's city increment among the units by the largest-remainder method, in
// whole units for counts and in hundredths otherwise, so that unit allocations add up exactly to the
// city target (the allocations page shows 分解一致 on the demo). Every unit reports statistics from the
// plan's start; before a unit's own tasks start (roll-out counties: 2024) it builds at a third of the
// pace of the pilots, which carry the first year's construction. A count that is the numerator of a
// share of another count (points earning over 10,000 yuan of all service points) follows the
// denominator's allocation (shareOf), so that every unit's allocations hold the share the plan sets.
func apportion(p *Plan, ind Indicator, units []Unit, profiles map[string]DemoProfile, planned map[string]map[string]map[int]float64) map[string]map[int]float64 {
	out := map[string]map[int]float64{}
	for _, u := range units {
		out[u.Code] = map[int]float64{}
	}
	prevCity := 0.0
	level := map[string]float64{}
	den, denLevels := shareOf(p, ind, planned)
	villages := 0
	for _, u := range units {
		villages += profiles[u.Code].AdminVillages
	}
	for _, y := range p.Years {
		cityTarget, ok := p.Target(ind.Code, y)
		if !ok {
			cityTarget = demoUntargeted(ind, y)
		}
		amount := cityTarget
		if ind.Kind == KindCumulative {
			amount = cityTarget - prevCity
			prevCity = cityTarget
		}
		weights := map[string]float64{}
		total := 0.0
		for _, u := range units {
			if MustPeriod(p.UnitStart(u.Code)).Year > y {
				continue
			}
			w := float64(profiles[u.Code].AdminVillages)
			if ind.Kind == KindCumulative && ind.Code != "ev_replacement" && ind.Integer && (ind.Code == "service_points" || ind.Code == "direct_delivery_points" || ind.Code == "pfm_fused_points") {
				// Village-bound counts reach the city's share of the unit's villages (80% of them in
				// 2024), the rate the unit is held to: its part less what it already has.
				w = math.Max(0, cityTarget/float64(villages)*float64(profiles[u.Code].AdminVillages)-level[u.Code+ind.Code])
			}
			if ind.Kind == KindCumulative && MustPeriod(p.UnitTasksFrom(u.Code)).Year > y {
				w /= 3 // construction of a roll-out county before its tasks start
			}
			if denLevels != nil {
				// The unit's part of the city's share of its denominator, less what it already has.
				denTarget, _ := p.Target(den, y)
				w = 0
				if denTarget > 0 {
					w = math.Max(0, cityTarget/denTarget*denLevels[u.Code][y]-level[u.Code+ind.Code])
				}
			}
			weights[u.Code] = w
			total += w
		}
		scale := 100.0 // hundredths: money and volumes carry two decimals
		if ind.Integer {
			scale = 1
		}
		shares := largestRemainder(amount*scale, weights, total)
		for code := range shares {
			shares[code] /= scale
		}
		for _, u := range units {
			if ind.Kind == KindCumulative {
				level[u.Code+ind.Code] = math.Round((level[u.Code+ind.Code]+shares[u.Code])*scale) / scale
				out[u.Code][y] = level[u.Code+ind.Code]
			} else {
				out[u.Code][y] = shares[u.Code]
			}
		}
	}
	return out
}

// shareOf finds the count a cumulative count is a share of (a rate with it as numerator over another
// indicator, e.g. points_income_10k of service_points) and that count's planned levels, when both have
// targets in every year of the plan; nil when the count is no such numerator.
func shareOf(p *Plan, ind Indicator, planned map[string]map[string]map[int]float64) (string, map[string]map[int]float64) {
	if ind.Kind != KindCumulative {
		return "", nil
	}
	for _, r := range p.Indicators {
		if r.Kind != KindRate || r.Numerator != ind.Code || r.Denominator == "" || r.Denominator == DenominatorAdminVillages {
			continue
		}
		levels, ok := planned[r.Denominator]
		if !ok {
			continue
		}
		for _, y := range p.Years {
			if _, ok := p.Target(r.Denominator, y); !ok {
				return "", nil
			}
			if _, ok := p.Target(ind.Code, y); !ok {
				return "", nil
			}
		}
		return r.Denominator, levels
	}
	return "", nil
}

// demoUntargeted gives indicators without a target (三个一批) a plausible yearly volume.
func demoUntargeted(ind Indicator, year int) float64 {
	switch ind.Code {
	case "stations_closed":
		return float64(20 + 10*(year-2023))
	case "stations_merged":
		return float64(30 + 5*(year-2023))
	case "stations_added":
		return float64(60 - 10*(year-2023))
	}
	return 0
}

func largestRemainder(amount float64, weights map[string]float64, total float64) map[string]float64 {
	n := int(math.Round(amount))
	type part struct {
		code string
		rem  float64
	}
	out := map[string]float64{}
	var parts []part
	given := 0
	for _, code := range sortedKeys(weights) {
		exact := float64(n) * weights[code] / total
		whole := math.Floor(exact)
		out[code] = whole
		given += int(whole)
		parts = append(parts, part{code, exact - whole})
	}
	sort.SliceStable(parts, func(i, j int) bool { return parts[i].rem > parts[j].rem })
	for i := 0; i < n-given && i < len(parts); i++ {
		out[parts[i].code]++
	}
	return out
}

// plannedToDate is the unit's planned to-date figure for the month: the year-end levels joined by
// straight lines (cumulative), or the year total spread evenly over the months (annual).
func plannedToDate(p *Plan, ind Indicator, years map[int]float64, period, unitStart Period) float64 {
	y := period.Year
	switch ind.Kind {
	case KindAnnual:
		return years[y] * float64(period.Month) / 12
	default:
		prev := years[y-1]
		from := Period{Year: y, Month: 1}.AddMonths(-1) // December of last year
		if unitStart.Year == y {
			from = unitStart.AddMonths(-1)
		}
		share := float64(period.Index()-from.Index()) / float64(Period{Year: y, Month: 12}.Index()-from.Index())
		return prev + (years[y]-prev)*share
	}
}

func hubParkValue(p *Plan, unit string, period Period, prof DemoProfile) float64 {
	for _, m := range p.MilestonesFor("hub_parks") {
		if m.Unit != unit {
			continue
		}
		done := demoDoneMonth(m, prof)
		if done != nil && !period.Before(*done) {
			return 1
		}
	}
	return 0
}

// demoDoneMonth is when a unit completes a scheduled milestone in the demo: a few months before
// year end, or later for the units whose profile says so (nil: never within the demo).
func demoDoneMonth(m MilestoneDue, prof DemoProfile) *Period {
	if late, ok := prof.LateMilestones[m.Indicator]; ok {
		if late == "" {
			return nil
		}
		p := MustPeriod(late)
		return &p
	}
	month := 9 + len(m.Unit+m.Indicator)%4 // September to December
	p := Period{Year: m.Year, Month: month}
	return &p
}

func demoMilestones(p *Plan, unit string, period Period, prof DemoProfile) []MilestoneReport {
	var out []MilestoneReport
	for _, m := range p.Milestones {
		ind, ok := p.Indicator(m.Indicator)
		if !ok || ind.Kind != KindMilestone || ind.Reporter != ReporterCounty || m.Unit != unit {
			continue
		}
		out = append(out, milestoneState(m, period, demoDoneMonth(m, prof)))
	}
	return out
}

func milestoneState(m MilestoneDue, period Period, done *Period) MilestoneReport {
	r := MilestoneReport{Indicator: m.Indicator, State: MilestoneNotStarted}
	switch {
	case done != nil && !period.Before(*done):
		r.State = MilestoneDone
		r.DoneOn = fmt.Sprintf("%04d-%02d-%02d", done.Year, done.Month, 15)
	case period.Year >= m.Year || (period.Year == m.Year-1 && period.Month >= 10):
		r.State = MilestoneInProgress
	}
	return r
}

// officeDemoVersions are the office's own monthly entries on the root unit: office-reported rates
// and counts, and the city-wide trunk-line milestones.
func officeDemoVersions(p *Plan, start, end Period) []NewVersion {
	var out []NewVersion
	pace := map[string]float64{"firms_10m": 1.0, "cost_reduction": 0.97, "agri_outbound_growth": 0.9}
	for _, period := range PeriodsBetween(start, end) {
		var values []ReturnValue
		for _, ind := range p.Indicators {
			if ind.Reporter != ReporterOffice || ind.Kind == KindMilestone {
				continue
			}
			years := map[int]float64{}
			for _, y := range p.Years {
				if t, ok := p.Target(ind.Code, y); ok {
					years[y] = t
				}
			}
			v := plannedToDate(p, ind, years, period, start)
			if f, ok := pace[ind.Code]; ok {
				v *= f
			}
			if ind.Integer {
				v = math.Floor(v)
			} else {
				v = math.Round(v*10) / 10
			}
			values = append(values, ReturnValue{Indicator: ind.Code, Value: v})
		}
		var ms []MilestoneReport
		for _, m := range p.Milestones {
			ind, ok := p.Indicator(m.Indicator)
			if !ok || ind.Kind != KindMilestone || ind.Reporter != ReporterOffice {
				continue
			}
			if m.Unit != "" {
				// The office ticks each county's 工作专班 and 工作方案: pilots first, 师宗县's plan late.
				done := Period{Year: m.Year, Month: 9}
				if MustPeriod(p.UnitTasksFrom(m.Unit)).Year > m.Year {
					done.Month = 11
				}
				if m.Unit == "530323" && m.Indicator == "county_work_plan" {
					done = Period{Year: m.Year + 1, Month: 3}
				}
				r := milestoneState(m, period, &done)
				r.Unit = m.Unit
				ms = append(ms, r)
				continue
			}
			done := Period{Year: m.Year, Month: 11}
			if m.Indicator == "trunk_guangdong" {
				done = Period{Year: m.Year, Month: 10}
			}
			ms = append(ms, milestoneState(m, period, &done))
		}
		nv := demoVersion(p.Root.Code, period, end, values, ms)
		nv.Source = SourceDemo
		nv.UploadedBy = "office"
		out = append(out, nv)
	}
	return out
}

func demoVersion(unit string, period, end Period, values []ReturnValue, ms []MilestoneReport) NewVersion {
	due := period.AddMonths(1)
	uploaded := time.Date(due.Year, time.Month(due.Month), 2+len(unit)%3, 10, 30, 0, 0, time.Local)
	status := StatusApproved
	if period == end {
		status = StatusSubmitted
	}
	warnings, _ := json.Marshal([]string{})
	return NewVersion{
		UnitCode: unit, Period: period.String(), Source: SourceDemo, Status: status,
		FileName: fmt.Sprintf("%s-%s-月报.xlsx", unit, period), UploadedBy: "county-" + unit,
		UploadedAt: uploaded, Warnings: string(warnings), Values: values, Milestones: ms,
	}
}

// round makes a demo figure look typed: whole numbers for counts (rounded, so that a unit allocated
// one project reports it when its path reaches it), two decimals otherwise.
func round(v float64, ind Indicator) float64 {
	if ind.Integer {
		return math.Round(v)
	}
	return math.Round(v*100) / 100
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
