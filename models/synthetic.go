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
	units := p.ReportingUnits()
	periods := PeriodsBetween(MustPeriod(p.StartPeriod), MustPeriod(p.EndPeriod))
	id := uint(0)
	for n, per := range periods {
		for ui, u := range units {
			id++
			for _, ind := range p.Indicators {
				switch {
				case ind.Kind == KindMilestone:
					state := MilestoneNotStarted
					if (ui+n)%4 == 0 {
						state = MilestoneDone
					}
					ds.Milestones = append(ds.Milestones, MilestoneObservation{Unit: u.Code, Period: per,
						Indicator: ind.Code, State: state, VersionID: id, Approved: true})
				case ind.Reporter == ReporterCounty:
					v := float64((n + 1) * (ui%17 + 1))
					if ind.Kind == KindAnnual {
						v = float64(per.Month * (ui%13 + 1))
					}
					ds.Observations = append(ds.Observations, Observation{Unit: u.Code, Period: per,
						Indicator: ind.Code, Value: v, VersionID: id, Version: 1, Approved: true})
				}
			}
		}
		for _, ind := range p.Indicators {
			if ind.Reporter == ReporterOffice {
				ds.Observations = append(ds.Observations, Observation{Unit: p.Root.Code, Period: per,
					Indicator: ind.Code, Value: float64(n), VersionID: id, Version: 1, Approved: true})
			}
		}
	}
	for ui, u := range units {
		ds.AdminVillages[u.Code] = 50 + ui%40
	}
	return ds
}
