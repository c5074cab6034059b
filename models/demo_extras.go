package models

import (
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// demoTownships names the townships of a demo unit's village list.
var demoTownships = []string{"城关镇", "东山镇", "西河乡", "南岭镇", "北坡乡", "中和镇", "龙潭乡"}

// DemoVillages is a unit's demo reference list of n administrative villages.
func DemoVillages(unit string, n int) []AdminVillage {
	out := make([]AdminVillage, n)
	for i := range out {
		out[i] = AdminVillage{UnitCode: unit, Township: demoTownships[i%len(demoTownships)],
			Name: fmt.Sprintf("第%d村", i+1), Division: fmt.Sprintf("%s%06d", unit, 100000+i), UpdatedBy: demoOfficeUser}
	}
	return out
}

// demoLedger is a demo ledger snapshot with its points.
type demoLedger struct {
	snap   LedgerSnapshot
	points []LedgerPoint
}

// demoLedgerPlan says which units keep a ledger in the demo and how their snapshots stand: 会泽县
// and 曲靖经开区 have an approved August ledger, 沾益区 a September ledger waiting for review that
// counts two villages fewer than its return (the ledger-vs-return check shows it).
var demoLedgerPlan = []struct {
	unit     string
	monthAgo int // how many months before the month being collected
	approved bool
	drift    int
}{
	{"530326", 1, true, 0},
	{"530371", 1, true, 0},
	{"530303", 0, false, 2},
}

// demoLedgers builds the demo's ledger snapshots from the returns they stand beside, so that an
// approved ledger confirms its return's figures.
func demoLedgers(d DemoData, today time.Time) []demoLedger {
	base := MustPeriod("2025-09")
	if !today.IsZero() {
		base = ReportingMonth(today)
	}
	latest := map[string]NewVersion{}
	for _, v := range d.Versions {
		latest[v.UnitCode+" "+v.Period] = v
	}
	var out []demoLedger
	for _, lp := range demoLedgerPlan {
		period := base.AddMonths(-lp.monthAgo)
		v, ok := latest[lp.unit+" "+period.String()]
		if !ok {
			continue
		}
		figures := map[string]float64{}
		for _, val := range v.Values {
			figures[val.Indicator] = val.Value
		}
		points := demoLedgerPoints(lp.unit, period, figures, d.AdminVillages[lp.unit], lp.drift)
		indicators, _ := json.Marshal(LedgerIndicators(points, period))
		uploaded := v.UploadedAt.Add(time.Hour)
		snap := LedgerSnapshot{UnitCode: lp.unit, Period: period.String(), Number: 1,
			FileName: fmt.Sprintf("%s-%s-网点台账.xlsx", lp.unit, period), UploadedBy: "county-" + lp.unit,
			UploadedAt: uploaded, Points: len(points), Warnings: "[]", Indicators: string(indicators), Status: StatusSubmitted}
		if lp.approved {
			at := uploaded.Add(30 * time.Hour)
			snap.Status, snap.ReviewedBy, snap.ReviewedAt, snap.ReviewNote = StatusApproved, demoOfficeUser, &at, "与月报核对一致"
		}
		out = append(out, demoLedger{snap: snap, points: points})
	}
	return out
}

// demoLedgerPoints lays out points that yield the return's figures: one point in each covered
// village (drift villages fewer), the rest doubling up, with the direct, fused and income counts.
func demoLedgerPoints(unit string, period Period, f map[string]float64, villages, drift int) []LedgerPoint {
	sp, cv := int(f[IndServicePoints]), min(int(f[IndCoveredVillages])-drift, villages)
	if cv > sp {
		cv = sp
	}
	opened := LedgerDateOf(time.Date(period.Year-2, 6, 1, 0, 0, 0, 0, time.UTC))
	thisYear := LedgerDateOf(time.Date(period.Year, 3, 1, 0, 0, 0, 0, time.UTC))
	added := int(f[IndStationsAdded])
	points := make([]LedgerPoint, 0, sp+8)
	for i := 0; i < sp; i++ {
		village := i % max(cv, 1)
		p := LedgerPoint{Code: fmt.Sprintf("%s-%04d", unit, i+1), Name: fmt.Sprintf("第%d村快递服务站", village+1),
			Township: demoTownships[village%len(demoTownships)], Village: fmt.Sprintf("第%d村", village+1),
			Operator: "邮政", Status: LedgerOperating, OpenedOn: opened, Row: int32(i + 2),
			Direct: i < int(f[IndDirectPoints]), Fused: i < int(f[IndFusedPoints]), Income: 6_000, Parcels: 900}
		if i%3 == 1 {
			p.Operator = "中通"
		}
		switch {
		case i < int(f[IndIncome20k]):
			p.Income = 25_000
		case i < int(f[IndIncome10k]):
			p.Income = 15_000
		}
		// villages with a single point opened this year count as 新增空白站点.
		if i < cv && i >= max(sp-cv, cv-added) {
			p.OpenedOn = thisYear
		}
		points = append(points, p)
	}
	changed := LedgerDateOf(time.Date(period.Year, 4, 10, 0, 0, 0, 0, time.UTC))
	for i := 0; i < int(f[IndStationsClosed])+int(f[IndStationsMerged]); i++ {
		st := LedgerClosed
		if i >= int(f[IndStationsClosed]) {
			st = LedgerMerged
		}
		points = append(points, LedgerPoint{Code: fmt.Sprintf("%s-X%03d", unit, i+1), Name: "原村级代办点",
			Township: demoTownships[i%len(demoTownships)], Village: fmt.Sprintf("第%d村", i%max(villages, 1)+1),
			Operator: "个体", Status: st, OpenedOn: opened, ChangedOn: changed, Row: int32(sp + i + 2)})
	}
	return points
}

// DemoFollowUps are the demo's supervision items around the demo day: open, overdue, answered and
// closed (销号), on indicators that lag.
func DemoFollowUps(today time.Time) []FollowUp {
	if today.IsZero() {
		today, _ = ParseToday(DemoToday)
	}
	day := func(days int) time.Time { return today.AddDate(0, 0, days).Add(10 * time.Hour) }
	date := func(days int) string { return today.AddDate(0, 0, days).Format("2006-01-02") }
	answered, closed, closedAnswer := day(-6), day(-20), day(-25)
	return []FollowUp{
		{UnitCode: "530325", Indicator: "express_revenue", Title: "快递业务收入连续三个月滞后，请说明原因并提出追赶措施",
			Assignee: "富源县邮政管理工作专班", DueDate: date(11), Status: FollowUpOpen, OpenedBy: demoOfficeUser, OpenedAt: day(-3)},
		{UnitCode: "530323", Indicator: "joint_distribution", Title: "共同配送体系建设逾期未完成，请报送完成时限",
			Assignee: "师宗县交通运输局", DueDate: date(-4), Status: FollowUpOpen, OpenedBy: demoOfficeUser, OpenedAt: day(-18)},
		{UnitCode: "530326", Indicator: "service_points", Title: "村级快递服务站点建设进度低于序时进度，请制定补建计划",
			Assignee: "会泽县邮政管理工作专班", DueDate: date(8), Status: FollowUpAnswered, OpenedBy: demoOfficeUser, OpenedAt: day(-12),
			Answer: "已排定10月补建12个站点，月底前挂牌运营。", AnsweredBy: "county-530326", AnsweredAt: &answered},
		{UnitCode: "530304", Indicator: "outbound_parcels", Title: "出口业务量增长放缓，请核实数据并说明原因",
			Assignee: "马龙区商务局", DueDate: date(-30), Status: FollowUpClosed, OpenedBy: demoOfficeUser, OpenedAt: day(-40),
			Answer: "8月已组织农特产品集中上行，出口量回升。", AnsweredBy: "county-530304", AnsweredAt: &closedAnswer,
			CloseNote: "9月数据已回升，予以销号。", ClosedBy: demoOfficeUser, ClosedAt: &closed},
	}
}

// seedDemoExtrasTx writes the demo's village lists, ledger snapshots and follow-ups (set-up: no audit).
func seedDemoExtrasTx(tx *gorm.DB, d DemoData, today time.Time) error {
	for _, unit := range []string{"530326", "530371", "530303"} {
		vs := DemoVillages(unit, d.AdminVillages[unit])
		if err := tx.CreateInBatches(vs, 500).Error; err != nil {
			return fmt.Errorf("models: demo villages of %s: %w", unit, err)
		}
	}
	for _, l := range demoLedgers(d, today) {
		snap := l.snap
		if err := tx.Create(&snap).Error; err != nil {
			return fmt.Errorf("models: demo ledger %s %s: %w", snap.UnitCode, snap.Period, err)
		}
		if err := insertLedgerPoints(tx, snap.ID, l.points); err != nil {
			return err
		}
	}
	fs := DemoFollowUps(today)
	if err := tx.Create(&fs).Error; err != nil {
		return fmt.Errorf("models: demo follow-ups: %w", err)
	}
	return nil
}
