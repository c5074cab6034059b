package store

import (
	"sync"
	"time"

	"ruralkpi/models"
)

// accessTTL bounds how long the access cache trusts what it read: the bound on a revocation made
// elsewhere should the change log not be read at all (it is read at once on a NOTIFY, and every
// two seconds by Watch otherwise).
const accessTTL = 10 * time.Second

// maxAccessEntries bounds each of the cache's maps; past it the map starts again empty (a province's
// clerks and leaders are a few thousand, so this is never reached in normal use).
const maxAccessEntries = 20000

// accessCache keeps, for a few seconds, what a session or an API token stands for, the users behind
// them and every user's display name, so that a request (a page read most of all) costs no round
// trip to the database before its page: with two servers on one PostgreSQL under load, the two reads
// of a session and its user were a third of the time requests spent waiting on the network.
//
// Whatever ends a session, revokes a token or changes a user is a ChangeAccess in the change log,
// written in the same transaction, and empties the cache of every process that reads the log: this
// one at commit, the others at the NOTIFY or the next poll. An entry read from the database while
// such a change was applied is not kept (gen), so a revoked session is never cached again.
type accessCache struct {
	mu       sync.Mutex
	gen      uint64
	now      func() time.Time
	sessions map[string]accessEntry[models.Session]  // by id hash; only live ones
	tokens   map[string]accessEntry[models.APIToken] // by hash; only unrevoked ones
	users    map[uint]accessEntry[models.User]
	names    *accessEntry[map[string]string]
}

// accessEntry is a value read from the database at a time.
type accessEntry[T any] struct {
	value T
	at    time.Time
}

func newAccessCache() *accessCache {
	c := &accessCache{now: time.Now}
	c.forget()
	return c
}

// generation is taken before reading the database; put* keep what was read only if no change was
// applied meanwhile.
func (c *accessCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// forget drops everything: a session ended, a token was revoked or a user changed somewhere.
func (c *accessCache) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.sessions = map[string]accessEntry[models.Session]{}
	c.tokens = map[string]accessEntry[models.APIToken]{}
	c.users = map[uint]accessEntry[models.User]{}
	c.names = nil
}

func cachedAccess[K comparable, T any](c *accessCache, m map[K]accessEntry[T], k K) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := m[k]
	if !ok || c.now().Sub(e.at) > accessTTL {
		var zero T
		return zero, false
	}
	return e.value, true
}

func keepAccess[K comparable, T any](c *accessCache, gen uint64, m *map[K]accessEntry[T], k K, v T) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if len(*m) >= maxAccessEntries {
		*m = map[K]accessEntry[T]{}
	}
	(*m)[k] = accessEntry[T]{value: v, at: c.now()}
}

func (c *accessCache) session(hash string) (models.Session, bool) {
	return cachedAccess(c, c.sessions, hash)
}

func (c *accessCache) putSession(gen uint64, s models.Session) {
	keepAccess(c, gen, &c.sessions, s.IDHash, s)
}

func (c *accessCache) token(hash string) (models.APIToken, bool) {
	return cachedAccess(c, c.tokens, hash)
}

func (c *accessCache) putToken(gen uint64, t models.APIToken) {
	keepAccess(c, gen, &c.tokens, t.Hash, t)
}

func (c *accessCache) user(id uint) (models.User, bool) {
	return cachedAccess(c, c.users, id)
}

func (c *accessCache) putUser(gen uint64, u models.User) {
	keepAccess(c, gen, &c.users, u.ID, u)
}

func (c *accessCache) displayNames() (map[string]string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.names == nil || c.now().Sub(c.names.at) > accessTTL {
		return nil, false
	}
	return c.names.value, true
}

func (c *accessCache) putDisplayNames(gen uint64, names map[string]string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen == c.gen {
		c.names = &accessEntry[map[string]string]{value: names, at: c.now()}
	}
}
