package models

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
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

// CreateSession starts a session for the user and returns the cookie value.
func (s *Store) CreateSession(userID uint, ip, userAgent string, now time.Time) (string, error) {
	id, err := NewSecret()
	if err != nil {
		return "", err
	}
	if len(userAgent) > 255 {
		userAgent = userAgent[:255]
	}
	sess := Session{IDHash: SecretHash(id), UserID: userID, IP: ip, UserAgent: userAgent, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(SessionLifetime)}
	if err := s.DB.Create(&sess).Error; err != nil {
		return "", fmt.Errorf("models: create session: %w", err)
	}
	return id, nil
}

// SessionUser returns the enabled user behind a live session and extends the session; ErrNotFound
// when the session is unknown, expired or its user disabled.
func (s *Store) SessionUser(id string, now time.Time) (User, error) {
	if id == "" {
		return User{}, ErrNotFound
	}
	var sess Session
	err := s.DB.Where("id_hash = ?", SecretHash(id)).Take(&sess).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return User{}, ErrNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("models: read session: %w", err)
	}
	if !now.Before(sess.ExpiresAt) {
		_ = s.DeleteSession(id)
		return User{}, ErrNotFound
	}
	u, err := s.UserByID(sess.UserID)
	if err != nil {
		return User{}, err
	}
	if u.Disabled {
		return User{}, ErrNotFound
	}
	// Extend at most once a minute, so reads do not turn every request into a write.
	if now.Sub(sess.LastSeenAt) > time.Minute {
		if err := s.DB.Model(&Session{}).Where("id_hash = ?", sess.IDHash).
			Updates(map[string]any{"last_seen_at": now, "expires_at": now.Add(SessionLifetime)}).Error; err != nil {
			return User{}, fmt.Errorf("models: extend session: %w", err)
		}
	}
	return u, nil
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(id string) error {
	if err := s.DB.Where("id_hash = ?", SecretHash(id)).Delete(&Session{}).Error; err != nil {
		return fmt.Errorf("models: delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of a user (after a password reset or when disabled).
func (s *Store) DeleteUserSessions(userID uint) error {
	if err := s.DB.Where("user_id = ?", userID).Delete(&Session{}).Error; err != nil {
		return fmt.Errorf("models: delete sessions: %w", err)
	}
	return nil
}

// UserByID returns the user with the id, or ErrNotFound.
func (s *Store) UserByID(id uint) (User, error) {
	var u User
	err := s.DB.Take(&u, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return User{}, ErrNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("models: user %d: %w", id, err)
	}
	return u, nil
}

// Users lists every user by username.
func (s *Store) Users() ([]User, error) {
	var out []User
	if err := s.DB.Order("username").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("models: list users: %w", err)
	}
	return out, nil
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

// UpdateUser applies a change to a user after checking it against the plan, and returns the user
// before and after. Disabling a user or resetting the password ends the user's sessions; a new
// password also revokes every API token of the user (a token must not outlive the password that
// was trusted when it was made).
func (s *Store) UpdateUser(p *Plan, username string, ch UserChange) (before, after User, err error) {
	before, err = s.UserByName(username)
	if err != nil {
		return User{}, User{}, err
	}
	after = before
	if ch.Role != nil {
		after.Role = *ch.Role
	}
	if ch.UnitCode != nil {
		after.UnitCode = *ch.UnitCode
	}
	if after.Role != RoleCounty && ch.Role != nil && ch.UnitCode == nil {
		after.UnitCode = ""
	}
	if err := ValidateNewUser(p, NewUser{Username: after.Username, Role: after.Role, UnitCode: after.UnitCode}); err != nil {
		return User{}, User{}, err
	}
	if ch.Disabled != nil {
		after.Disabled = *ch.Disabled
	}
	if ch.Password != nil {
		hash, err := HashPassword(*ch.Password)
		if err != nil {
			return User{}, User{}, err
		}
		after.PasswordHash = hash
	}
	err = s.DB.Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&User{}).Where("id = ?", before.ID).Updates(map[string]any{
			"role": after.Role, "unit_code": after.UnitCode, "disabled": after.Disabled, "password_hash": after.PasswordHash,
		}).Error; err != nil {
			return fmt.Errorf("models: update user: %w", err)
		}
		if after.Disabled || ch.Password != nil || after.Role != before.Role || after.UnitCode != before.UnitCode {
			if err := tx.Where("user_id = ?", before.ID).Delete(&Session{}).Error; err != nil {
				return fmt.Errorf("models: end sessions: %w", err)
			}
		}
		if ch.Password != nil {
			at := ch.At
			if at.IsZero() {
				at = time.Now()
			}
			if err := tx.Model(&APIToken{}).Where("user_id = ? AND revoked_at IS NULL", before.ID).Update("revoked_at", at).Error; err != nil {
				return fmt.Errorf("models: revoke tokens: %w", err)
			}
		}
		return nil
	})
	return before, after, err
}

// CreateAPIToken makes a personal API token for the user and returns the token (shown once) and
// its stored record.
func (s *Store) CreateAPIToken(userID uint, name string, now time.Time) (string, APIToken, error) {
	secret, err := NewSecret()
	if err != nil {
		return "", APIToken{}, err
	}
	token := "rk_" + secret
	name = strings.TrimSpace(name)
	if name == "" {
		name = "API"
	}
	if err := CheckLength("令牌名称", name, MaxTokenName); err != nil {
		return "", APIToken{}, err
	}
	rec := APIToken{UserID: userID, Name: name, Hash: SecretHash(token), Prefix: token[:9], CreatedAt: now}
	if err := s.DB.Create(&rec).Error; err != nil {
		return "", APIToken{}, fmt.Errorf("models: create token: %w", err)
	}
	return token, rec, nil
}

// TokenUser returns the enabled user behind a live API token; ErrNotFound otherwise.
func (s *Store) TokenUser(token string, now time.Time) (User, error) {
	if !strings.HasPrefix(token, "rk_") {
		return User{}, ErrNotFound
	}
	var rec APIToken
	err := s.DB.Where("hash = ? AND revoked_at IS NULL", SecretHash(token)).Take(&rec).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return User{}, ErrNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("models: read token: %w", err)
	}
	u, err := s.UserByID(rec.UserID)
	if err != nil {
		return User{}, err
	}
	if u.Disabled {
		return User{}, ErrNotFound
	}
	if rec.LastUsedAt == nil || now.Sub(*rec.LastUsedAt) > time.Minute {
		if err := s.DB.Model(&APIToken{}).Where("id = ?", rec.ID).Update("last_used_at", now).Error; err != nil {
			return User{}, fmt.Errorf("models: token last use: %w", err)
		}
	}
	return u, nil
}

// APITokens lists a user's tokens, newest first.
func (s *Store) APITokens(userID uint) ([]APIToken, error) {
	var out []APIToken
	if err := s.DB.Where("user_id = ?", userID).Order("id DESC").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("models: list tokens: %w", err)
	}
	return out, nil
}

// RevokeAPIToken revokes a live token of the user ownerID and records who did it in the audit
// trail, in one transaction; ErrNotFound when that user has no such live token. A user revokes
// their own tokens; the office revokes anyone's.
func (s *Store) RevokeAPIToken(by Actor, ownerID, tokenID uint, now time.Time) (APIToken, error) {
	var rec APIToken
	err := s.DB.Transaction(func(tx *gorm.DB) error {
		err := tx.Where("id = ? AND user_id = ? AND revoked_at IS NULL", tokenID, ownerID).Take(&rec).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("models: read token: %w", err)
		}
		var owner User
		if err := tx.Take(&owner, ownerID).Error; err != nil {
			return fmt.Errorf("models: token owner: %w", err)
		}
		if err := tx.Model(&APIToken{}).Where("id = ?", rec.ID).Update("revoked_at", now).Error; err != nil {
			return fmt.Errorf("models: revoke token: %w", err)
		}
		rec.RevokedAt = &now
		return auditTx(tx, AuditEntry{At: now, Actor: by.Username, IP: by.IP, Action: AuditTokenRevoke, Subject: owner.Username,
			Before: AuditJSON(map[string]any{"id": rec.ID, "name": rec.Name, "prefix": rec.Prefix}), After: "revoked"})
	})
	if err != nil {
		return APIToken{}, err
	}
	return rec, nil
}

// LiveAPITokens lists every user's tokens that are not revoked, by user id, for the office.
func (s *Store) LiveAPITokens() (map[uint][]APIToken, error) {
	var list []APIToken
	if err := s.DB.Where("revoked_at IS NULL").Order("id DESC").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("models: list tokens: %w", err)
	}
	out := map[uint][]APIToken{}
	for _, t := range list {
		out[t.UserID] = append(out[t.UserID], t)
	}
	return out, nil
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

// PurgeExpired removes expired sessions and key-value entries.
func (s *Store) PurgeExpired(now time.Time) error {
	if err := s.DB.Where("expires_at <= ?", now).Delete(&Session{}).Error; err != nil {
		return fmt.Errorf("models: purge sessions: %w", err)
	}
	if err := s.DB.Where("expires_at IS NOT NULL AND expires_at <= ?", now).Delete(&KeyValue{}).Error; err != nil {
		return fmt.Errorf("models: purge key values: %w", err)
	}
	return nil
}
