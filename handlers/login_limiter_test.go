package handlers

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/internal/pgtest"
	"ruralkpi/models"
)

// failLogin records a failed login as the login handler does: an audit entry.
func failLogin(t *testing.T, e *accessEnv, username, ip string, at time.Time) {
	t.Helper()
	if err := e.store.Audit(models.AuditEntry{At: at, Actor: username, IP: ip, Action: models.AuditLoginFailed}); err != nil {
		t.Fatal(err)
	}
}

func TestLoginLimiterWindow(t *testing.T) {
	start := time.Date(2024, 7, 1, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		failures []time.Duration // offsets from start
		at       time.Duration
		blocked  bool
		wait     time.Duration
	}{
		{"below the limit", []time.Duration{0, 1, 2, 3}, 4 * time.Minute, false, 0},
		{"at the limit", []time.Duration{0, time.Minute, 2 * time.Minute, 3 * time.Minute, 4 * time.Minute}, 5 * time.Minute, true, 10 * time.Minute},
		{"oldest failure aged out", []time.Duration{0, time.Minute, 2 * time.Minute, 3 * time.Minute, 4 * time.Minute}, 15 * time.Minute, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newAccessEnv(t)
			for _, f := range tt.failures {
				failLogin(t, e, "office", "10.0.0.1", start.Add(f))
			}
			blocked, wait, err := e.server.loginBlocked("OFFICE ", "10.0.0.1", start.Add(tt.at))
			if err != nil || blocked != tt.blocked || wait != tt.wait {
				t.Errorf("blocked %v wait %v (%v), want %v %v", blocked, wait, err, tt.blocked, tt.wait)
			}
			if blocked, _, _ := e.server.loginBlocked("office", "10.0.0.2", start.Add(tt.at)); blocked {
				t.Error("the account is blocked from another address")
			}
		})
	}
	t.Run("success clears the pair, not the address", func(t *testing.T) {
		e := newAccessEnv(t)
		e.clock.now = start
		for i := 0; i < loginPairLimit; i++ {
			failLogin(t, e, "office", "10.0.0.1", start)
			failLogin(t, e, "leader", "10.0.0.2", start)
		}
		for i := loginPairLimit; i < loginAddressLimit; i++ {
			failLogin(t, e, "someone"+string(rune('a'+i)), "10.0.0.1", start)
		}
		if blocked, _, _ := e.server.loginBlocked("leader", "10.0.0.2", start); !blocked {
			t.Fatal("pair not blocked after its failures")
		}
		e.clock.now = start.Add(-loginWindow) // a successful login the throttle does not refuse
		leader, err := e.store.UserByName("leader")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.Login(leader, "", models.Actor{Username: "leader", IP: "10.0.0.2"}, "test", start); err != nil {
			t.Fatal(err)
		}
		if blocked, _, _ := e.server.loginBlocked("leader", "10.0.0.2", start); blocked {
			t.Error("pair still blocked after a successful login")
		}
		office, _ := e.store.UserByName("office")
		if _, err := e.store.Login(office, "", models.Actor{Username: "office", IP: "10.0.0.1"}, "test", start); err != nil {
			t.Fatal(err)
		}
		if blocked, _, _ := e.server.loginBlocked("someone", "10.0.0.1", start); !blocked {
			t.Error("address unblocked by one account's success")
		}
	})
	t.Run("refusals are not failures", func(t *testing.T) {
		e := newAccessEnv(t)
		for i := 0; i < loginAddressLimit; i++ {
			if err := e.store.Audit(models.AuditEntry{At: start, Actor: "office", IP: "10.0.0.1", Action: models.AuditLoginFailed, After: models.AuditLoginRateLimited}); err != nil {
				t.Fatal(err)
			}
		}
		if blocked, _, _ := e.server.loginBlocked("office", "10.0.0.1", start); blocked {
			t.Error("refused attempts counted as failures")
		}
	})
}

// TestLoginThrottleSharedByServers: the throttle was each server's memory, so with two servers an
// attacker had twice the guesses, and a restart forgot them all. It counts the audit trail's failed
// logins now, which every server on the database shares: five failures on server A block the
// account's login from that address on server B, and after B restarts. On SQLite and PostgreSQL.
func TestLoginThrottleSharedByServers(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgresql"} {
		t.Run(engine, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "shared.db")
			if engine == "postgresql" {
				db = pgtest.URL(t)
			}
			a := newAccessEnvAt(t, db)
			b := &accessEnv{t: t, plan: a.plan, dbPath: db, clock: a.clock}
			b.open()
			for i := 0; i < loginPairLimit; i++ {
				if res := a.client().login("office", "wrong password"); res.status != fiber.StatusUnauthorized {
					t.Fatalf("failure %d on A: %d", i+1, res.status)
				}
			}
			if res := b.client().login("office", accessPassword); res.status != fiber.StatusTooManyRequests {
				t.Errorf("the right password on B after %d failures on A: %d, want 429", loginPairLimit, res.status)
			}
			b.restart()
			if res := b.client().login("office", accessPassword); res.status != fiber.StatusTooManyRequests {
				t.Errorf("after B restarted: %d, want 429", res.status)
			}
			if res := b.loggedIn("leader"); res == nil {
				t.Error("another account from the same address is blocked")
			}
			a.clock.Advance(loginWindow)
			if res := b.client().login("office", accessPassword); res.status != fiber.StatusSeeOther {
				t.Errorf("on B after the window: %d, want 303", res.status)
			}
		})
	}
}
