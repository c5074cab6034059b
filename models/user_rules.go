package models

import (
	"fmt"
	"strings"

	"golang.org/x/crypto/bcrypt"
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
