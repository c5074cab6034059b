package models

import (
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// AuditEntry records who did what, when, from where, and what changed. Entries are append-only:
// no route edits or deletes them, and database triggers (SQLite and PostgreSQL) refuse UPDATE and DELETE on the table.
type AuditEntry struct {
	ID      uint      `gorm:"primaryKey"`
	At      time.Time `gorm:"not null;index"`
	Actor   string    `gorm:"size:64;index"`
	IP      string    `gorm:"size:64"`
	Action  string    `gorm:"size:40;not null;index"`
	Subject string    `gorm:"size:200;index"`
	Before  string
	After   string
}

// Audit actions.
const (
	AuditLoginOK        = "login.success"
	AuditLoginFailed    = "login.failure"
	AuditLogout         = "logout"
	AuditPasswordChange = "user.password"
	AuditUserCreate     = "user.create"
	AuditUserUpdate     = "user.update"
	AuditTokenCreate    = "token.create"
	AuditTokenRevoke    = "token.revoke"
	AuditUpload         = "return.upload"
	AuditApprove        = "return.approve"
	AuditReturn         = "return.return"
	AuditReopen         = "period.reopen"
	AuditDeadline       = "period.deadline"
	AuditSetting        = "setting.update"
	AuditAllocation     = "allocation.update"
	AuditTarget         = "target.update"
	AuditFollowUpOpen   = "followup.open"
	AuditFollowUpAnswer = "followup.answer"
	AuditFollowUpClose  = "followup.close"
)

// AuditActions lists every audit action with its Chinese name, in the order the audit page offers them.
func AuditActions() [][2]string {
	return [][2]string{
		{AuditLoginOK, "登录成功"}, {AuditLoginFailed, "登录失败"}, {AuditLogout, "退出登录"}, {AuditPasswordChange, "修改密码"},
		{AuditUserCreate, "新建用户"}, {AuditUserUpdate, "修改用户"}, {AuditTokenCreate, "创建令牌"}, {AuditTokenRevoke, "吊销令牌"},
		{AuditUpload, "上传月报"}, {AuditApprove, "审核通过"}, {AuditReturn, "退回月报"}, {AuditReopen, "重新开放"},
		{AuditDeadline, "设置截止日"}, {AuditSetting, "修改设置"}, {AuditAllocation, "修改任务分解"}, {AuditTarget, "修改全市目标"},
		{AuditFollowUpOpen, "发起督办"}, {AuditFollowUpAnswer, "督办答复"}, {AuditFollowUpClose, "督办销号"},
		{AuditLedgerApprove, "台账审核通过"}, {AuditLedgerReturn, "退回台账"}, {AuditLockOverride, "越过锁定导入"},
		{AuditReminders, "修改提醒设置"}, {AuditQualityDismiss, "忽略数据质量提示"},
	}
}

// AuditActionLabel names an action in Chinese, or returns it as is when unknown.
func AuditActionLabel(action string) string {
	for _, a := range AuditActions() {
		if a[0] == action {
			return a[1]
		}
	}
	return action
}

// auditTriggers make the audit table append-only at the database level.
func auditTriggers() []string {
	return []string{
		`CREATE TRIGGER IF NOT EXISTS audit_entries_no_update BEFORE UPDATE ON audit_entries
	 BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END`,
		`CREATE TRIGGER IF NOT EXISTS audit_entries_no_delete BEFORE DELETE ON audit_entries
	 BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END`,
	}
}

// migrateAccess creates what AutoMigrate cannot: the audit table's guards.
func (s *Store) migrateAccess() error {
	guards := auditTriggers()
	if s.dialect == dialectPostgres {
		guards = pgAuditGuards()
	}
	for _, stmt := range guards {
		if err := s.DB.Exec(stmt).Error; err != nil {
			return fmt.Errorf("models: audit trigger: %w", err)
		}
	}
	return nil
}

// AuditJSON writes a before/after value as JSON for the audit trail; nil becomes "".
func AuditJSON(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	return string(b)
}

// Audit appends an entry to the audit trail on its own: for events that change nothing else (a
// failed login). A change writes its entry in its own transaction instead (auditTx).
func (s *Store) Audit(e AuditEntry) error {
	return s.write(func(tx *gorm.DB) error { return auditTx(tx, e) })
}

func auditTx(tx *gorm.DB, e AuditEntry) error {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	if err := tx.Create(&e).Error; err != nil {
		return fmt.Errorf("models: audit %s: %w", e.Action, err)
	}
	return nil
}

// AuditFilter selects audit entries; empty fields match everything.
type AuditFilter struct {
	Actor   string
	Action  string
	Subject string
	From    time.Time
	To      time.Time
	Limit   int
}

// AuditEntries lists audit entries newest first.
func (s *Store) AuditEntries(f AuditFilter) ([]AuditEntry, error) {
	q := s.DB.Order("id DESC")
	if f.Actor != "" {
		q = q.Where("actor = ?", f.Actor)
	}
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if f.Subject != "" {
		q = q.Where("subject LIKE ?", "%"+f.Subject+"%")
	}
	if !f.From.IsZero() {
		q = q.Where("at >= ?", f.From)
	}
	if !f.To.IsZero() {
		q = q.Where("at < ?", f.To)
	}
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	var out []AuditEntry
	if err := q.Find(&out).Error; err != nil {
		return nil, fmt.Errorf("models: list audit: %w", err)
	}
	return out, nil
}
