package models

import "fmt"

// SyntheticNational builds a plan and a full dataset for load tests and benchmarks: a country over
// provinces × counties reporting units, 30 indicators of every kind and roll-up rule, and a return
// from every county in each of the plan's 36 months (2023-01 to 2025-12). At 30 × 100 it is the
// national scale the dashboards are measured at.
func SyntheticNational(provinces, counties int) (*Plan, Dataset, error) {
	p := &Plan{Code: "national", Name: "全国合成方案", StartPeriod: "2023-01", EndPeriod: "2025-12",
		Years: []int{2023, 2024, 2025}, Workstreams: []Workstream{{Code: "all", Name: "全部"}}}
	add := func(ind Indicator, targets ...float64) {
		ind.Name, ind.Workstream = ind.Code, "all"
		p.Indicators = append(p.Indicators, ind)
		for k, v := range targets {
			p.Targets = append(p.Targets, Target{Indicator: ind.Code, Year: 2023 + k, Value: v})
		}
	}
	for i := range 12 {
		add(Indicator{Code: fmt.Sprintf("stock_%d", i), Kind: KindCumulative, RollUp: RollUpSum,
			Reporter: ReporterCounty}, 30000, 60000, 90000)
	}
	for i := range 10 {
		add(Indicator{Code: fmt.Sprintf("flow_%d", i), Kind: KindAnnual, RollUp: RollUpSum,
			Reporter: ReporterCounty}, 100000, 120000, 140000)
	}
	for i := range 3 {
		add(Indicator{Code: fmt.Sprintf("rate_%d", i), Kind: KindRate, RollUp: RollUpRatio,
			Reporter: ReporterDerived, Numerator: fmt.Sprintf("stock_%d", i), Denominator: DenominatorAdminVillages, Percent: PercentShare}, 30, 60, 90)
	}
	for i := range 2 {
		add(Indicator{Code: fmt.Sprintf("office_%d", i), Kind: KindRate, RollUp: RollUpOffice, Percent: PercentGrowth,
			Reporter: ReporterOffice}, 10, 20, 30)
	}
	for i := range 3 {
		add(Indicator{Code: fmt.Sprintf("milestone_%d", i), Kind: KindMilestone, RollUp: RollUpCount,
			Reporter: ReporterCounty})
	}
	p.Root = Unit{Code: "cn", Name: "全国", Level: "country"}
	for prov := range provinces {
		pu := Unit{Code: fmt.Sprintf("p%02d", prov), Name: fmt.Sprintf("省%d", prov), Level: "province"}
		for county := range counties {
			code := fmt.Sprintf("p%02dc%03d", prov, county)
			pu.Children = append(pu.Children, Unit{Code: code, Name: code, Level: "county"})
			for i := range 3 {
				p.Milestones = append(p.Milestones, MilestoneDue{Indicator: fmt.Sprintf("milestone_%d", i), Unit: code, Year: 2023 + (county+i)%3})
			}
		}
		p.Root.Children = append(p.Root.Children, pu)
	}
	if err := p.Validate(); err != nil {
		return nil, Dataset{}, fmt.Errorf("models: synthetic plan: %w", err)
	}
	return p, syntheticDataset(p), nil
}

// syntheticDataset gives every county a return in each month with all its figures.
func syntheticDataset(p *Plan) Dataset {
	ds := Dataset{Allocations: map[string]map[int]map[string]float64{}, Targets: map[string]map[int]float64{},
		AdminVillages: map[string]int{}, Tolerances: map[string]float64{}}
	id := uint(0)
	EachSyntheticReturn(p, func(r SyntheticReturn) {
		id++
		for i := range r.Observations {
			r.Observations[i].VersionID = id
		}
		for i := range r.Milestones {
			r.Milestones[i].VersionID = id
		}
		ds.Observations = append(ds.Observations, r.Observations...)
		ds.Milestones = append(ds.Milestones, r.Milestones...)
	})
	for ui, u := range p.ReportingUnits() {
		ds.AdminVillages[u.Code] = syntheticVillages(ui)
	}
	return ds
}

func syntheticVillages(ui int) int { return 50 + ui%40 }

// SyntheticReturn is one return of the synthetic data set: a unit's figures for a month, all
// approved version 1 (VersionID is left for the caller to set).
type SyntheticReturn struct {
	Unit         string
	Period       Period
	Observations []Observation
	Milestones   []MilestoneObservation
}

// EachSyntheticReturn hands every return of the synthetic data set to fn, month by month: every
// reporting unit's, then the office's city-wide figures. The slices are reused between calls.
func EachSyntheticReturn(p *Plan, fn func(SyntheticReturn)) {
	units := p.ReportingUnits()
	periods := PeriodsBetween(MustPeriod(p.StartPeriod), MustPeriod(p.EndPeriod))
	var obs []Observation
	var ms []MilestoneObservation
	for n, per := range periods {
		for ui, u := range units {
			obs, ms = obs[:0], ms[:0]
			for _, ind := range p.Indicators {
				switch {
				case ind.Kind == KindMilestone:
					state := MilestoneNotStarted
					if (ui+n)%4 == 0 {
						state = MilestoneDone
					}
					ms = append(ms, MilestoneObservation{Unit: u.Code, Period: per, Indicator: ind.Code, State: state, Approved: true})
				case ind.Reporter == ReporterCounty:
					v := float64((n + 1) * (ui%17 + 1))
					if ind.Kind == KindAnnual {
						v = float64(per.Month * (ui%13 + 1))
					}
					obs = append(obs, Observation{Unit: u.Code, Period: per, Indicator: ind.Code, Value: v, Version: 1, Approved: true})
				}
			}
			fn(SyntheticReturn{Unit: u.Code, Period: per, Observations: obs, Milestones: ms})
		}
		obs, ms = obs[:0], ms[:0]
		for _, ind := range p.Indicators {
			if ind.Reporter == ReporterOffice {
				obs = append(obs, Observation{Unit: p.Root.Code, Period: per, Indicator: ind.Code, Value: float64(n), Version: 1, Approved: true})
			}
		}
		if len(obs) > 0 {
			fn(SyntheticReturn{Unit: p.Root.Code, Period: per, Observations: obs})
		}
	}
}

// The national synthetic data set's size: 31 provinces, 333 cities, 2,850 county-level units.
const (
	NationalProvinces = 31
	NationalCities    = 333
	NationalCounties  = 2850
)

// SyntheticCountry is the national test data set of `ruralkpi seed --synthetic national`: a plan over
// a four-level tree (the nation, 31 provinces, 333 cities, 2,850 county-level units reporting), the
// indicators of SyntheticNational, each county's returns for the 36 months of 2023–2025 (figures
// from EachSyntheticReturn), and allocations of every target to every unit below the nation: a
// sum's share in proportion to the counties below, a rate's level unchanged.
//
// The national set is SyntheticCountry(NationalProvinces, NationalCities, NationalCounties); cities
// are spread evenly over provinces and counties over cities.
func SyntheticCountry(provinces, cities, counties int) (*Plan, []Allocation, map[string]int, error) {
	if provinces < 1 || cities < provinces || counties < cities || provinces > 89 || cities/provinces > 98 || counties/cities > 98 {
		return nil, nil, nil, fmt.Errorf("models: synthetic country of %d provinces, %d cities, %d counties is out of range", provinces, cities, counties)
	}
	p, _, err := SyntheticNational(1, 1)
	if err != nil {
		return nil, nil, nil, err
	}
	p.Code, p.Name, p.Milestones = "national-synthetic", "全国农村快递发展合成测试方案（2023—2025年）", nil
	p.Root = Unit{Code: "100000", Name: "全国", Level: "country"}
	city, county := 0, 0
	for prov := range provinces {
		pu := Unit{Code: fmt.Sprintf("%02d0000", 11+prov), Name: fmt.Sprintf("第%d省", prov+1), Level: "province"}
		nc := cities / provinces
		if prov < cities%provinces {
			nc++
		}
		for c := range nc {
			cu := Unit{Code: fmt.Sprintf("%02d%02d00", 11+prov, c+1), Name: fmt.Sprintf("%s第%d市", pu.Name, c+1), Level: "city"}
			nk := counties / cities
			if city < counties%cities {
				nk++
			}
			for k := range nk {
				code := fmt.Sprintf("%02d%02d%02d", 11+prov, c+1, k+1)
				cu.Children = append(cu.Children, Unit{Code: code, Name: fmt.Sprintf("%s第%d县", cu.Name, k+1), Level: "county"})
				for i := range 3 {
					p.Milestones = append(p.Milestones, MilestoneDue{Indicator: fmt.Sprintf("milestone_%d", i), Unit: code, Year: 2023 + (county+i)%3})
				}
				county++

			}
			pu.Children = append(pu.Children, cu)
			city++
		}
		p.Root.Children = append(p.Root.Children, pu)
	}
	// Targets in proportion to the figures (each county's stock grows by 1–17 a month, flows 1–13 a
	// month), so that counties fall on both sides of 序时进度.
	n := float64(counties)
	for i := range p.Targets {
		t := &p.Targets[i]
		ind, _ := p.Indicator(t.Indicator)
		k := float64(t.Year - 2022)
		switch {
		case ind.Kind == KindCumulative:
			t.Value = n * 9 * 12 * k
		case ind.Kind == KindAnnual:
			t.Value = n * 7 * 78 / 12 * (1 + k/10)
		case ind.RollUp == RollUpRatio:
			t.Value = 8 * k // stock over 20× the villages of SyntheticNational: about 8% a year
		}
	}
	if err := p.Validate(); err != nil {
		return nil, nil, nil, fmt.Errorf("models: synthetic country: %w", err)
	}
	var allocs []Allocation
	var walk func(u Unit) int
	walk = func(u Unit) int {
		leaves := 0
		if len(u.Children) == 0 {
			leaves = 1
		}
		for _, c := range u.Children {
			leaves += walk(c)
		}
		if u.Code == p.Root.Code {
			return leaves
		}
		for _, t := range p.Targets {
			ind, _ := p.Indicator(t.Indicator)
			switch {
			case ind.RollUp == RollUpSum:
				allocs = append(allocs, Allocation{Indicator: t.Indicator, Year: t.Year, UnitCode: u.Code, Value: t.Value * float64(leaves) / n})
			case ind.RollUp == RollUpRatio:
				allocs = append(allocs, Allocation{Indicator: t.Indicator, Year: t.Year, UnitCode: u.Code, Value: t.Value})
			}
		}
		return leaves
	}
	walk(p.Root)
	villages := map[string]int{}
	for ui, u := range p.ReportingUnits() {
		villages[u.Code] = 20 * syntheticVillages(ui)
	}
	return p, allocs, villages, nil
}
