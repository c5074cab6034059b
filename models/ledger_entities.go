package models

import (
	"time"
)

// AdminVillage is one administrative village (村、社区) of a unit's reference list, kept by the
// office; the list is the denominator of coverage and what ledger villages are checked against.
type AdminVillage struct {
	ID       uint   `gorm:"primaryKey"`
	UnitCode string `gorm:"size:32;not null;uniqueIndex:idx_admin_village"`
	Township string `gorm:"size:100;not null;uniqueIndex:idx_admin_village"`
	Name     string `gorm:"size:100;not null;uniqueIndex:idx_admin_village"`
	// Division is the 12-digit statistical division code where known.
	Division  string `gorm:"size:12"`
	UpdatedBy string `gorm:"size:64"`
	UpdatedAt time.Time
}

// LedgerSnapshot is one upload of a unit's ledger for a month. Snapshots are versions: a new
// upload for the same unit and month gets the next number and the newest counts.
type LedgerSnapshot struct {
	ID         uint   `gorm:"primaryKey"`
	UnitCode   string `gorm:"size:32;not null;uniqueIndex:idx_ledger_snapshot"`
	Period     string `gorm:"size:7;not null;uniqueIndex:idx_ledger_snapshot;index"`
	Number     int    `gorm:"not null;uniqueIndex:idx_ledger_snapshot"`
	FileName   string `gorm:"size:255"`
	FileHash   string `gorm:"size:64;index"`
	UploadedBy string `gorm:"size:64"`
	UploadedAt time.Time
	Points     int
	// Warnings is a JSON array of the warnings found at import.
	Warnings string
	// Indicators is a JSON object of the figures derived at import (LedgerIndicators), so pages
	// need not reread 200,000 points.
	Indicators string
	// Status is the office's review, as for a return version (StatusSubmitted until reviewed):
	// figures counted from a snapshot are approved only when it is.
	Status     string `gorm:"size:16;not null;default:submitted;index"`
	ReviewedBy string `gorm:"size:64"`
	ReviewedAt *time.Time
	ReviewNote string
}

// LedgerPointRecord is a point of a snapshot as stored.
type LedgerPointRecord struct {
	ID         uint   `gorm:"primaryKey"`
	SnapshotID uint   `gorm:"not null;index:idx_ledger_point_code,priority:1"`
	Code       string `gorm:"size:64;not null;index:idx_ledger_point_code,priority:2"`
	Name       string `gorm:"size:200;not null"`
	Township   string `gorm:"size:100"`
	Village    string `gorm:"size:100"`
	Operator   string `gorm:"size:100"`
	Status     string `gorm:"size:16;not null"`
	OpenedOn   string `gorm:"size:10"` // YYYY-MM-DD
	ChangedOn  string `gorm:"size:10"`
	Fused      bool
	Direct     bool
	Income     float64
	Parcels    int64
	Lat, Lon   *float64
	Row        int
}

// LedgerEntities lists the ledger's entities, for AllEntities.
func LedgerEntities() []any {
	return []any{&AdminVillage{}, &LedgerSnapshot{}, &LedgerPointRecord{}, &StoredFileChunk{}}
}

// Point turns a stored record back into a ledger point.
func (r LedgerPointRecord) Point() LedgerPoint {
	st, _ := ParseLedgerStatus(r.Status)
	p := LedgerPoint{Code: r.Code, Name: r.Name, Township: r.Township, Village: r.Village, Operator: r.Operator,
		Status: st, Fused: r.Fused, Direct: r.Direct, Income: r.Income, Parcels: r.Parcels, Row: int32(r.Row)}
	if d, err := time.Parse("2006-01-02", r.OpenedOn); err == nil {
		p.OpenedOn = LedgerDateOf(d)
	}
	if d, err := time.Parse("2006-01-02", r.ChangedOn); err == nil {
		p.ChangedOn = LedgerDateOf(d)
	}
	if r.Lat != nil && r.Lon != nil {
		p.Lat, p.Lon, p.HasCoords = float32(*r.Lat), float32(*r.Lon), true
	}
	return p
}

// LedgerPointQuery selects and orders points of a snapshot for the ledger browser.
type LedgerPointQuery struct {
	Search   string // in code or name
	Township string
	Status   string // status code
	Fused    *bool
	Direct   *bool
	Sort     string // "code" (default), "name", "income", "parcels", "opened"
	Desc     bool
	Page     int // 1-based
	PerPage  int
}

// LedgerPointPage is one page of points and the total matching.
type LedgerPointPage struct {
	Points []LedgerPointRecord
	Total  int64
}

// LedgerPointHistory is a point's record in each snapshot of its unit that holds it, oldest first.
type LedgerPointHistory struct {
	Snapshot LedgerSnapshot
	Point    LedgerPointRecord
}

// LedgerBrowse is what the ledger browser page shows for a unit.
type LedgerBrowse struct {
	Snapshot   LedgerSnapshot
	Snapshots  []LedgerSnapshot
	Townships  []string
	Page       LedgerPointPage
	Comparison []LedgerComparison
	// Sources is the office's choice of source per indicator (missing means the ledger).
	Sources map[string]LedgerSource
	// Diff compares the snapshot with the one before it, when HasDiff.
	Diff    LedgerDiffCounts
	HasDiff bool
}

// StatusLabel is the record's status in Chinese, for pages.
func (r LedgerPointRecord) StatusLabel() string {
	st, _ := ParseLedgerStatus(r.Status)
	return st.Label()
}

// LedgerDiffCounts sums up DiffLedger between a snapshot and the one before it, counted in SQL so
// that two 200,000-point snapshots are never loaded to compare them.
type LedgerDiffCounts struct {
	Previous                                LedgerSnapshot
	Added, Closed, Merged, Changed, Missing int64
}
