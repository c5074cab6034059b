package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"ruralkpi/internal/testkit"
	"ruralkpi/models"
)

// watchingStore starts the read model of s and has it follow the change log every interval, as a
// server does.
func watchingStore(t *testing.T, s *Store, p *models.Plan, interval time.Duration) {
	t.Helper()
	if err := s.StartReadModel(p); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go s.Watch(ctx, interval)
	deadline := time.Now().Add(5 * time.Second)
	for s.access.Load() == nil {
		if time.Now().After(deadline) {
			t.Fatal("Watch did not start")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// countQueries counts the SELECTs run on s's database from now on.
func countQueries(t *testing.T, s *Store) *atomic.Int64 {
	t.Helper()
	var n atomic.Int64
	if err := s.db.Callback().Query().Before("gorm:query").Register("test:count", func(*gorm.DB) { n.Add(1) }); err != nil {
		t.Fatal(err)
	}
	return &n
}

// A server that follows the change log reads a session, a token, their user and the users' names
// from the database once, not at every request: the two round trips before every page were a third
// of the time requests waited under load on PostgreSQL (docs/operations.md).
func TestAccessCacheSparesTheDatabase(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store, p *models.Plan) {
		now := time.Now()
		u, err := s.CreateUser(p, models.NewUser{Username: "clerk1", DisplayName: "会泽县填报员", Password: "correct horse", Role: models.RoleCounty, UnitCode: "530326"}, testActor, now)
		if err != nil {
			t.Fatal(err)
		}
		id, err := s.Login(u, "", testActor, "", now)
		if err != nil {
			t.Fatal(err)
		}
		token, _, err := s.CreateAPIToken(u, "t", testActor, now)
		if err != nil {
			t.Fatal(err)
		}
		watchingStore(t, s, p, time.Hour)
		read := func() {
			t.Helper()
			if got, err := s.SessionUser(id, now); err != nil || got.ID != u.ID {
				t.Fatalf("session: %+v %v", got, err)
			}
			if got, err := s.TokenUser(token, now); err != nil || got.ID != u.ID {
				t.Fatalf("token: %+v %v", got, err)
			}
			if names, err := s.DisplayNames(); err != nil || names["clerk1"] != "会泽县填报员" {
				t.Fatalf("names: %v %v", names, err)
			}
		}
		read()
		n := countQueries(t, s)
		for range 3 {
			read()
		}
		if got := n.Load(); got != 0 {
			t.Errorf("three more requests' sign-in reads ran %d queries, want 0", got)
		}
	})
}

// Whatever ends a session, revokes a token or changes a user on one server is refused there at
// once and on another server on the same database within a second, although both remembered it;
// the data version (and so every cached page) stays as it was. On PostgreSQL the other server's
// polling is set to an hour, so only the NOTIFY can deliver it; on SQLite (one server and the CLI)
// the poll does.
func TestAccessChangesReachEveryServer(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db string) {
		p := testkit.Plan(t)
		a, b := openStoreAt(t, db), openStoreAt(t, db)
		if err := a.SeedPlan(p); err != nil {
			t.Fatal(err)
		}
		interval := 50 * time.Millisecond
		if IsPostgresURL(db) {
			interval = time.Hour
		}
		watchingStore(t, a, p, interval)
		watchingStore(t, b, p, interval)
		time.Sleep(300 * time.Millisecond) // B is listening
		now := time.Now()
		newUser := func(name string) (models.User, string, string) {
			t.Helper()
			u, err := a.CreateUser(p, models.NewUser{Username: name, Password: "correct horse", Role: models.RoleCounty, UnitCode: "530326"}, testActor, now)
			if err != nil {
				t.Fatal(err)
			}
			id, err := a.Login(u, "", testActor, "", now)
			if err != nil {
				t.Fatal(err)
			}
			token, _, err := a.CreateAPIToken(u, "t", testActor, now)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range []*Store{a, b} { // both remember them
				if _, err := s.SessionUser(id, now); err != nil {
					t.Fatal(err)
				}
				if _, err := s.TokenUser(token, now); err != nil {
					t.Fatal(err)
				}
			}
			return u, id, token
		}
		refused := func(what string, read func(*Store) error) {
			t.Helper()
			if err := read(a); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("%s: the server that made the change still accepts it (%v)", what, err)
			}
			deadline := time.Now().Add(time.Second)
			for !errors.Is(read(b), models.ErrNotFound) {
				if time.Now().After(deadline) {
					t.Errorf("%s: the other server still accepts it a second later", what)
					return
				}
				time.Sleep(10 * time.Millisecond)
			}
		}
		session := func(id string) func(*Store) error {
			return func(s *Store) error { _, err := s.SessionUser(id, now); return err }
		}
		token := func(tok string) func(*Store) error {
			return func(s *Store) error { _, err := s.TokenUser(tok, now); return err }
		}
		before, _ := b.Progress(p)

		_, id, _ := newUser("clerk1")
		if err := a.Logout(id, testActor, now); err != nil {
			t.Fatal(err)
		}
		refused("logout", session(id))

		u, _, tok := newUser("clerk2")
		live, err := a.APITokens(u.ID)
		if err != nil || len(live) != 1 {
			t.Fatalf("tokens: %v %v", live, err)
		}
		if _, err := a.RevokeAPIToken(testActor, u.ID, live[0].ID, now); err != nil {
			t.Fatal(err)
		}
		refused("token revoked", token(tok))

		_, id, tok = newUser("clerk3")
		disabled := true
		if _, _, err := a.UpdateUser(p, "clerk3", models.UserChange{Disabled: &disabled}, testActor, now); err != nil {
			t.Fatal(err)
		}
		refused("user disabled: session", session(id))
		refused("user disabled: token", token(tok))

		_, id, tok = newUser("clerk4")
		if _, err := a.ChangePassword("clerk4", "another horse", testActor, "", now); err != nil {
			t.Fatal(err)
		}
		refused("password changed: session", session(id))
		refused("password changed: token", token(tok))

		if after, _ := b.Progress(p); after.Version != before.Version {
			t.Errorf("access changes moved the data version from %d to %d: every cached page would go", before.Version, after.Version)
		}
	})
}

// Reads and access changes at once: nothing races (the race pass of make test runs this; the maps
// are picked under the cache's lock, as forget replaces them), and a value loaded while a change
// was applied is not kept.
func TestAccessCacheConcurrentForget(t *testing.T) {
	c := newAccessCache()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 200 {
				_, _ = readThrough(c, sessionsOf, fmt.Sprint(i, j%10), func() (models.Session, error) { return models.Session{UserID: 1}, nil })
			}
		}()
	}
	for range 100 {
		c.forget()
	}
	wg.Wait()
	_, _ = readThrough(c, usersOf, 7, func() (models.User, error) {
		c.forget() // a user disabled while this request read it
		return models.User{ID: 7}, nil
	})
	loads := 0
	_, _ = readThrough(c, usersOf, 7, func() (models.User, error) { loads++; return models.User{ID: 7}, nil })
	if loads != 1 {
		t.Error("a user read while an access change was applied was kept")
	}
}
