package handlers

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"hash/fnv"
	"html/template"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

// pageCache keeps rendered progress pages and API answers of the current data version, keyed by
// request, the viewer's scope (role and unit: what decides what a page shows) and the day. The
// viewer's name and CSRF token are not part of a cached page: it is rendered with markers in their
// place, which are filled in for each viewer. A newer data version empties it.
type pageCache struct {
	mu      sync.Mutex
	version uint64
	size    int
	max     int
	entries map[string]*cachedPage
	order   []string // oldest first, for eviction past max
	// flights are the pages being computed now, by key and data version: after a write many readers
	// miss the same page at once, and one computes it while the others wait for it (two cores
	// computing one page twenty times over was the load tool's read p99).
	flights map[string]chan struct{}
	// userMark and csrfMark stand in for the viewer's name and CSRF token while a page is rendered
	// for the cache; random per process so that no content can imitate them.
	userMark, csrfMark string
}

// cachedPage is a 200 answer split where the viewer's name and token go.
type cachedPage struct {
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
		userMark: "rkviewer" + mark, csrfMark: "rkcsrf" + mark}
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

func (pc *pageCache) get(key string, version uint64) *cachedPage {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if version != pc.version {
		return nil
	}
	return pc.entries[key]
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
	switch {
	case version < pc.version:
		return // rendered from data a write has since replaced
	case version > pc.version:
		pc.version, pc.entries, pc.order, pc.size = version, map[string]*cachedPage{}, nil, 0
	}
	if _, ok := pc.entries[key]; ok || e.size > pc.max/4 {
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
		if e := s.pages.get(key, snap.Version); e != nil {
			return s.sendCached(c, e)
		}
		if wait, lead := s.pages.begin(key, snap.Version); lead {
			defer s.pages.end(key, snap.Version)
		} else {
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

// cacheKey is the request, the viewer's scope and the day in the reporting zone (pages fall back to
// today's month; deadlines, locks and follow-ups fall due at midnight there).
func (s *Server) cacheKey(c *fiber.Ctx) string {
	var b strings.Builder
	b.WriteString(c.Path())
	b.WriteByte('?')
	b.Write(c.Request().URI().QueryString())
	b.WriteByte('\x00')
	if u := currentUser(c); u != nil {
		b.WriteString(u.Role)
		b.WriteByte('/')
		b.WriteString(u.UnitCode)
	}
	b.WriteByte('\x00')
	b.WriteString(s.Config.Now().In(models.ReportingZone()).Format("2006-01-02"))
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
