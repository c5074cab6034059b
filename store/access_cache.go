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
	names    map[struct{}]accessEntry[map[string]string] // one entry: every user's display name
}

// accessEntry is a value read from the database at a time.
type accessEntry[T any] struct {
	value T
	at    time.Time
}

// forgetAccess empties the access cache, when the store keeps one.
func (s *Store) forgetAccess() {
	if c := s.access.Load(); c != nil {
		c.forget()
	}
}

func newAccessCache() *accessCache {
	c := &accessCache{now: time.Now}
	c.forget()
	return c
}

// forget drops everything: a session ended, a token was revoked or a user changed somewhere.
func (c *accessCache) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.sessions = map[string]accessEntry[models.Session]{}
	c.tokens = map[string]accessEntry[models.APIToken]{}
	c.users = map[uint]accessEntry[models.User]{}
	c.names = map[struct{}]accessEntry[map[string]string]{}
}

// The cache's maps, picked under its lock (forget replaces them).
func sessionsOf(c *accessCache) *map[string]accessEntry[models.Session]   { return &c.sessions }
func tokensOf(c *accessCache) *map[string]accessEntry[models.APIToken]    { return &c.tokens }
func usersOf(c *accessCache) *map[uint]accessEntry[models.User]           { return &c.users }
func namesOf(c *accessCache) *map[struct{}]accessEntry[map[string]string] { return &c.names }

// readThrough answers from the map of c that pick names, under k, while its entry is younger than
// accessTTL; else it loads the value and keeps it, unless an access change was applied while it
// loaded (the generation moved on), so that what a revocation ended is never kept again. Without a
// cache (c nil) it only loads.
func readThrough[K comparable, T any](c *accessCache, pick func(*accessCache) *map[K]accessEntry[T], k K, load func() (T, error)) (T, error) {
	if c == nil {
		return load()
	}
	c.mu.Lock()
	e, ok := (*pick(c))[k]
	fresh := ok && c.now().Sub(e.at) <= accessTTL
	gen := c.gen
	c.mu.Unlock()
	if fresh {
		return e.value, nil
	}
	v, err := load()
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen == c.gen {
		m := pick(c)
		if len(*m) >= maxAccessEntries {
			*m = map[K]accessEntry[T]{}
		}
		(*m)[k] = accessEntry[T]{value: v, at: c.now()}
	}
	return v, nil
}
