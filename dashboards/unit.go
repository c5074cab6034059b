package dashboards

import (
	"fmt"
	"sort"

	"ruralkpi/models"
)

// FigureGroup is the indicators of one workstream.
type FigureGroup struct {
	Workstream string
	Name       string
	Figures    []Figure
}

// MilestoneItem is one entry of a unit's milestone timeline.
type MilestoneItem struct {
	Indicator   string
	Name        string
	Label       string
	DueYear     int
	Due         string
	Schedule    string
	Status      string
	StatusLabel string
	Trace       string
}

// ReturnItem is one month of the unit's returns as it stands: its newest version, and how many
// versions the month has (the history page, HistoryURL, lists and compares them all).
type ReturnItem struct {
	Period     string
	Version    int
	VersionID  uint
	Versions   int
	HistoryURL string
	Status     string
	StatusText string
	Color      string // the status colour: returned red, approved green, waiting grey
	Source     string
	FileName   string
	UploadedBy string
	UploadedAt string
	ReviewNote string
}

// UnitPage is the unit page (/counties/:code): every indicator with its figures, a trend chart per
// indicator, the milestone timeline and the unit's returns.
type UnitPage struct {
	Header
	Code       string
	Name       string
	Start      string
	NotStarted bool
	Standing   UnitStanding
	Groups     []FigureGroup
	Charts     []Chart
	Milestones []MilestoneItem
	Returns    []ReturnItem
	// Children are the units directly below (a province's cities, a city's counties), each with
	// its standing; empty for a reporting unit.
	Children []UnitStanding
	// Ledger compares the unit's newest ledger with its return, where it keeps one (NewCountyLedger);
	// LedgerLink is true for users who may open the unit's ledger page (to upload the first one).
	// Quality holds the data-quality flags of the unit's return of the page's month. The handler
	// sets all three: they depend on the viewer and on rows it reads.
	Ledger     *CountyLedger
	LedgerLink bool
	Quality    *QualitySection
}

// NewUnitPage builds the page of one unit; versions are the unit's return versions, newest first or
// in any order (they are sorted here: newest month first, then newest version).
func NewUnitPage(in Input, code string, versions []models.ReturnVersion) (UnitPage, error) {
	p := in.Calc.Plan()
	u, ok := p.Unit(code)
	if !ok {
		return UnitPage{}, models.Errorf(models.ENotFound, "没有代码为 %q 的单位。", code)
	}
	page := UnitPage{Header: in.header(), Code: code, Name: u.Name, Start: p.UnitStart(code)}
	figures := in.Calc.ForScope(code, in.Period)
	groups := map[string]int{}
	for _, w := range p.Workstreams {
		groups[w.Code] = len(page.Groups)
		page.Groups = append(page.Groups, FigureGroup{Workstream: w.Code, Name: w.Name})
	}
	root := code == p.Root.Code
	var shown []models.Progress
	for _, pr := range figures {
		ind, _ := p.Indicator(pr.Indicator)
		if pr.GreyReason == models.GreyOfficeOnly && !root {
			// The office's own city-wide figures: a unit has none. The county's 工作专班 and 工作方案,
			// which the office ticks per unit, are the unit's own tasks and stay (as on the map).
			continue
		}
		shown = append(shown, pr)
		f := figure(p, pr)
		f.Link = "/indicators/" + pr.Indicator + "?period=" + in.Period.String()
		page.NotStarted = page.NotStarted || pr.NotStarted
		if g, ok := groups[ind.Workstream]; ok {
			page.Groups[g].Figures = append(page.Groups[g].Figures, f)
		}
		if ind.Judged() != models.ScheduleMilestone && (pr.HasTarget || pr.HasActual) {
			ch, err := trendChart(in, ind.Code, code, fmt.Sprintf("trend-%s", ind.Code))
			if err != nil {
				return UnitPage{}, err
			}
			page.Charts = append(page.Charts, ch)
		}
	}
	page.Standing = standing(in, u, shown, map[string]bool{}, nil)
	for _, c := range u.Children {
		var own []models.Progress
		for _, pr := range in.ForScope(c.Code, in.Period) {
			if pr.GreyReason != models.GreyOfficeOnly {
				own = append(own, pr)
			}
		}
		page.Children = append(page.Children, standing(in, c, own, map[string]bool{}, nil))
	}
	page.Milestones = milestoneTimeline(in, code)
	page.Returns = returnItems(versions)
	return page, nil
}

// milestoneTimeline lists the milestones due for the unit (for the root unit, the city-wide ones),
// in due order, with where each stands in the month shown.
func milestoneTimeline(in Input, code string) []MilestoneItem {
	p := in.Calc.Plan()
	var out []MilestoneItem
	for _, m := range p.Milestones {
		unit := m.Unit
		if unit == "" {
			unit = p.Root.Code
		}
		if unit != code {
			continue
		}
		ind, _ := p.Indicator(m.Indicator)
		pr := in.Calc.Progress(m.Indicator, code, in.Period)
		label := m.Label
		if label == "" {
			label = ind.Name
		}
		item := MilestoneItem{Indicator: m.Indicator, Name: ind.Name, Label: label, DueYear: m.Year,
			Due: fmt.Sprintf("%d年底前", m.Year), Schedule: pr.Schedule.Label(), Status: string(pr.Status),
			StatusLabel: pr.StatusWord(), Trace: trace(p, pr)}
		if pr.NotStarted {
			item.Schedule = "未开始报送"
		}
		out = append(out, item)
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].DueYear < out[b].DueYear })
	return out
}

// returnItems lists the unit's months newest first, one row each: a county that re-uploads often had
// filled the page with every superseded version.
func returnItems(versions []models.ReturnVersion) []ReturnItem {
	vs := append([]models.ReturnVersion(nil), versions...)
	sort.SliceStable(vs, func(a, b int) bool {
		if vs[a].Period != vs[b].Period {
			return vs[a].Period > vs[b].Period
		}
		return vs[a].Number > vs[b].Number
	})
	out := make([]ReturnItem, 0, len(vs))
	for _, v := range vs {
		if n := len(out); n > 0 && out[n-1].Period == v.Period {
			out[n-1].Versions++
			continue
		}
		item := ReturnItem{Period: v.Period, Version: v.Number, VersionID: v.ID, Versions: 1,
			HistoryURL: historyURL(v.UnitCode, v.Period),
			Status:     v.Status, StatusText: models.ReviewStatus(v.Status).Label(), Color: ReviewColor(v.Status),
			Source: models.VersionSource(v.Source).Label(), FileName: v.FileName, UploadedBy: v.UploadedBy, ReviewNote: v.ReviewNote}
		if !v.UploadedAt.IsZero() {
			item.UploadedAt = models.FormatLocalTime(v.UploadedAt) // as the board shows it
		}
		out = append(out, item)
	}
	return out
}

// ReviewColor maps a version's review state onto the stylesheet's status colours: 已退回 red, 已通过
// green, 待审核 and anything else grey, so that a returned version never looks like an approved one.
func ReviewColor(status string) string {
	switch status {
	case models.StatusApproved:
		return "green"
	case models.StatusReturned:
		return "red"
	}
	return "grey"
}
