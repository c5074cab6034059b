package models

import (
	"strings"
)

// Review decisions the office takes on a submitted version.
const (
	DecisionApprove = "approve"
	DecisionReturn  = "return"
)

// Actor is who does something and from where, for the audit trail.
type Actor struct {
	Username string
	IP       string
}

// ReviewOutcome applies a review decision to a version's status: only a submitted version can be
// reviewed, and returning one needs a reason the county will read.
func ReviewOutcome(status, decision, note string) (string, error) {
	if status != StatusSubmitted {
		return "", Errorf(EConflict, "该版本已审核（%s），只能审核待审核的版本。", ReviewStatus(status).Label())
	}
	switch decision {
	case DecisionApprove:
		return StatusApproved, nil
	case DecisionReturn:
		note = strings.TrimSpace(note)
		if note == "" {
			return "", Errorf(EInvalid, "退回必须填写退回原因，以便填报单位修改。")
		}
		if err := CheckLength("退回原因", note, MaxReviewNote); err != nil {
			return "", err
		}
		return StatusReturned, nil
	}
	return "", Errorf(EInvalid, "未知的审核操作 %q。", decision)
}

// ReviewFields are the review columns a return version and a ledger snapshot share.
type ReviewFields struct {
	Status, ReviewedBy, ReviewNote string
}

// Audit is what the audit trail shows of a review.
func (r ReviewFields) Audit() map[string]string {
	return map[string]string{"status": r.Status, "note": r.ReviewNote, "reviewed_by": r.ReviewedBy}
}

// VersionFilter selects versions for the review pages.
type VersionFilter struct {
	UnitCode string
	Period   string
	Status   string
	Limit    int
}
