package models

import (
	"fmt"
	"unicode/utf8"
)

// Limits on free text, in characters. Each field's limit is set here and nowhere else: the store
// refuses longer text on every door (web, API, CLI) through CheckLength, and the forms show the
// limit (maxlength and the text beside the field) through TextLimit.
const (
	MaxDisplayName    = 50   // 姓名
	MaxTokenName      = 50   // API 令牌名称
	MaxFollowUpTitle  = 200  // 督办事项
	MaxAssignee       = 50   // 责任人
	MaxFollowUpAnswer = 1000 // 督办答复
	MaxCloseNote      = 500  // 销号说明
	MaxReviewNote     = 500  // 退回原因
	MaxReopenReason   = 500  // 重新开放原因
	MaxReturnNote     = 500  // 月报备注
	MaxDismissReason  = 500  // 数据质量提示的忽略原因
)

// TextLimit returns the limit of a field by the name the templates use; an unknown name is a
// programming error and fails the page loudly rather than rendering maxlength="0".
func TextLimit(field string) (int, error) {
	switch field {
	case "display_name":
		return MaxDisplayName, nil
	case "token_name":
		return MaxTokenName, nil
	case "followup_title":
		return MaxFollowUpTitle, nil
	case "assignee":
		return MaxAssignee, nil
	case "followup_answer":
		return MaxFollowUpAnswer, nil
	case "close_note":
		return MaxCloseNote, nil
	case "review_note":
		return MaxReviewNote, nil
	case "reopen_reason":
		return MaxReopenReason, nil
	case "return_note":
		return MaxReturnNote, nil
	case "username":
		return UsernameMaxLen, nil
	}
	return 0, fmt.Errorf("models: no text limit for %q", field)
}

// CheckLength refuses text longer than max characters, with a message naming the field and the
// limit.
func CheckLength(label, text string, max int) error {
	if n := utf8.RuneCountInString(text); n > max {
		return Errorf(EInvalid, "%s不能超过 %d 个字（现为 %d 个字），请精简后再提交。", label, max, n)
	}
	return nil
}
