package models

import "time"

// UnitRecord is a reporting unit as stored, with the reference figures the office keeps for it.
type UnitRecord struct {
	Code       string `gorm:"primaryKey;size:32"`
	Name       string `gorm:"size:100;not null"`
	ShortName  string `gorm:"size:100"`
	ParentCode string `gorm:"size:32;index"`
	Level      string `gorm:"size:20"`
	SortOrder  int
	// AdminVillages is the number of administrative villages (村、社区), the denominator of coverage.
	AdminVillages int
}

// IndicatorRecord is an indicator as stored; the plan file is its source.
type IndicatorRecord struct {
	Code       string `gorm:"primaryKey;size:64"`
	Name       string `gorm:"size:200;not null"`
	Unit       string `gorm:"size:20"`
	Kind       string `gorm:"size:20"`
	Workstream string `gorm:"size:64"`
	RollUp     string `gorm:"size:20"`
	Reporter   string `gorm:"size:20"`
	SortOrder  int
	// Tolerance is the share of 序时进度 (0–1) below which amber turns red; 0 means the default.
	Tolerance float64
}

// TargetRecord is a city-wide target of an indicator for a year.
type TargetRecord struct {
	Indicator string  `gorm:"primaryKey;size:64"`
	Year      int     `gorm:"primaryKey"`
	Value     float64 `gorm:"not null"`
	UpdatedAt time.Time
}

// Allocation is one unit's share of a city target for a year, set by the office.
type Allocation struct {
	ID        uint    `gorm:"primaryKey"`
	Indicator string  `gorm:"size:64;not null;uniqueIndex:idx_allocation"`
	Year      int     `gorm:"not null;uniqueIndex:idx_allocation"`
	UnitCode  string  `gorm:"size:32;not null;uniqueIndex:idx_allocation"`
	Value     float64 `gorm:"not null"`
	UpdatedBy string  `gorm:"size:64"`
	UpdatedAt time.Time
}

// Return is one unit's monthly return (月报) for one month; its content lives in its versions.
type Return struct {
	ID        uint   `gorm:"primaryKey"`
	UnitCode  string `gorm:"size:32;not null;uniqueIndex:idx_return_unit_period"`
	Period    string `gorm:"size:7;not null;uniqueIndex:idx_return_unit_period;index"`
	CreatedAt time.Time
}

// ReviewStatus is where a return version or a ledger snapshot stands in the office's review. The
// entities keep it as a plain string column; ReviewStatus(v.Status).Label() names it.
type ReviewStatus string

// Label names a review status in Chinese, the one wording every page, export and flash uses.
func (s ReviewStatus) Label() string {
	switch s {
	case StatusSubmitted:
		return "待审核"
	case StatusApproved:
		return "已通过"
	case StatusReturned:
		return "已退回"
	}
	return string(s)
}

// Version statuses of the review workflow (values of ReviewStatus).
const (
	StatusSubmitted = "submitted"
	StatusApproved  = "approved"
	StatusReturned  = "returned"
)

// VersionSource is how a version's figures entered the system. The entities keep it as a plain
// string column; VersionSource(v.Source).Label() names it.
type VersionSource string

// Label names a version source in Chinese.
func (s VersionSource) Label() string {
	switch s {
	case SourceUpload:
		return "上传文件"
	case SourceOffice:
		return "办公室录入"
	case SourceWeb:
		return "网页填报"
	case SourceDemo:
		return "演示数据"
	}
	return string(s)
}

// Version sources: how the figures entered the system (values of VersionSource).
const (
	SourceUpload = "upload"
	SourceDemo   = "demo"
	SourceOffice = "office"
	// SourceWeb is a return typed into the web form (/returns/form); its original is the posted
	// fields as JSON.
	SourceWeb = "web"
)

// ReturnVersion is one accepted upload of a return. Versions are never changed or deleted, except
// for their review status; the newest counts.
type ReturnVersion struct {
	ID         uint   `gorm:"primaryKey"`
	ReturnID   uint   `gorm:"not null;uniqueIndex:idx_version_number"`
	Number     int    `gorm:"not null;uniqueIndex:idx_version_number"`
	UnitCode   string `gorm:"size:32;not null;index:idx_version_unit_period"`
	Period     string `gorm:"size:7;not null;index:idx_version_unit_period"`
	Status     string `gorm:"size:20;not null"`
	Source     string `gorm:"size:20;not null"`
	FileName   string `gorm:"size:255"`
	FileHash   string `gorm:"size:64;index"`
	UploadedBy string `gorm:"size:64"`
	UploadedAt time.Time
	ReviewedBy string `gorm:"size:64"`
	ReviewedAt *time.Time
	ReviewNote string
	// Warnings is a JSON array of the warnings found at import, shown to the office.
	Warnings   string
	Values     []ReturnValue     `gorm:"foreignKey:VersionID"`
	Milestones []MilestoneReport `gorm:"foreignKey:VersionID"`
}

// ReturnValue is one indicator's to-date figure in a return version.
type ReturnValue struct {
	ID        uint    `gorm:"primaryKey"`
	VersionID uint    `gorm:"not null;index"`
	Indicator string  `gorm:"size:64;not null"`
	Value     float64 `gorm:"not null"`
	Note      string
}

// Milestone states as counties report them.
const (
	MilestoneNotStarted = "not_started"
	MilestoneInProgress = "in_progress"
	MilestoneDone       = "done"
)

// Milestone states as the template, the web forms and the pages show them, in drop-down order.
const (
	MilestoneNotStartedLabel = "未启动"
	MilestoneInProgressLabel = "建设中"
	MilestoneDoneLabel       = "已完成"
)

// MilestoneState is a stored milestone state (MilestoneDone…), kept as a plain string column.
type MilestoneState string

// Label names the state in Chinese; "" for a state that is not one of the three.
func (s MilestoneState) Label() string {
	switch s {
	case MilestoneNotStarted:
		return MilestoneNotStartedLabel
	case MilestoneInProgress:
		return MilestoneInProgressLabel
	case MilestoneDone:
		return MilestoneDoneLabel
	}
	return ""
}

// MilestoneReport is a milestone's state in a return version.
type MilestoneReport struct {
	ID        uint   `gorm:"primaryKey"`
	VersionID uint   `gorm:"not null;index"`
	Indicator string `gorm:"size:64;not null"`
	// Unit is the unit an office tick is for (a county's 工作专班, ticked in the office's return); empty
	// means the version's own unit.
	Unit   string `gorm:"size:32"`
	State  string `gorm:"size:20;not null"`
	DoneOn string `gorm:"size:10"` // YYYY-MM-DD when done
	Note   string
}

// StoredFile keeps an uploaded file's original bytes for audit, keyed by its SHA-256.
type StoredFile struct {
	Hash      string `gorm:"primaryKey;size:64"`
	Name      string `gorm:"size:255"`
	Size      int64
	Data      []byte
	CreatedAt time.Time
}

// Role is a user's role, kept in the users table as a plain string (User.Role).
type Role string

// Label names a role in Chinese, the one wording the account, user and refusal pages use.
func (r Role) Label() string {
	switch r {
	case RoleOffice:
		return "专班办公室"
	case RoleCounty:
		return "县级填报"
	case RoleLeader:
		return "领导（只读）"
	}
	return string(r)
}

// Roles lists the roles in the order the office's user form offers them.
func Roles() []Role { return []Role{RoleOffice, RoleCounty, RoleLeader} }

// Roles of users (values of Role).
const (
	RoleOffice = "office"
	RoleCounty = "county"
	RoleLeader = "leader"
)

// User is a person who signs in.
type User struct {
	ID           uint   `gorm:"primaryKey"`
	Username     string `gorm:"size:64;not null;uniqueIndex"`
	DisplayName  string `gorm:"size:100"`
	PasswordHash string `gorm:"size:255;not null"`
	Role         string `gorm:"size:20;not null"`
	UnitCode     string `gorm:"size:32"`
	Disabled     bool
	Demo         bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Setting is a key-value setting of the deployment (demo flag, default tolerance…).
type Setting struct {
	Key   string `gorm:"primaryKey;size:64"`
	Value string
}

// AllEntities lists every entity for migration.
func AllEntities() []any {
	entities := []any{&UnitRecord{}, &IndicatorRecord{}, &TargetRecord{}, &Allocation{}, &Return{}, &ReturnVersion{},
		&ReturnValue{}, &MilestoneReport{}, &StoredFile{}, &User{}, &Setting{},
		&Session{}, &APIToken{}, &KeyValue{}, &AuditEntry{}, &PeriodDeadline{}, &Reopening{}, &FollowUp{}, &DataChange{}, &ChangeReader{}, &ReminderDelivery{}, &QualityDismissal{}}
	return append(entities, LedgerEntities()...)
}
