package models

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"time"
)

// Session is a signed-in browser. Only the SHA-256 of the cookie value is stored, so a copy of the
// database does not hand out live sessions.
type Session struct {
	IDHash     string `gorm:"primaryKey;size:64"`
	UserID     uint   `gorm:"not null;index"`
	IP         string `gorm:"size:64"`
	UserAgent  string `gorm:"size:255"`
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time `gorm:"index"`
}

// APIToken is a personal token for the JSON API (Authorization: Bearer …); only its hash is stored.
type APIToken struct {
	ID         uint   `gorm:"primaryKey"`
	UserID     uint   `gorm:"not null;index"`
	Name       string `gorm:"size:100"`
	Hash       string `gorm:"size:64;not null;uniqueIndex"`
	Prefix     string `gorm:"size:12"`
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// KeyValue is a small expiring key-value entry. (The CSRF middleware kept its tokens here; tokens
// are now derived from the session and nothing is stored, but the table stays for existing
// databases and PurgeExpired.)
type KeyValue struct {
	Key       string `gorm:"primaryKey;size:128"`
	Value     []byte
	ExpiresAt *time.Time `gorm:"index"`
}

// SessionLifetime is how long a session lasts without activity.
const SessionLifetime = 12 * time.Hour

// NewSecret returns a random 32-byte secret, URL-safe base64 encoded.
func NewSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("models: random secret: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// SecretHash is the hex SHA-256 of a session id or token; random 32-byte secrets need no slow hash.
func SecretHash(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// UserChange is an edit of a user by the office; nil fields are left alone.
type UserChange struct {
	Role     *string
	UnitCode *string
	Disabled *bool
	Password *string
	// At is when the change is made (zero: now); a new password revokes the user's API tokens then.
	At time.Time
}

// UserAuditFields is what the audit trail shows of a user: never the password hash.
func UserAuditFields(u User) map[string]any {
	return map[string]any{"username": u.Username, "role": u.Role, "unit": u.UnitCode, "disabled": u.Disabled}
}

// MayActForUnit reports whether a user may see or submit a unit's returns, templates and history:
// the office for every unit, a county user for its own unit only, a leader for none.
func MayActForUnit(u User, unitCode string) bool {
	switch u.Role {
	case RoleOffice:
		return true
	case RoleCounty:
		return unitCode != "" && u.UnitCode == unitCode
	}
	return false
}
