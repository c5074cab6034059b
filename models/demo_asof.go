package models

import (
	"fmt"
	"math"
	"time"
)

// The demo's September story (issue 14): who has filed the month being collected on DemoToday.
const (
	demoReturnedUnit = "530325" // 富源县: sent back with a reason, filed again
	demoLateUnit     = "530324" // 罗平县: filed August after the deadline
	DemoOfficeUser   = "office"
)

// demoNotFiled are the units that have not filed the month being collected yet; 会泽县 is one so
// that the README's clerk downloads and uploads it.
var demoNotFiled = map[string]bool{"530326": true, "530304": true}

// AsOf cuts the demo at a day: only months due by then are filed, earlier months are reviewed by
// the office (with a reviewer and, for a version sent back, a reason), and the month being
// collected is half done — most units have filed and wait for review, one was sent back and filed
// again, two have not filed. A zero day, or a day after the demo's last month, keeps every month.
func (d DemoData) AsOf(today time.Time) DemoData {
	if today.IsZero() {
		return d
	}
	collecting := ReportingMonth(today)
	var last Period
	for _, v := range d.Versions {
		if p := MustPeriod(v.Period); last.Before(p) {
			last = p
		}
	}
	inside := !last.Before(collecting)
	out := d
	out.Versions = nil
	for _, v := range d.Versions {
		p := MustPeriod(v.Period)
		switch {
		case inside && collecting.Before(p):
			continue
		case inside && p == collecting:
			if demoNotFiled[v.UnitCode] {
				continue
			}
			out.Versions = append(out.Versions, demoCollected(v, today)...)
			continue
		}
		if v.Status == StatusApproved || v.Status == StatusReturned {
			at := v.UploadedAt.Add(50 * time.Hour)
			v.ReviewedBy, v.ReviewedAt = DemoOfficeUser, &at
			if v.Status == StatusReturned {
				v.ReviewNote = "出口业务量比上月少一成，与乡镇台账不符，请核实后重报。"
			}
		}
		if v.UnitCode == demoLateUnit && p == collecting.AddMonths(-1) {
			// Filed three days after the 5th: the deadlines board shows it late.
			v.UploadedAt = time.Date(collecting.Year, time.Month(collecting.Month), 8, 16, 20, 0, 0, ReportingZone())
		}
		out.Versions = append(out.Versions, v)
	}
	return out
}

// demoCollected is a unit's filing of the month being collected: waiting for review, uploaded in
// the first days of the month (before the demo day); 富源县's first try was sent back with a reason.
func demoCollected(v NewVersion, today time.Time) []NewVersion {
	t := today.In(ReportingZone())
	day := 1 + int(v.UnitCode[5]-'0')%3
	if day >= t.Day() {
		day = max(1, t.Day()-1)
	}
	v.Status, v.ReviewedBy, v.ReviewedAt, v.ReviewNote = StatusSubmitted, "", nil, ""
	v.UploadedAt = time.Date(t.Year(), t.Month(), day, 9, 40, 0, 0, ReportingZone())
	if v.UploadedBy == DemoOfficeUser { // the office's own entry: approved as it is made
		at := v.UploadedAt
		v.Status, v.ReviewedBy, v.ReviewedAt = StatusApproved, DemoOfficeUser, &at
	}
	v.Values = append([]ReturnValue(nil), v.Values...)
	for i := range v.Values {
		switch {
		case v.UnitCode == "530302" && v.Values[i].Indicator == "outbound_parcels":
			v.Values[i].Note = "含中秋农特产品集中寄递"
		case v.UnitCode == "530381" && v.Values[i].Indicator == "service_points":
			v.Values[i].Note = "新增3个村级站点已挂牌"
		}
	}
	if v.UnitCode != demoReturnedUnit {
		return []NewVersion{v}
	}
	first := v
	first.Values = append([]ReturnValue(nil), v.Values...)
	for i := range first.Values {
		if first.Values[i].Indicator == "express_revenue" {
			first.Values[i].Value = math.Round(first.Values[i].Value*10) / 100 // a slipped decimal point
		}
	}
	first.Status = StatusReturned
	first.UploadedAt = time.Date(t.Year(), t.Month(), 1, 10, 5, 0, 0, ReportingZone())
	reviewed := first.UploadedAt.Add(5 * time.Hour)
	first.ReviewedBy, first.ReviewedAt = DemoOfficeUser, &reviewed
	first.ReviewNote = "快递业务收入只有上月的十分之一，疑似单位填错，请核实后重报。"
	first.FileName = fmt.Sprintf("%s-%s-月报-初报.xlsx", v.UnitCode, v.Period)
	v.UploadedAt = time.Date(t.Year(), t.Month(), 2, 11, 15, 0, 0, ReportingZone())
	return []NewVersion{first, v}
}
