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

// createSessionTx starts a session for the user inside a write and returns the cookie value.
func createSessionTx(tx *gorm.DB, userID uint, ip, userAgent string, now time.Time) (string, error) {
	id, err := NewSecret()
	if err != nil {
		return "", err
	}
	if len(userAgent) > 255 {
		userAgent = userAgent[:255]
	}
	sess := Session{IDHash: SecretHash(id), UserID: userID, IP: ip, UserAgent: userAgent, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(SessionLifetime)}
	if err := tx.Create(&sess).Error; err != nil {
		return "", fmt.Errorf("models: create session: %w", err)
	}
	return id, nil
}

// Login starts a new session for a user whose password was checked, ending the session the browser
// had (oldSession, may be "") and purging expired ones, with its login.success audit entry.
func (s *Store) Login(u User, oldSession string, by Actor, userAgent string, now time.Time) (string, error) {
	var id string
	err := s.write(func(tx *gorm.DB) error {
		if oldSession != "" {
			if err := tx.Where("id_hash = ?", SecretHash(oldSession)).Delete(&Session{}).Error; err != nil {
				return fmt.Errorf("models: delete session: %w", err)
			}
		}
		if err := purgeExpiredTx(tx, now); err != nil {
			return err
		}
		var err error
		if id, err = createSessionTx(tx, u.ID, by.IP, userAgent, now); err != nil {
			return err
		}
		return auditTx(tx, AuditEntry{At: now, Actor: u.Username, IP: by.IP, Action: AuditLoginOK})
	})
	if err != nil {
		return "", err
	}
	if oldSession != "" && s.touch != nil {
		s.touch.forgetSession(SecretHash(oldSession))
	}
	return id, nil
}

// Logout ends a session (id may be "") with its logout audit entry.
func (s *Store) Logout(id string, by Actor, now time.Time) error {
	err := s.write(func(tx *gorm.DB) error {
		if id != "" {
			if err := tx.Where("id_hash = ?", SecretHash(id)).Delete(&Session{}).Error; err != nil {
				return fmt.Errorf("models: delete session: %w", err)
			}
		}
		return auditTx(tx, AuditEntry{At: now, Actor: by.Username, IP: by.IP, Action: AuditLogout})
	})
	if err == nil && id != "" && s.touch != nil {
		s.touch.forgetSession(SecretHash(id))
	}
	return err
}

// SessionUser returns the enabled user behind a live session; ErrNotFound when the session is
// unknown, expired or its user disabled. It never writes: the session's extension is noted in
// memory and stored by the next flush (store_touch.go), so a read neither waits for nor fails
// because of a writer, and works on a full disk.
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
	lastSeen := sess.LastSeenAt
	if s.touch != nil {
		if pending := s.touch.noteSession(sess.IDHash, now, false); pending.After(lastSeen) {
			lastSeen = pending
		}
	}
	expires := sess.ExpiresAt
	if e := lastSeen.Add(SessionLifetime); e.After(expires) {
		expires = e
	}
	if !now.Before(expires) {
		return User{}, ErrNotFound // removed by the next login's purge
	}
	u, err := s.UserByID(sess.UserID)
	if err != nil {
		return User{}, err
	}
	if u.Disabled {
		return User{}, ErrNotFound
	}
	if now.Sub(lastSeen) > touchEvery && s.touch != nil {
		s.touch.noteSession(sess.IDHash, now, true)
	}
	return u, nil
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

// UpdateUser applies a change to a user after checking it against the plan, with its user.update
// audit entry by by, and returns the user before and after. Disabling a user or resetting the
// password ends the user's sessions; a new password also revokes every API token of the user (a
// token must not outlive the password that was trusted when it was made).
func (s *Store) UpdateUser(p *Plan, username string, ch UserChange, by Actor, now time.Time) (before, after User, err error) {
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
	err = s.write(func(tx *gorm.DB) error {
		at := ch.At
		if at.IsZero() {
			at = now
		}
		if err := updateUserTx(tx, before, after, ch.Password != nil, at); err != nil {
			return err
		}
		b, a := UserAuditFields(before), UserAuditFields(after)
		if ch.Password != nil {
			b["password"], a["password"] = "(old)", "(reset)"
		}
		return auditTx(tx, AuditEntry{At: now, Actor: by.Username, IP: by.IP, Action: AuditUserUpdate, Subject: username,
			Before: AuditJSON(b), After: AuditJSON(a)})
	})
	return before, after, err
}

// updateUserTx stores a user's new fields and ends its sessions when what they were granted changed.
// A new password also revokes the user's live API tokens at now.
func updateUserTx(tx *gorm.DB, before, after User, passwordChanged bool, now time.Time) error {
	if err := tx.Model(&User{}).Where("id = ?", before.ID).Updates(map[string]any{
		"role": after.Role, "unit_code": after.UnitCode, "disabled": after.Disabled, "password_hash": after.PasswordHash,
	}).Error; err != nil {
		return fmt.Errorf("models: update user: %w", err)
	}
	if after.Disabled || passwordChanged || after.Role != before.Role || after.UnitCode != before.UnitCode {
		if err := tx.Where("user_id = ?", before.ID).Delete(&Session{}).Error; err != nil {
			return fmt.Errorf("models: end sessions: %w", err)
		}
	}
	if passwordChanged {
		if err := tx.Model(&APIToken{}).Where("user_id = ? AND revoked_at IS NULL", before.ID).Update("revoked_at", now).Error; err != nil {
			return fmt.Errorf("models: revoke tokens: %w", err)
		}
	}
	return nil
}

// ChangePassword sets a user's own new password, ends the user's sessions and starts a new one for
// this browser, with its user.password audit entry, in one transaction; it returns the new session.
func (s *Store) ChangePassword(username, password string, by Actor, userAgent string, now time.Time) (string, error) {
	before, err := s.UserByName(username)
	if err != nil {
		return "", err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return "", err
	}
	after := before
	after.PasswordHash = hash
	var id string
	err = s.write(func(tx *gorm.DB) error {
		if err := updateUserTx(tx, before, after, true, now); err != nil {
			return err
		}
		var err error
		if id, err = createSessionTx(tx, before.ID, by.IP, userAgent, now); err != nil {
			return err
		}
		return auditTx(tx, AuditEntry{At: now, Actor: by.Username, IP: by.IP, Action: AuditPasswordChange, Subject: username, After: "password changed"})
	})
	return id, err
}

// UserAuditFields is what the audit trail shows of a user: never the password hash.
func UserAuditFields(u User) map[string]any {
	return map[string]any{"username": u.Username, "role": u.Role, "unit": u.UnitCode, "disabled": u.Disabled}
}

// CreateAPIToken makes a personal API token for the user, with its token.create audit entry by
// by, and returns the token (shown once) and its stored record.
func (s *Store) CreateAPIToken(u User, name string, by Actor, now time.Time) (string, APIToken, error) {
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
	rec := APIToken{UserID: u.ID, Name: name, Hash: SecretHash(token), Prefix: token[:9], CreatedAt: now}
	err = s.write(func(tx *gorm.DB) error {
		if err := tx.Create(&rec).Error; err != nil {
			return fmt.Errorf("models: create token: %w", err)
		}
		return auditTx(tx, AuditEntry{At: now, Actor: by.Username, IP: by.IP, Action: AuditTokenCreate, Subject: u.Username,
			After: AuditJSON(map[string]any{"id": rec.ID, "name": rec.Name, "prefix": rec.Prefix})})
	})
	if err != nil {
		return "", APIToken{}, err
	}
	return token, rec, nil
}

// TokenUser returns the enabled user behind a live API token; ErrNotFound otherwise. It never
// writes: the token's last use is noted in memory and stored by the next flush.
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
	if s.touch != nil {
		last := s.touch.tokenUsed(rec.ID)
		if rec.LastUsedAt != nil && rec.LastUsedAt.After(last) {
			last = *rec.LastUsedAt
		}
		if now.Sub(last) > touchEvery {
			s.touch.noteToken(rec.ID, now)
		}
	}
	return u, nil
}

// APITokens lists a user's tokens, newest first, with last uses not yet flushed.
func (s *Store) APITokens(userID uint) ([]APIToken, error) {
	var out []APIToken
	if err := s.DB.Where("user_id = ?", userID).Order("id DESC").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("models: list tokens: %w", err)
	}
	if s.touch != nil {
		for i := range out {
			if used := s.touch.tokenUsed(out[i].ID); !used.IsZero() && (out[i].LastUsedAt == nil || used.After(*out[i].LastUsedAt)) {
				out[i].LastUsedAt = &used
			}
		}
	}
	return out, nil
}

// RevokeAPIToken revokes a live token of the user ownerID and records who did it in the audit
// trail, in one transaction; ErrNotFound when that user has no such live token. A user revokes
// their own tokens; the office revokes anyone's.
func (s *Store) RevokeAPIToken(by Actor, ownerID, tokenID uint, now time.Time) (APIToken, error) {
	var rec APIToken
	err := s.write(func(tx *gorm.DB) error {
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

// purgeExpiredTx removes expired sessions and key-value entries; a login does it.
func purgeExpiredTx(tx *gorm.DB, now time.Time) error {
	if err := tx.Where("expires_at <= ?", now).Delete(&Session{}).Error; err != nil {
		return fmt.Errorf("models: purge sessions: %w", err)
	}
	if err := tx.Where("expires_at IS NOT NULL AND expires_at <= ?", now).Delete(&KeyValue{}).Error; err != nil {
		return fmt.Errorf("models: purge key values: %w", err)
	}
	return nil
}
