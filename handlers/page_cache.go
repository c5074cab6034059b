package handlers

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"hash/fnv"
	"html/template"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"ruralkpi/models"
)

// pageCache keeps rendered progress pages and API answers, keyed by request, the viewer's scope
// (role and unit: what decides what a page shows) and the day, each with the data version it was
// rendered from. The viewer's name and CSRF token are not part of a cached page: it is rendered with
// markers in their place, which are filled in for each viewer. A page of the current data version
// is served as it is; one of an older version only as stale (see stale), else it is computed again.
type pageCache struct {
	mu      sync.Mutex
	version uint64 // the newest data version seen
	size    int
	max     int
	entries map[string]*cachedPage
	order   []string // oldest first, for eviction past max
	// changes are when the data version was seen to move on, oldest first (the last few seconds'):
	// how long ago a page's version stopped being current.
	changes []versionChange
	// wrote is, by user id, the data version after that user's last write on this server: no page
	// older than it is served to them as stale.
	wrote map[uint]versionChange
	// now is the clock of the staleness bound (time.Now; tests set it).
	now func() time.Time
	// flights are the pages being computed now, by key and data version: after a write many readers
	// miss the same page at once, and one computes it while the others wait for it (two cores
	// computing one page twenty times over was the load tool's read p99).
	flights map[string]chan struct{}
	// userMark and csrfMark stand in for the viewer's name and CSRF token while a page is rendered
	// for the cache; random per process so that no content can imitate them.
	userMark, csrfMark string
}

// versionChange is the data version seen moving on from `from` to `to` at `at` (wrote: the version
// after a user's write, at its time).
type versionChange struct {
	from, to uint64
	at       time.Time
}

// cachedPage is a 200 answer split where the viewer's name and token go.
type cachedPage struct {
	version     uint64 // the data version it was rendered from
	contentType string
	parts       [][]byte
	holes       []byte // between parts[i] and parts[i+1]: 'u' the viewer's name, 'c' the token
	hash        string
	size        int
}

// defaultPageCacheBytes bounds the cache: a city's pages are ~100 KB, so thousands fit.
const defaultPageCacheBytes = 64 << 20

func newPageCache(maxBytes int) *pageCache {
	var b [8]byte
	_, _ = rand.Read(b[:])
	mark := hex.EncodeToString(b[:])
	return &pageCache{max: maxBytes, entries: map[string]*cachedPage{}, flights: map[string]chan struct{}{},
		wrote: map[uint]versionChange{}, now: time.Now, userMark: "rkviewer" + mark, csrfMark: "rkcsrf" + mark}
}

// flightWait bounds how long a request waits for another to compute the page it wants; past it, it
// computes the page itself.
const flightWait = 10 * time.Second

// begin says whether the caller computes the page of key and version (lead: it must call end), or
// else gives the channel closed when the request computing it ends.
func (pc *pageCache) begin(key string, version uint64) (wait <-chan struct{}, lead bool) {
	fk := key + "\x00" + strconv.FormatUint(version, 10)
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if ch, ok := pc.flights[fk]; ok {
		return ch, false
	}
	pc.flights[fk] = make(chan struct{})
	return nil, true
}

// end releases the requests waiting for the page of key and version.
func (pc *pageCache) end(key string, version uint64) {
	fk := key + "\x00" + strconv.FormatUint(version, 10)
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if ch, ok := pc.flights[fk]; ok {
		close(ch)
		delete(pc.flights, fk)
	}
}

// get returns the page of key rendered from the data version, if kept.
func (pc *pageCache) get(key string, version uint64) *cachedPage {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if e := pc.entries[key]; e != nil && e.version == version {
		return e
	}
	return nil
}

// keptChanges is how long the version changes are remembered: longer than any staleness bound.
const keptChanges = 10 * time.Second

// observe notes the data version a request reads; a newer one than seen before is a change.
func (pc *pageCache) observe(version uint64) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if version <= pc.version {
		return
	}
	now := pc.now()
	pc.changes = append(pc.changes, versionChange{from: pc.version, to: version, at: now})
	for len(pc.changes) > 1 && now.Sub(pc.changes[0].at) > keptChanges {
		pc.changes = pc.changes[1:]
	}
	pc.version = version
}

// wroteAt notes that a user wrote: version is the data version after the write.
func (pc *pageCache) wroteAt(user uint, version uint64) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	now := pc.now()
	if len(pc.wrote) > 1000 {
		for id, w := range pc.wrote {
			if now.Sub(w.at) > keptChanges {
				delete(pc.wrote, id)
			}
		}
	}
	pc.wrote[user] = versionChange{to: version, at: now}
}

// stale returns the page of key rendered from an older data version than version, when it may be
// served while the current one is computed: its version stopped being current (was seen to move
// on) at most maxAge ago, and the viewer (user, 0 for none) has written nothing on this server
// since it. The key holds the viewer's scope, so a page is never served across scopes.
func (pc *pageCache) stale(key string, version uint64, user uint, maxAge time.Duration) *cachedPage {
	if maxAge <= 0 {
		return nil
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	e := pc.entries[key]
	if e == nil || e.version >= version {
		return nil
	}
	if w, ok := pc.wrote[user]; ok && user != 0 && e.version < w.to {
		return nil // the viewer's own write is not on it
	}
	for _, ch := range pc.changes {
		if ch.from <= e.version && e.version < ch.to {
			if pc.now().Sub(ch.at) <= maxAge {
				return e
			}
			return nil
		}
	}
	return nil // older than the changes remembered
}

// bytes is what the cache holds now.
func (pc *pageCache) bytes() int {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	return pc.size
}

func (pc *pageCache) put(key string, version uint64, e *cachedPage) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	e.version = version
	if old, ok := pc.entries[key]; ok {
		// The newer page replaces the older one in place (an older version's page is kept only to
		// be served as stale).
		if old.version < version && e.size <= pc.max/4 {
			pc.size += e.size - old.size
			pc.entries[key] = e
		}
		return
	}
	if e.size > pc.max/4 {
		return
	}
	for pc.size+e.size > pc.max && len(pc.order) > 0 {
		old := pc.order[0]
		pc.order = pc.order[1:]
		pc.size -= pc.entries[old].size
		delete(pc.entries, old)
	}
	pc.entries[key] = e
	pc.order = append(pc.order, key)
	pc.size += e.size
}

// split cuts a rendered body at the markers.
func (pc *pageCache) split(contentType string, body []byte) *cachedPage {
	e := &cachedPage{contentType: contentType, size: len(body)}
	sum := sha256.Sum256(body)
	e.hash = hex.EncodeToString(sum[:12])
	user, csrf := []byte(pc.userMark), []byte(pc.csrfMark)
	rest := bytes.Clone(body)
	for {
		iu, ic := bytes.Index(rest, user), bytes.Index(rest, csrf)
		switch {
		case iu < 0 && ic < 0:
			e.parts = append(e.parts, rest)
			return e
		case ic < 0 || iu >= 0 && iu < ic:
			e.parts, e.holes, rest = append(e.parts, rest[:iu]), append(e.holes, 'u'), rest[iu+len(user):]
		default:
			e.parts, e.holes, rest = append(e.parts, rest[:ic]), append(e.holes, 'c'), rest[ic+len(csrf):]
		}
	}
}

// cacheFill marks a request whose page is rendered for the cache; render sets flash when the page
// carries a one-time message and so must not be kept.
type cacheFill struct{ flash bool }

const localCacheFill = "cachefill"

// cached serves a GET handler's 200 answers from the page cache: the same request by a viewer of
// the same scope on the same data version gets the stored page (or 304 Not Modified when its copy
// has the same ETag), without computing or rendering anything.
func (s *Server) cached(h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if c.Cookies(flashCookie) != "" {
			return h(c) // a one-time message is shown once, never cached
		}
		snap, err := s.Store.Progress(s.Plan)
		if err != nil {
			return err
		}
		key := s.cacheKey(c)
		s.pages.observe(snap.Version)
		if e := s.pages.get(key, snap.Version); e != nil {
			return s.sendCached(c, e)
		}
		var user uint
		if u := currentUser(c); u != nil {
			user = u.ID
		}
		if _, refresh := c.Locals(localRefresh).(bool); refresh {
			// The background refresh computes the page; it holds the flight (refreshInBackground).
		} else if wait, lead := s.pages.begin(key, snap.Version); lead {
			if e := s.pages.stale(key, snap.Version, user, s.Config.StalePages); e != nil && s.refreshInBackground(c, key, snap.Version) {
				return s.sendCached(c, e)
			}
			defer s.pages.end(key, snap.Version)
		} else {
			if e := s.pages.stale(key, snap.Version, user, s.Config.StalePages); e != nil {
				return s.sendCached(c, e)
			}
			t := time.NewTimer(flightWait)
			select {
			case <-wait:
			case <-t.C:
			}
			t.Stop()
			if e := s.pages.get(key, snap.Version); e != nil {
				return s.sendCached(c, e)
			}
			// Not kept (a one-time message, not a 200, a newer version): compute it here too.
		}
		fill := &cacheFill{}
		c.Locals(localCacheFill, fill)
		if err := h(c); err != nil {
			return err
		}
		if c.Response().StatusCode() != fiber.StatusOK {
			return nil
		}
		e := s.pages.split(string(c.Response().Header.ContentType()), c.Response().Body())
		if !fill.flash {
			s.pages.put(key, snap.Version, e)
		}
		return s.sendCached(c, e)
	}
}

// localRefresh marks the request refreshInBackground makes.
const localRefresh = "pagerefresh"

// refreshInBackground computes the page of key for the data version in the background, holding
// its flight until done, by running a copy of the request through the app (as the same viewer);
// false when it cannot (no app handler).
func (s *Server) refreshInBackground(c *fiber.Ctx, key string, version uint64) bool {
	if s.handler == nil {
		return false
	}
	req := &fasthttp.Request{}
	c.Request().CopyTo(req)
	req.Header.Del(fiber.HeaderIfNoneMatch)
	addr := c.Context().RemoteAddr()
	go func() {
		defer s.pages.end(key, version)
		s.serveInside(req, addr, localRefresh, true)
	}()
	return true
}

// serveInside runs a request the server makes itself through the app (its middleware, routes and
// page cache), with one request local set before the middleware sees it (a background refresh's
// mark, a warm-up's viewer), and returns what it answered.
func (s *Server) serveInside(req *fasthttp.Request, addr net.Addr, key string, value any) *fasthttp.Response {
	fctx := &fasthttp.RequestCtx{}
	fctx.Init(req, addr, nil)
	fctx.SetUserValue(key, value)
	s.handler(fctx)
	return &fctx.Response
}

// noteWrites remembers, per user, the data version after each of their writes (any request but
// GET and HEAD), so that the page cache never serves them a stale page without their own write.
func (s *Server) noteWrites(c *fiber.Ctx) error {
	err := c.Next()
	if m := c.Method(); m == fiber.MethodGet || m == fiber.MethodHead || s.Config.StalePages <= 0 {
		return err
	}
	if u := currentUser(c); u != nil {
		if snap, perr := s.Store.Progress(s.Plan); perr == nil {
			s.pages.wroteAt(u.ID, snap.Version)
		}
	}
	return err
}

// cacheKey is the request, the viewer's scope and the day in the reporting zone (pages fall back to
// today's month; deadlines, locks and follow-ups fall due at midnight there).
func (s *Server) cacheKey(c *fiber.Ctx) string {
	return s.pageKey(c.Path(), string(c.Request().URI().QueryString()), currentUser(c))
}

// pageKey is the cache key of a request for path with the raw query by the viewer (nil: none).
func (s *Server) pageKey(path, query string, viewer *models.User) string {
	var b strings.Builder
	b.WriteString(path)
	b.WriteByte('?')
	b.WriteString(query)
	b.WriteByte('\x00')
	if viewer != nil {
		b.WriteString(viewer.Role)
		b.WriteByte('/')
		b.WriteString(viewer.UnitCode)
	}
	b.WriteByte('\x00')
	b.WriteString(s.pageDay())
	return b.String()
}

// sendCached writes a cached page with the viewer's name and token filled in. Its ETag covers both,
// so a viewer's copy is only ever confirmed for that viewer; Cache-Control keeps it out of shared
// caches and makes the browser ask each time (a 304 is cheap).
func (s *Server) sendCached(c *fiber.Ctx, e *cachedPage) error {
	var name, token string
	if len(e.holes) > 0 {
		if u := currentUser(c); u != nil {
			name = template.HTMLEscapeString(u.DisplayName)
		}
		if t, ok := c.Locals(localCSRF).(string); ok {
			token = template.HTMLEscapeString(t)
		}
	}
	etag := `"` + e.hash
	if len(e.holes) > 0 {
		h := fnv.New64a()
		h.Write([]byte(name))
		h.Write([]byte{0})
		h.Write([]byte(token))
		etag += "-" + strconv.FormatUint(h.Sum64(), 36)
	}
	etag += `"`
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderCacheControl, "private, no-cache")
	if etagMatches(c.Get(fiber.HeaderIfNoneMatch), etag) {
		c.Response().ResetBody()
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Status(fiber.StatusOK)
	c.Response().Header.SetContentType(e.contentType)
	c.Response().ResetBody()
	w := c.Response().BodyWriter()
	for i, part := range e.parts {
		_, _ = w.Write(part)
		if i < len(e.holes) {
			if e.holes[i] == 'u' {
				_, _ = w.Write([]byte(name))
			} else {
				_, _ = w.Write([]byte(token))
			}
		}
	}
	return nil
}

// etagMatches applies If-None-Match's weak comparison: "*" or any listed tag equal to etag.
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// forCache puts the markers in place of the viewer's name and token when the page is rendered for
// the cache.
func (s *Server) forCache(c *fiber.Ctx, p *Page) {
	fill, ok := c.Locals(localCacheFill).(*cacheFill)
	if !ok {
		return
	}
	fill.flash = fill.flash || p.Flash != ""
	if p.User != nil {
		u := *p.User
		u.DisplayName = s.pages.userMark
		p.User = &u
	}
	if p.CSRF != "" {
		p.CSRF = s.pages.csrfMark
	}
}
