package store

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"ruralkpi/models"
)

// CreateUser validates and stores a new user under its canonical name (CanonicalUsername), with its
// user.create audit entry by by.
func (s *Store) CreateUser(p *models.Plan, nu models.NewUser, by models.Actor, now time.Time) (models.User, error) {
	var u models.User
	var access models.Change
	err := s.write(func(tx *gorm.DB) error {
		var err error
		if u, err = createUserTx(tx, p, nu, now); err != nil {
			return err
		}
		// A new user's name is on the pages that list what they upload (DisplayNames).
		if access, err = accessChangedTx(tx); err != nil {
			return err
		}
		return auditTx(tx, models.AuditEntry{At: now, Actor: by.Username, IP: by.IP, Action: models.AuditUserCreate, Subject: u.Username,
			After: models.AuditJSON(models.UserAuditFields(u))})
	})
	if err != nil {
		return models.User{}, err
	}
	s.afterCommit(access)
	return u, nil
}

// createUserTx validates and stores a new user inside a write, under its canonical name (the
// existing names are read in the same transaction, so a look-alike cannot slip in beside it).
func createUserTx(tx *gorm.DB, p *models.Plan, nu models.NewUser, now time.Time) (models.User, error) {
	if err := models.ValidateNewUser(p, nu); err != nil {
		return models.User{}, err
	}
	var existing []string
	if err := tx.Model(&models.User{}).Pluck("username", &existing).Error; err != nil {
		return models.User{}, fmt.Errorf("store: list usernames: %w", err)
	}
	name, err := models.CanonicalUsername(nu.Username, existing)
	if err != nil {
		return models.User{}, err
	}
	nu.Username = name
	hash, err := models.HashPassword(nu.Password)
	if err != nil {
		return models.User{}, err
	}
	u := models.User{Username: nu.Username, DisplayName: nu.DisplayName, PasswordHash: hash, Role: nu.Role, UnitCode: nu.UnitCode, Demo: nu.Demo, CreatedAt: now}
	var n int64
	if err := tx.Model(&models.User{}).Where("username = ?", nu.Username).Count(&n).Error; err != nil {
		return models.User{}, fmt.Errorf("store: look up user: %w", err)
	}
	if n > 0 {
		return models.User{}, models.Errorf(models.EConflict, "用户名 %q 已存在。", nu.Username)
	}
	if err := tx.Create(&u).Error; err != nil {
		return models.User{}, fmt.Errorf("store: create user: %w", err)
	}
	return u, nil
}

// UserByName returns the user with the username, or ErrNotFound.
func (s *Store) UserByName(username string) (models.User, error) {
	var u models.User
	err := s.db.Where("username = ?", username).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return models.User{}, models.ErrNotFound
	}
	if err != nil {
		return models.User{}, fmt.Errorf("store: user %q: %w", username, err)
	}
	return u, nil
}

// UserByLogin finds the user a name typed at sign-in means: the name as typed (spaces around it
// trimmed), else its canonical form (models.TypedUsername: full-width letters and capitals typed for
// a name stored in lower case), else the one user whose stored name differs from it only in letter
// case (names created before the canonical rule keep their capitals). ErrNotFound otherwise,
// also when two stored names differ only in case.
func (s *Store) UserByLogin(typed string) (models.User, error) {
	canon := models.TypedUsername(typed)
	for _, name := range []string{strings.TrimSpace(typed), canon} {
		if name == "" {
			continue
		}
		u, err := s.UserByName(name)
		if !errors.Is(err, models.ErrNotFound) {
			return u, err
		}
	}
	if canon == "" {
		return models.User{}, models.ErrNotFound
	}
	var found []models.User
	if err := s.db.Where("LOWER(username) = ?", canon).Limit(2).Find(&found).Error; err != nil {
		return models.User{}, fmt.Errorf("store: user %q: %w", canon, err)
	}
	if len(found) != 1 {
		return models.User{}, models.ErrNotFound
	}
	return found[0], nil
}

// UserByID returns the user with the id, or ErrNotFound.
func (s *Store) UserByID(id uint) (models.User, error) {
	return takeByID[models.User](s.db, id, "user")
}

// Users lists every user by username.
func (s *Store) Users() ([]models.User, error) {
	var out []models.User
	if err := s.db.Order("username").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	return out, nil
}

// UpdateUser applies a change to a user after checking it against the plan, with its user.update
// audit entry by by, and returns the user before and after. Disabling a user or resetting the
// password ends the user's sessions; a new password also revokes every API token of the user (a
// token must not outlive the password that was trusted when it was made).
func (s *Store) UpdateUser(p *models.Plan, username string, ch models.UserChange, by models.Actor, now time.Time) (before, after models.User, err error) {
	before, err = s.UserByName(username)
	if err != nil {
		return models.User{}, models.User{}, err
	}
	after = before
	if ch.Role != nil {
		after.Role = *ch.Role
	}
	if ch.UnitCode != nil {
		after.UnitCode = *ch.UnitCode
	}
	if after.Role != models.RoleCounty && ch.Role != nil && ch.UnitCode == nil {
		after.UnitCode = ""
	}
	if err := models.ValidateNewUser(p, models.NewUser{Username: after.Username, Role: after.Role, UnitCode: after.UnitCode}); err != nil {
		return models.User{}, models.User{}, err
	}
	if ch.Disabled != nil {
		after.Disabled = *ch.Disabled
	}
	if ch.Password != nil {
		hash, err := models.HashPassword(*ch.Password)
		if err != nil {
			return models.User{}, models.User{}, err
		}
		after.PasswordHash = hash
	}
	var access models.Change
	err = s.write(func(tx *gorm.DB) error {
		at := ch.At
		if at.IsZero() {
			at = now
		}
		var err error
		if access, err = updateUserTx(tx, before, after, ch.Password != nil, at); err != nil {
			return err
		}
		b, a := models.UserAuditFields(before), models.UserAuditFields(after)
		if ch.Password != nil {
			b["password"], a["password"] = "(old)", "(reset)"
		}
		return auditTx(tx, models.AuditEntry{At: now, Actor: by.Username, IP: by.IP, Action: models.AuditUserUpdate, Subject: username,
			Before: models.AuditJSON(b), After: models.AuditJSON(a)})
	})
	if err != nil {
		return models.User{}, models.User{}, err
	}
	s.afterCommit(access)
	return before, after, nil
}

// updateUserTx stores a user's new fields and ends its sessions when what they were granted changed.
// A new password also revokes the user's live API tokens at now. It returns the access change for
// afterCommit.
func updateUserTx(tx *gorm.DB, before, after models.User, passwordChanged bool, now time.Time) (models.Change, error) {
	if err := tx.Model(&models.User{}).Where("id = ?", before.ID).Updates(map[string]any{
		"role": after.Role, "unit_code": after.UnitCode, "disabled": after.Disabled, "password_hash": after.PasswordHash,
	}).Error; err != nil {
		return models.Change{}, fmt.Errorf("store: update user: %w", err)
	}
	if after.Disabled || passwordChanged || after.Role != before.Role || after.UnitCode != before.UnitCode {
		if err := tx.Where("user_id = ?", before.ID).Delete(&models.Session{}).Error; err != nil {
			return models.Change{}, fmt.Errorf("store: end sessions: %w", err)
		}
	}
	if passwordChanged {
		if err := tx.Model(&models.APIToken{}).Where("user_id = ? AND revoked_at IS NULL", before.ID).Update("revoked_at", now).Error; err != nil {
			return models.Change{}, fmt.Errorf("store: revoke tokens: %w", err)
		}
	}
	return accessChangedTx(tx)
}

// ChangePassword sets a user's own new password, ends the user's sessions and starts a new one for
// this browser, with its user.password audit entry, in one transaction; it returns the new session.
func (s *Store) ChangePassword(username, password string, by models.Actor, userAgent string, now time.Time) (string, error) {
	before, err := s.UserByName(username)
	if err != nil {
		return "", err
	}
	hash, err := models.HashPassword(password)
	if err != nil {
		return "", err
	}
	after := before
	after.PasswordHash = hash
	var id string
	var access models.Change
	err = s.write(func(tx *gorm.DB) error {
		var err error
		if access, err = updateUserTx(tx, before, after, true, now); err != nil {
			return err
		}
		if id, err = createSessionTx(tx, before.ID, by.IP, userAgent, now); err != nil {
			return err
		}
		return auditTx(tx, models.AuditEntry{At: now, Actor: by.Username, IP: by.IP, Action: models.AuditPasswordChange, Subject: username, After: "password changed"})
	})
	if err != nil {
		return "", err
	}
	s.afterCommit(access)
	return id, nil
}
