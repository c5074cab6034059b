package store

import (
	"sync"
	"time"

	"gorm.io/gorm"

	"ruralkpi/models"
)

// Reads never write. What a read learns that is worth keeping — a session's last activity, a
// token's last use, a CSRF token issued or extended — is collected here in memory and flushed in
// one short transaction every touchFlushEvery, off the request path. A flush that cannot get the
// writer's slot quickly is put back for the next round; past touchMaxPending entries the oldest
// news is dropped (a session then expires a little early, a token shows an older last use).
const (
	touchFlushEvery = 5 * time.Second
	touchFlushWait  = 200 * time.Millisecond
	touchMaxPending = 100_000
	// touchEvery is how stale a session's or token's stored last use may be before a read notes it.
	touchEvery = time.Minute
)

// touches holds what reads noted and writes have not stored yet.
type touches struct {
	mu       sync.Mutex
	sessions map[string]time.Time // session id hash → last seen
	tokens   map[uint]time.Time   // token id → last used
	every    time.Duration        // how often the flusher runs: touchFlushEvery
	stop     chan struct{}
	done     chan struct{}
}

func newTouches() *touches {
	return &touches{sessions: map[string]time.Time{}, tokens: map[uint]time.Time{}, every: touchFlushEvery}
}

func (t *touches) size() int { return len(t.sessions) + len(t.tokens) }

// startFlusher flushes the touches every touchFlushEvery until Close.
func (s *Store) startFlusher() {
	t := s.touch
	t.stop, t.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(t.done)
		tick := time.NewTicker(t.every)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				_ = s.flushTouches(touchFlushWait) // kept for the next round on failure
			case <-t.stop:
				return
			}
		}
	}()
}

// stopFlusher ends the background flush and stores what is pending.
func (s *Store) stopFlusher() error {
	t := s.touch
	if t == nil || t.stop == nil {
		return nil
	}
	close(t.stop)
	<-t.done
	t.stop = nil
	return s.flushTouches(DefaultWriteWait)
}

// FlushTouches stores pending session extensions and token last uses now
// (tests and shutdown; the server flushes them every few seconds by itself).
func (s *Store) FlushTouches() error { return s.flushTouches(DefaultWriteWait) }

func (s *Store) flushTouches(wait time.Duration) error {
	t := s.touch
	if t == nil {
		return nil
	}
	t.mu.Lock()
	sessions, tokens := t.sessions, t.tokens
	t.sessions, t.tokens = map[string]time.Time{}, map[uint]time.Time{}
	t.mu.Unlock()
	if len(sessions)+len(tokens) == 0 {
		return nil
	}
	err := s.tryWrite(wait, func(tx *gorm.DB) error {
		for hash, seen := range sessions {
			if err := tx.Model(&models.Session{}).Where("id_hash = ? AND last_seen_at < ?", hash, seen).
				Updates(map[string]any{"last_seen_at": seen, "expires_at": seen.Add(models.SessionLifetime)}).Error; err != nil {
				return err
			}
		}
		for id, used := range tokens {
			if err := tx.Model(&models.APIToken{}).Where("id = ?", id).Update("last_used_at", used).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		return nil
	}
	// Put back what newer reads have not superseded, within the cap.
	t.mu.Lock()
	defer t.mu.Unlock()
	for hash, seen := range sessions {
		if _, newer := t.sessions[hash]; !newer && t.size() < touchMaxPending {
			t.sessions[hash] = seen
		}
	}
	for id, used := range tokens {
		if _, newer := t.tokens[id]; !newer && t.size() < touchMaxPending {
			t.tokens[id] = used
		}
	}
	return err
}

// noteSession records a session's activity; it returns the newest pending activity (zero if none).
func (t *touches) noteSession(hash string, seen time.Time, record bool) time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	prev := t.sessions[hash]
	if record && seen.After(prev) && (t.size() < touchMaxPending || !prev.IsZero()) {
		t.sessions[hash] = seen
		return seen
	}
	return prev
}

// forgetSession drops pending activity of an ended session.
func (t *touches) forgetSession(hash string) {
	t.mu.Lock()
	delete(t.sessions, hash)
	t.mu.Unlock()
}

// tokenUsed returns a token's pending last use (zero if none).
func (t *touches) tokenUsed(id uint) time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.tokens[id]
}

func (t *touches) noteToken(id uint, used time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if prev, ok := t.tokens[id]; (ok && used.After(prev)) || (!ok && t.size() < touchMaxPending) {
		t.tokens[id] = used
	}
}
