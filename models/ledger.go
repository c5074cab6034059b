package models

import (
	"fmt"
	"time"
)

// LedgerStatus is a village service point's state in the ledger.
type LedgerStatus uint8

// Point states as the ledger template spells them (运营中/已撤并/已裁撤).
const (
	LedgerOperating LedgerStatus = iota + 1 // 运营中
	LedgerMerged                            // 已撤并: folded into another point (三个一批: 合并低效站点)
	LedgerClosed                            // 已裁撤: shut down (三个一批: 裁撤无效站点)
)

// Label is the Chinese word for the status used in the template and on pages.
func (s LedgerStatus) Label() string {
	switch s {
	case LedgerOperating:
		return "运营中"
	case LedgerMerged:
		return "已撤并"
	case LedgerClosed:
		return "已裁撤"
	}
	return ""
}

// Code is the status's stable English code, stored in the database.
func (s LedgerStatus) Code() string {
	switch s {
	case LedgerOperating:
		return "operating"
	case LedgerMerged:
		return "merged"
	case LedgerClosed:
		return "closed"
	}
	return ""
}

// ParseLedgerStatus reads a status from its Chinese label or its code.
func ParseLedgerStatus(s string) (LedgerStatus, bool) {
	for _, st := range []LedgerStatus{LedgerOperating, LedgerMerged, LedgerClosed} {
		if s == st.Label() || s == st.Code() {
			return st, true
		}
	}
	return 0, false
}

// LedgerDate is a calendar day counted as Excel does: days since 1899-12-30 (serial 1 is 1900-01-01
// once Excel's phantom 1900-02-29 is past). Zero means no date. It is four bytes, which matters for
// ledgers of 200,000 points held in memory between validation and storage.
type LedgerDate int32

var ledgerEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// LedgerDateOf returns the day of t (its calendar date, whatever the location).
func LedgerDateOf(t time.Time) LedgerDate {
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return LedgerDate(d.Sub(ledgerEpoch).Hours() / 24)
}

// Time returns the day as midnight UTC.
func (d LedgerDate) Time() time.Time { return ledgerEpoch.AddDate(0, 0, int(d)) }

// String formats the day as YYYY-MM-DD, or "" for no date.
func (d LedgerDate) String() string {
	if d == 0 {
		return ""
	}
	return d.Time().Format("2006-01-02")
}

// Period returns the month the day falls in.
func (d LedgerDate) Period() Period {
	t := d.Time()
	return Period{Year: t.Year(), Month: int(t.Month())}
}

// LedgerPoint is one village service point as read from a ledger. It is a plain value, compact on
// purpose (a province ledger holds 200,000 of them); the stored row is LedgerPointRecord.
type LedgerPoint struct {
	Code     string  // 网点编码: stable and unique within the unit
	Name     string  // 网点名称
	Township string  // 乡（镇、街道）
	Village  string  // 行政村（社区）, a name from the unit's reference list
	Operator string  // 运营主体
	Income   float64 // 上月收入（元）
	Parcels  int64   // 上月业务量（件）
	Lat, Lon float32 // float32 keeps about a metre of precision and four bytes each
	Row      int32   // sheet row the point came from, for messages
	OpenedOn LedgerDate
	// ChangedOn is the day the status last changed; required unless the point is in operation.
	ChangedOn LedgerDate
	Status    LedgerStatus
	Fused     bool // 客货邮融合
	Direct    bool // 县村直通（由县级中心直达配送）
	HasCoords bool
}

// String identifies the point in logs.
func (p LedgerPoint) String() string { return fmt.Sprintf("%s %s", p.Code, p.Name) }

// Audit actions of the ledger (see audit.go for the others).
const (
	AuditLedgerUpload   = "ledger.upload"
	AuditLedgerVillages = "ledger.villages"
	AuditLedgerSource   = "ledger.source"
)
