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

// SeedDemo fills an empty database with the demo over the plan's whole span (SeedDemoAsOf with no day).
func (s *Store) SeedDemo(p *models.Plan) error { return s.SeedDemoAsOf(p, time.Time{}) }

// SeedDemoAsOf fills an empty database with the demo as it stands on a day (DemoData.AsOf): users,
// reference figures and village lists, allocations, returns with their reviews, ledger snapshots and
// follow-ups. It refuses a database that holds real data, and does nothing to one that already
// holds the demo.
func (s *Store) SeedDemoAsOf(p *models.Plan, today time.Time) error {
	// A demo database stays one: what people tried in it (uploads, new users) is demo play, and
	// `make run` must start again on it.
	demo, err := s.IsDemo()
	if err != nil || demo {
		return err
	}
	real, err := s.HasRealData()
	if err != nil {
		return err
	}
	if real {
		return models.ErrRealData
	}
	empty, err := s.IsEmpty()
	if err != nil {
		return err
	}
	if !empty {
		return nil
	}
	data, err := models.GenerateDemo(p, 2023)
	if err != nil {
		return err
	}
	data = data.AsOf(today)
	// The demo is set-up, not anybody's change: it leaves no audit entries.
	var chs []models.Change
	if err := s.write(func(tx *gorm.DB) error {
		for _, nu := range models.DemoUsers(p) {
			if _, err := createUserTx(tx, p, nu, time.Now()); err != nil && models.ErrorCode(err) != models.EConflict {
				return err
			}
		}
		chs = chs[:0]
		for code, n := range data.AdminVillages {
			if err := tx.Model(&models.UnitRecord{}).Where("code = ?", code).Update("admin_villages", n).Error; err != nil {
				return fmt.Errorf("store: demo villages: %w", err)
			}
		}
		if len(data.Allocations) > 0 {
			if err := tx.CreateInBatches(data.Allocations, 200).Error; err != nil {
				return fmt.Errorf("store: demo allocations: %w", err)
			}
		}
		if err := seedDemoExtrasTx(tx, data, today); err != nil {
			return err
		}
		for _, kind := range []models.ChangeKind{models.ChangeVillages, models.ChangeAllocations} {
			ch, err := changed(tx, models.Change{Kind: kind})
			if err != nil {
				return err
			}
			chs = append(chs, ch)
		}
		return nil
	}); err != nil {
		return err
	}
	s.afterCommit(chs...)
	if err := s.SaveVersions(data.Versions); err != nil {
		return err
	}
	return s.MarkDemo()
}
