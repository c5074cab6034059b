package store

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"ruralkpi/models"
)

// createSessionTx starts a session for the user inside a write and returns the cookie value.
func createSessionTx(tx *gorm.DB, userID uint, ip, userAgent string, now time.Time) (string, error) {
	id, err := models.NewSecret()
	if err != nil {
		return "", err
	}
	if len(userAgent) > 255 {
		userAgent = userAgent[:255]
	}
	sess := models.Session{IDHash: models.SecretHash(id), UserID: userID, IP: ip, UserAgent: userAgent, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(models.SessionLifetime)}
	if err := tx.Create(&sess).Error; err != nil {
		return "", fmt.Errorf("store: create session: %w", err)
	}
	return id, nil
}

// Login starts a new session for a user whose password was checked, ending the session the browser
// had (oldSession, may be "") and purging expired ones, with its login.success audit entry.
func (s *Store) Login(u models.User, oldSession string, by models.Actor, userAgent string, now time.Time) (string, error) {
	var id string
	var chs []models.Change
	err := s.write(func(tx *gorm.DB) error {
		if oldSession != "" {
			if err := tx.Where("id_hash = ?", models.SecretHash(oldSession)).Delete(&models.Session{}).Error; err != nil {
				return fmt.Errorf("store: delete session: %w", err)
			}
			ch, err := accessChangedTx(tx)
			if err != nil {
				return err
			}
			chs = append(chs, ch)
		}
		if err := purgeExpiredTx(tx, now); err != nil {
			return err
		}
		var err error
		if id, err = createSessionTx(tx, u.ID, by.IP, userAgent, now); err != nil {
			return err
		}
		return auditTx(tx, models.AuditEntry{At: now, Actor: u.Username, IP: by.IP, Action: models.AuditLoginOK})
	})
	if err != nil {
		return "", err
	}
	s.afterCommit(chs...)
	if oldSession != "" && s.touch != nil {
		s.touch.forgetSession(models.SecretHash(oldSession))
	}
	return id, nil
}

// Logout ends a session (id may be "") with its logout audit entry.
func (s *Store) Logout(id string, by models.Actor, now time.Time) error {
	var chs []models.Change
	err := s.write(func(tx *gorm.DB) error {
		if id != "" {
			if err := tx.Where("id_hash = ?", models.SecretHash(id)).Delete(&models.Session{}).Error; err != nil {
				return fmt.Errorf("store: delete session: %w", err)
			}
			ch, err := accessChangedTx(tx)
			if err != nil {
				return err
			}
			chs = append(chs, ch)
		}
		return auditTx(tx, models.AuditEntry{At: now, Actor: by.Username, IP: by.IP, Action: models.AuditLogout})
	})
	if err != nil {
		return err
	}
	s.afterCommit(chs...)
	if id != "" && s.touch != nil {
		s.touch.forgetSession(models.SecretHash(id))
	}
	return nil
}

// SessionUser returns the enabled user behind a live session; ErrNotFound when the session is
// unknown, expired or its user disabled. It never writes: the session's extension is noted in
// memory and stored by the next flush (store_touch.go), so a read neither waits for nor fails
// because of a writer, and works on a full disk.
func (s *Store) SessionUser(id string, now time.Time) (models.User, error) {
	if id == "" {
		return models.User{}, models.ErrNotFound
	}
	sess, err := s.sessionByHash(models.SecretHash(id))
	if err != nil {
		return models.User{}, err
	}
	lastSeen := sess.LastSeenAt
	if s.touch != nil {
		if pending := s.touch.noteSession(sess.IDHash, now, false); pending.After(lastSeen) {
			lastSeen = pending
		}
	}
	expires := sess.ExpiresAt
	if e := lastSeen.Add(models.SessionLifetime); e.After(expires) {
		expires = e
	}
	if !now.Before(expires) {
		return models.User{}, models.ErrNotFound // removed by the next login's purge
	}
	u, err := s.signedInUser(sess.UserID)
	if err != nil {
		return models.User{}, err
	}
	if u.Disabled {
		return models.User{}, models.ErrNotFound
	}
	if now.Sub(lastSeen) > touchEvery && s.touch != nil {
		s.touch.noteSession(sess.IDHash, now, true)
	}
	return u, nil
}

// sessionByHash reads a session by the hash of its id, from the access cache when it is on.
func (s *Store) sessionByHash(hash string) (models.Session, error) {
	return readThrough(s.access.Load(), sessionsOf, hash, func() (models.Session, error) {
		var sess models.Session
		err := s.db.Where("id_hash = ?", hash).Take(&sess).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return models.Session{}, models.ErrNotFound
		}
		if err != nil {
			return models.Session{}, fmt.Errorf("store: read session: %w", err)
		}
		return sess, nil
	})
}

// liveToken reads an unrevoked API token by its hash, from the access cache when it is on.
func (s *Store) liveToken(hash string) (models.APIToken, error) {
	return readThrough(s.access.Load(), tokensOf, hash, func() (models.APIToken, error) {
		var rec models.APIToken
		err := s.db.Where("hash = ? AND revoked_at IS NULL", hash).Take(&rec).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return models.APIToken{}, models.ErrNotFound
		}
		if err != nil {
			return models.APIToken{}, fmt.Errorf("store: read token: %w", err)
		}
		return rec, nil
	})
}

// signedInUser is UserByID for a session or token, from the access cache when it is on.
func (s *Store) signedInUser(id uint) (models.User, error) {
	return readThrough(s.access.Load(), usersOf, id, func() (models.User, error) { return s.UserByID(id) })
}

// DisplayNames maps every username with a display name to it (how pages name uploaders and
// reviewers), from the access cache when it is on; the map is shared and must not be changed.
func (s *Store) DisplayNames() (map[string]string, error) {
	return readThrough(s.access.Load(), namesOf, struct{}{}, func() (map[string]string, error) {
		var users []models.User
		if err := s.db.Select("username", "display_name").Where("display_name <> ''").Find(&users).Error; err != nil {
			return nil, fmt.Errorf("store: list display names: %w", err)
		}
		names := make(map[string]string, len(users))
		for _, u := range users {
			names[u.Username] = u.DisplayName
		}
		return names, nil
	})
}

// accessChangedTx records, inside a write, that who may sign in as whom changed (a session ended,
// a token was revoked, a user was created or changed): hand the change to afterCommit.
func accessChangedTx(tx *gorm.DB) (models.Change, error) {
	return changed(tx, models.Change{Kind: models.ChangeAccess})
}

// CreateAPIToken makes a personal API token for the user, with its token.create audit entry by
// by, and returns the token (shown once) and its stored record.
func (s *Store) CreateAPIToken(u models.User, name string, by models.Actor, now time.Time) (string, models.APIToken, error) {
	secret, err := models.NewSecret()
	if err != nil {
		return "", models.APIToken{}, err
	}
	token := "rk_" + secret
	name = strings.TrimSpace(name)
	if name == "" {
		name = "API"
	}
	if err := models.CheckLength("令牌名称", name, models.MaxTokenName); err != nil {
		return "", models.APIToken{}, err
	}
	rec := models.APIToken{UserID: u.ID, Name: name, Hash: models.SecretHash(token), Prefix: token[:9], CreatedAt: now}
	err = s.write(func(tx *gorm.DB) error {
		if err := tx.Create(&rec).Error; err != nil {
			return fmt.Errorf("store: create token: %w", err)
		}
		return auditTx(tx, models.AuditEntry{At: now, Actor: by.Username, IP: by.IP, Action: models.AuditTokenCreate, Subject: u.Username,
			After: models.AuditJSON(map[string]any{"id": rec.ID, "name": rec.Name, "prefix": rec.Prefix})})
	})
	if err != nil {
		return "", models.APIToken{}, err
	}
	return token, rec, nil
}

// TokenUser returns the enabled user behind a live API token; ErrNotFound otherwise. It never
// writes: the token's last use is noted in memory and stored by the next flush.
func (s *Store) TokenUser(token string, now time.Time) (models.User, error) {
	if !strings.HasPrefix(token, "rk_") {
		return models.User{}, models.ErrNotFound
	}
	rec, err := s.liveToken(models.SecretHash(token))
	if err != nil {
		return models.User{}, err
	}
	u, err := s.signedInUser(rec.UserID)
	if err != nil {
		return models.User{}, err
	}
	if u.Disabled {
		return models.User{}, models.ErrNotFound
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
func (s *Store) APITokens(userID uint) ([]models.APIToken, error) {
	var out []models.APIToken
	if err := s.db.Where("user_id = ?", userID).Order("id DESC").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: list tokens: %w", err)
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
func (s *Store) RevokeAPIToken(by models.Actor, ownerID, tokenID uint, now time.Time) (models.APIToken, error) {
	var rec models.APIToken
	var access models.Change
	err := s.write(func(tx *gorm.DB) error {
		err := tx.Where("id = ? AND user_id = ? AND revoked_at IS NULL", tokenID, ownerID).Take(&rec).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return models.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("store: read token: %w", err)
		}
		var owner models.User
		if err := tx.Take(&owner, ownerID).Error; err != nil {
			return fmt.Errorf("store: token owner: %w", err)
		}
		if err := tx.Model(&models.APIToken{}).Where("id = ?", rec.ID).Update("revoked_at", now).Error; err != nil {
			return fmt.Errorf("store: revoke token: %w", err)
		}
		rec.RevokedAt = &now
		if access, err = accessChangedTx(tx); err != nil {
			return err
		}
		return auditTx(tx, models.AuditEntry{At: now, Actor: by.Username, IP: by.IP, Action: models.AuditTokenRevoke, Subject: owner.Username,
			Before: models.AuditJSON(map[string]any{"id": rec.ID, "name": rec.Name, "prefix": rec.Prefix}), After: "revoked"})
	})
	if err != nil {
		return models.APIToken{}, err
	}
	s.afterCommit(access)
	return rec, nil
}

// LiveAPITokens lists every user's tokens that are not revoked, by user id, for the office.
func (s *Store) LiveAPITokens() (map[uint][]models.APIToken, error) {
	var list []models.APIToken
	if err := s.db.Where("revoked_at IS NULL").Order("id DESC").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("store: list tokens: %w", err)
	}
	out := map[uint][]models.APIToken{}
	for _, t := range list {
		out[t.UserID] = append(out[t.UserID], t)
	}
	return out, nil
}

// purgeExpiredTx removes expired sessions and key-value entries; a login does it.
func purgeExpiredTx(tx *gorm.DB, now time.Time) error {
	if err := tx.Where("expires_at <= ?", now).Delete(&models.Session{}).Error; err != nil {
		return fmt.Errorf("store: purge sessions: %w", err)
	}
	if err := tx.Where("expires_at IS NOT NULL AND expires_at <= ?", now).Delete(&models.KeyValue{}).Error; err != nil {
		return fmt.Errorf("store: purge key values: %w", err)
	}
	return nil
}

// RecentLoginFailures lists, newest first and at most limit of each, the failed logins after since
// that count against a login of username from ip: for the pair, that account's failures (names
// compared trimmed and case-blind) from that address since its last successful login from there;
// for the address, every failure from it. Logins the throttle refused unchecked are not failures.
// They are read from the audit trail, which every server on the database writes: the login throttle
// counts across servers and restarts. It only reads.
func (s *Store) RecentLoginFailures(username, ip string, since time.Time, limit int) (pair, address []time.Time, err error) {
	name := strings.ToLower(strings.TrimSpace(username))
	failures := func() *gorm.DB {
		return s.db.Model(&models.AuditEntry{}).Where("action = ? AND ip = ? AND at > ? AND after <> ?",
			models.AuditLoginFailed, ip, since, models.AuditLoginRateLimited).Order("at DESC, id DESC").Limit(limit)
	}
	lastOK := s.db.Model(&models.AuditEntry{}).Select("COALESCE(MAX(id), 0)").
		Where("action = ? AND ip = ? AND LOWER(actor) = ?", models.AuditLoginOK, ip, name)
	if err := failures().Where("LOWER(actor) = ? AND id > (?)", name, lastOK).Pluck("at", &pair).Error; err != nil {
		return nil, nil, fmt.Errorf("store: recent login failures of %s: %w", name, err)
	}
	if err := failures().Pluck("at", &address).Error; err != nil {
		return nil, nil, fmt.Errorf("store: recent login failures from %s: %w", ip, err)
	}
	return pair, address, nil
}
