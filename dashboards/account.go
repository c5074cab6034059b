package dashboards

import "ruralkpi/models"

// LoginPage is the sign-in form: where to go afterwards, the name typed and why it failed.
type LoginPage struct {
	Next, Username, Error string
}

// NewLoginPage lays out the sign-in form; next is the safe post-login path, username what was
// typed and problem why signing in failed ("" for a fresh form).
func NewLoginPage(next, username, problem string) LoginPage {
	return LoginPage{Next: next, Username: username, Error: problem}
}

// AccountPage is a user's own account page: password change and personal API tokens.
type AccountPage struct {
	Role, Unit string
	Tokens     []TokenRow
	NewToken   string // shown once, right after creation
	Error      string
}

// TokenRow is one of the user's API tokens with its moments written out.
type TokenRow struct {
	models.APIToken
	Created, LastUsed string
}

// NewAccountPage lays out a user's account page: the role in Chinese, the unit named ("" for none),
// each token's creation and last use to the minute ("—" for a token never used), a token just
// created (shown once) and why a change was refused.
func NewAccountPage(p *models.Plan, u models.User, tokens []models.APIToken, newToken, problem string) AccountPage {
	d := AccountPage{Role: models.Role(u.Role).Label(), NewToken: newToken, Error: problem, Tokens: tokenRows(tokens)}
	if unit, ok := p.Unit(u.UnitCode); ok {
		d.Unit = unit.Name
	}
	return d
}

// tokenRows writes out each token's creation and last use to the minute, in China Standard Time.
func tokenRows(tokens []models.APIToken) []TokenRow {
	var out []TokenRow
	for _, tk := range tokens {
		row := TokenRow{APIToken: tk, Created: models.FormatLocalTime(tk.CreatedAt), LastUsed: "—"}
		if tk.LastUsedAt != nil {
			row.LastUsed = models.FormatLocalTime(*tk.LastUsedAt)
		}
		out = append(out, row)
	}
	return out
}

// UsersPage is the office's user administration: every user, the units and roles to choose from,
// and why a change was refused.
type UsersPage struct {
	Users []UserRow
	Units []models.Unit
	Roles [][2]string
	Error string
}

// UserRow is one user with the role and unit named.
type UserRow struct {
	models.User
	RoleLabel, UnitName string
	// Tokens are the user's live API tokens, which the office may revoke.
	Tokens []TokenRow
}

// NewUsersPage lays out the users with their live tokens (by user id); problem is why a change
// was refused ("" when none was).
func NewUsersPage(p *models.Plan, users []models.User, tokens map[uint][]models.APIToken, problem string) UsersPage {
	d := UsersPage{Units: p.ReportingUnits(), Error: problem}
	for _, r := range models.Roles() {
		d.Roles = append(d.Roles, [2]string{string(r), r.Label()})
	}
	for _, u := range users {
		row := UserRow{User: u, RoleLabel: models.Role(u.Role).Label(), Tokens: tokenRows(tokens[u.ID])}
		if unit, ok := p.Unit(u.UnitCode); ok {
			row.UnitName = unit.Name
		}
		d.Users = append(d.Users, row)
	}
	return d
}
