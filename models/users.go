package models

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
)

// HashPassword hashes a password with bcrypt.
func HashPassword(password string) (string, error) {
	if len(password) < 8 {
		return "", Errorf(EInvalid, "密码至少需要8个字符。")
	}
	b, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return "", fmt.Errorf("models: hash password: %w", err)
	}
	return string(b), nil
}

// CheckPassword reports whether the password matches the hash.
func CheckPassword(hash, password string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
}

// NewUser describes a user to create.
type NewUser struct {
	Username    string
	DisplayName string
	Password    string
	Role        string
	UnitCode    string
	Demo        bool
}

// ValidateNewUser checks a new user against the plan: a known role, and a reporting unit for county users.
func ValidateNewUser(p *Plan, nu NewUser) error {
	if strings.TrimSpace(nu.Username) == "" {
		return Errorf(EInvalid, "用户名不能为空。")
	}
	if err := CheckLength("姓名", nu.DisplayName, MaxDisplayName); err != nil {
		return err
	}
	switch nu.Role {
	case RoleOffice, RoleLeader:
		if nu.UnitCode != "" {
			return Errorf(EInvalid, "只有县级填报用户可以绑定单位。")
		}
	case RoleCounty:
		u, ok := p.Unit(nu.UnitCode)
		if !ok || len(u.Children) > 0 {
			return Errorf(EInvalid, "单位代码 %q 不是本方案的填报单位。", nu.UnitCode)
		}
	default:
		return Errorf(EInvalid, "未知角色 %q（应为 office、county 或 leader）。", nu.Role)
	}
	return nil
}

// CreateUser validates and stores a new user under its canonical name (CanonicalUsername), with its
// user.create audit entry by by.
func (s *Store) CreateUser(p *Plan, nu NewUser, by Actor, now time.Time) (User, error) {
	var u User
	err := s.write(func(tx *gorm.DB) error {
		var err error
		if u, err = createUserTx(tx, p, nu, now); err != nil {
			return err
		}
		return auditTx(tx, AuditEntry{At: now, Actor: by.Username, IP: by.IP, Action: AuditUserCreate, Subject: u.Username,
			After: AuditJSON(UserAuditFields(u))})
	})
	if err != nil {
		return User{}, err
	}
	return u, nil
}

// createUserTx validates and stores a new user inside a write, under its canonical name (the
// existing names are read in the same transaction, so a look-alike cannot slip in beside it).
func createUserTx(tx *gorm.DB, p *Plan, nu NewUser, now time.Time) (User, error) {
	if err := ValidateNewUser(p, nu); err != nil {
		return User{}, err
	}
	var existing []string
	if err := tx.Model(&User{}).Pluck("username", &existing).Error; err != nil {
		return User{}, fmt.Errorf("models: list usernames: %w", err)
	}
	name, err := CanonicalUsername(nu.Username, existing)
	if err != nil {
		return User{}, err
	}
	nu.Username = name
	hash, err := HashPassword(nu.Password)
	if err != nil {
		return User{}, err
	}
	u := User{Username: nu.Username, DisplayName: nu.DisplayName, PasswordHash: hash, Role: nu.Role, UnitCode: nu.UnitCode, Demo: nu.Demo, CreatedAt: now}
	var n int64
	if err := tx.Model(&User{}).Where("username = ?", nu.Username).Count(&n).Error; err != nil {
		return User{}, fmt.Errorf("models: look up user: %w", err)
	}
	if n > 0 {
		return User{}, Errorf(EConflict, "用户名 %q 已存在。", nu.Username)
	}
	if err := tx.Create(&u).Error; err != nil {
		return User{}, fmt.Errorf("models: create user: %w", err)
	}
	return u, nil
}

// UserByName returns the user with the username, or ErrNotFound.
func (s *Store) UserByName(username string) (User, error) {
	var u User
	err := s.DB.Where("username = ?", username).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return User{}, ErrNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("models: user %q: %w", username, err)
	}
	return u, nil
}

// DemoUsers lists the demo accounts: office, leader and one county user per reporting unit.
func DemoUsers(p *Plan) []NewUser {
	users := []NewUser{
		{Username: "office", DisplayName: "工作专班办公室", Password: DemoPassword, Role: RoleOffice, Demo: true},
		{Username: "leader", DisplayName: "市领导", Password: DemoPassword, Role: RoleLeader, Demo: true},
	}
	for _, u := range p.ReportingUnits() {
		users = append(users, NewUser{Username: "county-" + u.Code, DisplayName: u.Name + "填报员", Password: DemoPassword,
			Role: RoleCounty, UnitCode: u.Code, Demo: true})
	}
	return users
}

// SeedDemo fills an empty database with the demo over the plan's whole span (SeedDemoAsOf with no day).
func (s *Store) SeedDemo(p *Plan) error { return s.SeedDemoAsOf(p, time.Time{}) }

// SeedDemoAsOf fills an empty database with the demo as it stands on a day (DemoData.AsOf): users,
// reference figures and village lists, allocations, returns with their reviews, ledger snapshots and
// follow-ups. It refuses a database that holds real data, and does nothing to one that already
// holds the demo.
func (s *Store) SeedDemoAsOf(p *Plan, today time.Time) error {
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
		return ErrRealData
	}
	empty, err := s.IsEmpty()
	if err != nil {
		return err
	}
	if !empty {
		return nil
	}
	data, err := GenerateDemo(p, 2023)
	if err != nil {
		return err
	}
	data = data.AsOf(today)
	// The demo is set-up, not anybody's change: it leaves no audit entries.
	var chs []Change
	if err := s.write(func(tx *gorm.DB) error {
		for _, nu := range DemoUsers(p) {
			if _, err := createUserTx(tx, p, nu, time.Now()); err != nil && ErrorCode(err) != EConflict {
				return err
			}
		}
		chs = chs[:0]
		for code, n := range data.AdminVillages {
			if err := tx.Model(&UnitRecord{}).Where("code = ?", code).Update("admin_villages", n).Error; err != nil {
				return fmt.Errorf("models: demo villages: %w", err)
			}
		}
		if len(data.Allocations) > 0 {
			if err := tx.CreateInBatches(data.Allocations, 200).Error; err != nil {
				return fmt.Errorf("models: demo allocations: %w", err)
			}
		}
		if err := seedDemoExtrasTx(tx, data, today); err != nil {
			return err
		}
		for _, kind := range []ChangeKind{ChangeVillages, ChangeAllocations} {
			ch, err := changed(tx, Change{Kind: kind})
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
