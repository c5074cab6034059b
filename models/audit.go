package models

import (
	"encoding/json"
	"fmt"
	"time"
)

// AuditEntry records who did what, when, from where, and what changed. Entries are append-only:
// no route edits or deletes them, and SQLite triggers refuse UPDATE and DELETE on the table.
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

// AuditLoginRateLimited is the After of a login.failure entry for a login refused by the throttle
// without checking the password: a refusal, not a failure the throttle counts.
const AuditLoginRateLimited = "rate limited"

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

// AuditAction is what an audit entry records (the values AuditLoginOK … AuditQualityDismiss). The
// entity keeps it as a plain string column; AuditAction(e.Action).Label() names it.
type AuditAction string

// Label names an action in Chinese (the names AuditActions lists), or returns it as is when unknown.
func (action AuditAction) Label() string {
	for _, a := range AuditActions() {
		if a[0] == string(action) {
			return a[1]
		}
	}
	return string(action)
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

// AuditFilter selects audit entries; empty fields match everything.
type AuditFilter struct {
	Actor   string
	Action  string
	Subject string
	From    time.Time
	To      time.Time
	Limit   int
}
