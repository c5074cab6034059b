package models

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"
)

// NewVersion is what an import (or the demo generator, or the office) hands the store to record.
type NewVersion struct {
	UnitCode   string
	Period     string
	Source     string
	Status     string // empty means submitted
	FileName   string
	File       []byte // original upload, kept for audit; may be nil for demo data
	UploadedBy string
	UploadedAt time.Time
	Warnings   string // JSON array
	// ReviewedBy, ReviewedAt and ReviewNote carry a review done before (the demo's set-up only).
	ReviewedBy string
	ReviewedAt *time.Time
	ReviewNote string
	// By is who stored it, for the return.upload audit entry SaveVersion writes with it.
	By         Actor
	Values     []ReturnValue
	Milestones []MilestoneReport
}

// ErrDuplicateFile is returned when the very same file was already stored for the unit and month.
var ErrDuplicateFile = errors.New("the same file was already uploaded for this unit and month")

// FileHash is the SHA-256 of a file's bytes, hex-encoded.
func FileHash(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
