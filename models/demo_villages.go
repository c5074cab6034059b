package models

import (
	"fmt"
	"time"
)

// DemoTownships names the townships of a demo unit's village list.
var DemoTownships = []string{"城关镇", "东山镇", "西河乡", "南岭镇", "北坡乡", "中和镇", "龙潭乡"}

// DemoVillages is a unit's demo reference list of n administrative villages.
func DemoVillages(unit string, n int) []AdminVillage {
	out := make([]AdminVillage, n)
	for i := range out {
		out[i] = AdminVillage{UnitCode: unit, Township: DemoTownships[i%len(DemoTownships)],
			Name: fmt.Sprintf("第%d村", i+1), Division: fmt.Sprintf("%s%06d", unit, 100000+i), UpdatedBy: DemoOfficeUser}
	}
	return out
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
			Assignee: "富源县邮政管理工作专班", DueDate: date(11), Status: FollowUpOpen, OpenedBy: DemoOfficeUser, OpenedAt: day(-3)},
		{UnitCode: "530323", Indicator: "joint_distribution", Title: "共同配送体系建设逾期未完成，请报送完成时限",
			Assignee: "师宗县交通运输局", DueDate: date(-4), Status: FollowUpOpen, OpenedBy: DemoOfficeUser, OpenedAt: day(-18)},
		{UnitCode: "530326", Indicator: "service_points", Title: "村级快递服务站点建设进度低于序时进度，请制定补建计划",
			Assignee: "会泽县邮政管理工作专班", DueDate: date(8), Status: FollowUpAnswered, OpenedBy: DemoOfficeUser, OpenedAt: day(-12),
			Answer: "已排定10月补建12个站点，月底前挂牌运营。", AnsweredBy: "county-530326", AnsweredAt: &answered},
		{UnitCode: "530304", Indicator: "outbound_parcels", Title: "出口业务量增长放缓，请核实数据并说明原因",
			Assignee: "马龙区商务局", DueDate: date(-30), Status: FollowUpClosed, OpenedBy: DemoOfficeUser, OpenedAt: day(-40),
			Answer: "8月已组织农特产品集中上行，出口量回升。", AnsweredBy: "county-530304", AnsweredAt: &closedAnswer,
			CloseNote: "9月数据已回升，予以销号。", ClosedBy: DemoOfficeUser, ClosedAt: &closed},
	}
}
