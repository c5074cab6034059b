package store

import (
	"errors"
	"path/filepath"
	"ruralkpi/internal/testkit"
	"testing"
	"time"

	"ruralkpi/models"
)

func TestSessionsSurviveReopen(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, path string) {
		p := testkit.Plan(t)
		s, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SeedPlan(p); err != nil {
			t.Fatal(err)
		}
		u, err := s.CreateUser(p, models.NewUser{Username: "office", Password: "correct horse", Role: models.RoleOffice}, testActor, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		id, err := s.Login(u, "", models.Actor{Username: u.Username, IP: "127.0.0.1"}, "test", now)
		if err != nil {
			t.Fatal(err)
		}
		_ = s.Close()
		s, err = Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		got, err := s.SessionUser(id, now.Add(time.Hour))
		if err != nil || got.Username != "office" {
			t.Fatalf("session after reopen: %+v, %v", got, err)
		}
		if _, err := s.SessionUser(id, now.Add(time.Hour+models.SessionLifetime+time.Minute)); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("expired session: %v", err)
		}
		var stored models.Session
		s.db.First(&stored)
		if stored.IDHash == id {
			t.Error("the session id must be stored hashed")
		}
	})
}

func TestAPITokens(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store, p *models.Plan) {
		u, err := s.CreateUser(p, models.NewUser{Username: "county-530302", Password: "correct horse", Role: models.RoleCounty, UnitCode: "530302"}, testActor, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		token, rec, err := s.CreateAPIToken(u, "sync", testActor, now)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Hash == token || rec.Hash != models.SecretHash(token) {
			t.Error("the token must be stored as its hash")
		}
		if got, err := s.TokenUser(token, now); err != nil || got.ID != u.ID {
			t.Fatalf("TokenUser: %+v %v", got, err)
		}
		if _, err := s.TokenUser(token+"x", now); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("wrong token: %v", err)
		}
		if _, err := s.RevokeAPIToken(models.Actor{Username: "office"}, u.ID+1, rec.ID, now); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("revoking someone else's token: %v", err)
		}
		if _, err := s.RevokeAPIToken(models.Actor{Username: u.Username}, u.ID, rec.ID, now); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TokenUser(token, now); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("revoked token still works: %v", err)
		}
	})
}

func TestMayActForUnit(t *testing.T) {
	tests := []struct {
		name string
		u    models.User
		unit string
		want bool
	}{
		{"office any unit", models.User{Role: models.RoleOffice}, "530302", true},
		{"county own unit", models.User{Role: models.RoleCounty, UnitCode: "530302"}, "530302", true},
		{"county other unit", models.User{Role: models.RoleCounty, UnitCode: "530302"}, "530303", false},
		{"county empty unit", models.User{Role: models.RoleCounty, UnitCode: ""}, "", false},
		{"leader", models.User{Role: models.RoleLeader}, "530302", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := models.MayActForUnit(tt.u, tt.unit); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestUpdateUserEndsSessions(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store, p *models.Plan) {
		u, err := s.CreateUser(p, models.NewUser{Username: "clerk1", Password: "correct horse", Role: models.RoleCounty, UnitCode: "530302"}, testActor, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		id, _ := s.Login(u, "", testActor, "", now)
		role, unit := models.RoleCounty, "530303"
		before, after, err := s.UpdateUser(p, "clerk1", models.UserChange{Role: &role, UnitCode: &unit}, testActor, now)
		if err != nil || before.UnitCode != "530302" || after.UnitCode != "530303" {
			t.Fatalf("update: %+v %+v %v", before, after, err)
		}
		if _, err := s.SessionUser(id, now); !errors.Is(err, models.ErrNotFound) {
			t.Error("changing the unit must end the user's sessions")
		}
		bad := "nowhere"
		if _, _, err := s.UpdateUser(p, "clerk1", models.UserChange{UnitCode: &bad}, testActor, now); models.ErrorCode(err) != models.EInvalid {
			t.Errorf("bad unit: %v", err)
		}
		leader := models.RoleLeader
		if _, after, err := s.UpdateUser(p, "clerk1", models.UserChange{Role: &leader}, testActor, now); err != nil || after.UnitCode != "" {
			t.Errorf("a leader keeps no unit: %+v %v", after, err)
		}
	})
}

// TestRevokeAPITokenAuditInSameTransaction: when the audit entry cannot be written, the token stays
// live; a revocation never happens unrecorded.
func TestRevokeAPITokenAuditInSameTransaction(t *testing.T) {
	p := testkit.Plan(t)
	s, err := Open(filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.SeedPlan(p); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	u, err := s.CreateUser(p, models.NewUser{Username: "county-530302", Password: "correct horse", Role: models.RoleCounty, UnitCode: "530302"}, testActor, now)
	if err != nil {
		t.Fatal(err)
	}
	token, rec, err := s.CreateAPIToken(u, "t", testActor, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.db.Exec(`CREATE TRIGGER audit_fails BEFORE INSERT ON audit_entries BEGIN SELECT RAISE(ABORT, 'disk full'); END`).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := s.RevokeAPIToken(models.Actor{Username: "office"}, u.ID, rec.ID, now); err == nil {
		t.Fatal("revoked although the audit entry failed")
	}
	if _, err := s.TokenUser(token, now); err != nil {
		t.Errorf("the token was revoked without its audit entry: %v", err)
	}
}

func TestRecentLoginFailures(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store, p *models.Plan) {
		u, err := s.CreateUser(p, models.NewUser{Username: "Office", Password: "correct horse", Role: models.RoleOffice}, testActor, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		t0 := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
		fail := func(name, ip string, at time.Time, after string) {
			t.Helper()
			if err := s.Audit(models.AuditEntry{At: at, Actor: name, IP: ip, Action: models.AuditLoginFailed, After: after}); err != nil {
				t.Fatal(err)
			}
		}
		fail("office", "10.0.0.1", t0.Add(-20*time.Minute), "")           // before the window
		fail("office", "10.0.0.1", t0.Add(time.Minute), "")               // before the success
		fail("guess", "10.0.0.1", t0.Add(2*time.Minute), "")              // another account, same address
		fail("office", "10.0.0.2", t0.Add(2*time.Minute), "")             // another address
		fail("office", "10.0.0.1", t0.Add(3*time.Minute), "rate limited") // refused unchecked: no failure
		if _, err := s.Login(u, "", models.Actor{Username: u.Username, IP: "10.0.0.1"}, "test", t0.Add(4*time.Minute)); err != nil {
			t.Fatal(err)
		}
		fail("OFFICE", "10.0.0.1", t0.Add(5*time.Minute), "")
		fail("office", "10.0.0.1", t0.Add(6*time.Minute), "")
		tests := []struct {
			name          string
			user, ip      string
			limit         int
			pair, address []time.Duration
		}{
			{"pair since its success, address all", "Office ", "10.0.0.1", 20, []time.Duration{6, 5}, []time.Duration{6, 5, 2, 1}},
			{"limit", "office", "10.0.0.1", 1, []time.Duration{6}, []time.Duration{6}},
			{"another address", "office", "10.0.0.2", 20, []time.Duration{2}, []time.Duration{2}},
			{"unknown address", "office", "10.0.0.9", 20, nil, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				pair, address, err := s.RecentLoginFailures(tt.user, tt.ip, t0.Add(-15*time.Minute), tt.limit)
				if err != nil {
					t.Fatal(err)
				}
				check := func(what string, got []time.Time, want []time.Duration) {
					ok := len(got) == len(want)
					for i := 0; ok && i < len(got); i++ {
						ok = got[i].Equal(t0.Add(want[i] * time.Minute))
					}
					if !ok {
						t.Errorf("%s: %v, want minutes %v after %v", what, got, want, t0)
					}
				}
				check("pair", pair, tt.pair)
				check("address", address, tt.address)
			})
		}
	})
}

// TestUserByLogin finds the user a typed name means: as typed, in its canonical form, or — for a
// name stored with capitals before the canonical rule — ignoring case, but never one of two names
// that differ only in case.
func TestUserByLogin(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store, p *models.Plan) {
		if _, err := s.CreateUser(p, models.NewUser{Username: "clerk1", Password: "correct horse", Role: models.RoleCounty, UnitCode: "530302"}, testActor, time.Now()); err != nil {
			t.Fatal(err)
		}
		for _, legacy := range []string{"Zhang.Wei", "Li", "LI"} {
			if err := s.db.Create(&models.User{Username: legacy, Role: models.RoleLeader}).Error; err != nil {
				t.Fatal(err)
			}
		}
		for _, tt := range []struct{ typed, want string }{
			{"clerk1", "clerk1"}, {"  Clerk1 ", "clerk1"}, {"ＣＬＥＲＫ１", "clerk1"},
			{"Zhang.Wei", "Zhang.Wei"}, {" zhang.wei", "Zhang.Wei"}, {"ZHANG.WEI", "Zhang.Wei"},
			{"Li", "Li"}, {"LI", "LI"}, {"li", ""}, {"nobody", ""}, {"  ", ""},
		} {
			t.Run(tt.typed, func(t *testing.T) {
				u, err := s.UserByLogin(tt.typed)
				switch {
				case tt.want == "" && !errors.Is(err, models.ErrNotFound):
					t.Errorf("found %q, %v; want none", u.Username, err)
				case tt.want != "" && (err != nil || u.Username != tt.want):
					t.Errorf("found %q, %v; want %q", u.Username, err, tt.want)
				}
			})
		}
	})
}
