package models

import (
	"errors"
	"fmt"
)

// Error codes, mapped to HTTP statuses by the one error handler in handlers.
const (
	EInvalid      = "invalid"      // 400/422: the input is wrong; the message says how
	ENotFound     = "not_found"    // 404
	EUnauthorized = "unauthorized" // 401: not signed in
	EForbidden    = "forbidden"    // 403: signed in but not allowed
	EConflict     = "conflict"     // 409: clashes with what is stored
	ETooLarge     = "too_large"    // 413
	EInternal     = "internal"     // 500: logged; the user sees a plain message
	EBusy         = "busy"         // 503: the database is busy; nothing was stored, try again shortly
	EFull         = "storage_full" // 507: the disk is full; nothing was stored, reads still work
)

// Messages for a busy database and a full disk: both say that nothing was stored.
const (
	busyMessage = "系统繁忙，请稍候几秒再试。本次操作未保存。"
	fullMessage = "存储空间不足，请联系管理员。本次操作未保存。"
)

// Error is an application error whose Message is safe to show to the user (in Chinese).
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf returns an application error with the code and a formatted user-facing message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of an application error, EInternal for any other error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if errors.Is(err, ErrNotFound) {
		return ENotFound
	}
	if IsFull(err) {
		return EFull
	}
	if IsBusy(err) {
		return EBusy
	}
	return EInternal
}

// ErrorMessage returns the user-facing message of an application error, or a plain generic message.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	if errors.Is(err, ErrNotFound) {
		return "未找到所请求的内容。"
	}
	switch ErrorCode(err) {
	case EFull:
		return fullMessage
	case EBusy:
		return busyMessage
	}
	return "系统内部错误，请稍后重试或联系工作专班办公室。"
}

// ErrNotFound is returned when a looked-up record does not exist.
var ErrNotFound = errors.New("not found")

// ErrRealData is returned when demo data is asked for on a database that holds real data.
var ErrRealData = errors.New("the database holds real (non-demo) data")

// ErrBusy is returned when a write waited its whole turn in the store's queue and did not get in.
// Nothing was written; the caller may try again shortly (handlers answer 503 with Retry-After).
var ErrBusy = errors.New("models: database busy: write queue wait exceeded")
