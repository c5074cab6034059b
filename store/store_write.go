package store

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"gorm.io/gorm"

	"ruralkpi/models"
)

// DefaultWriteWait bounds how long a write waits for its turn. A return is stored in tens of
// milliseconds and a 200,000-point ledger in a few seconds, so a longer queue means trouble.
const DefaultWriteWait = 15 * time.Second

// writeGate lets one writer at a time into the database. SQLite has one writer anyway; queueing in
// the application instead of in SQLite's busy handler keeps the wait bounded and fair, and keeps
// "database is locked" from ever reaching a user.
type writeGate struct {
	slot chan struct{}
	wait atomic.Int64 // time.Duration
	// queued counts the writes waiting for the slot now (tests observe a write queueing behind another).
	queued atomic.Int32
	// full is set by a write that failed because the disk is full, and cleared by the next write
	// that commits; /healthz reports it.
	full atomic.Bool
	// open lets every writer in (PostgreSQL: the database orders concurrent writers itself).
	open bool
}

func newWriteGate() *writeGate {
	g := &writeGate{slot: make(chan struct{}, 1)}
	g.wait.Store(int64(DefaultWriteWait))
	return g
}

// enter waits up to wait for the writer's slot; the returned function gives it back. A gate of a
// database that takes concurrent writers (PostgreSQL) lets everybody in at once.
func (g *writeGate) enter(wait time.Duration) (func(), error) {
	if g.open {
		return func() {}, nil
	}
	select {
	case g.slot <- struct{}{}:
		return func() { <-g.slot }, nil
	default:
	}
	g.queued.Add(1)
	defer g.queued.Add(-1)
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case g.slot <- struct{}{}:
		return func() { <-g.slot }, nil
	case <-t.C:
		return nil, models.ErrBusy
	}
}

// observe records what a finished write says about the disk.
func (g *writeGate) observe(err error) {
	switch {
	case err == nil:
		g.full.Store(false)
	case models.IsFull(err):
		g.full.Store(true)
	}
}

// SetWriteWait changes how long a write waits for its turn before failing with ErrBusy.
func (s *Store) SetWriteWait(d time.Duration) {
	if s.gate != nil && d > 0 {
		s.gate.wait.Store(int64(d))
	}
}

// WriteBlocked reports why the database cannot take writes now ("" when it can): the last write
// failed because the disk is full (checked again with a tiny committed write, so that the report
// clears once space is freed), or the database's folder has (almost) no free space left.
func (s *Store) WriteBlocked() string {
	if s.gate != nil && s.gate.full.Load() {
		if err := s.probeWrite(); err != nil {
			return "database or disk is full"
		}
	}
	if s.path != "" {
		if free, ok := freeBytes(s.path); ok && free < minFreeBytes {
			return "no space left on the database's disk"
		}
	}
	return ""
}

// probeWrite commits a tiny change (a row written and removed) to learn whether writes work again.
func (s *Store) probeWrite() error {
	return s.tryWrite(touchFlushWait, func(tx *gorm.DB) error {
		if err := tx.Save(&models.Setting{Key: "write_probe", Value: "1"}).Error; err != nil {
			return err
		}
		return tx.Where("key = ?", "write_probe").Delete(&models.Setting{}).Error
	})
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// minFreeBytes is the free space below which /healthz reports that writes will fail: a return
// with its file needs tens of kilobytes, a WAL checkpoint a few pages.
const minFreeBytes = 1 << 20

// write is the one way a change reaches the database: fn runs in one transaction that commits
// entirely or not at all, after waiting (bounded) for the single writer's slot. Every mutating
// store method calls it and writes its audit entry inside fn, so a change is never stored
// without its audit entry. Hooks that must follow every committed write belong here.
func (s *Store) write(fn func(tx *gorm.DB) error) error {
	return s.writeOn(s.db, fn)
}

// writeOn is write on a given connection (a ledger import pins one to attach its staging file).
func (s *Store) writeOn(db *gorm.DB, fn func(tx *gorm.DB) error) error {
	if s.gate == nil {
		// A store bound to a transaction (InTransaction): the outer write holds the slot, and this
		// nested one becomes a savepoint of it.
		return db.Transaction(fn)
	}
	release, err := s.gate.enter(time.Duration(s.gate.wait.Load()))
	if err != nil {
		return err
	}
	defer release()
	err = s.transact(db, fn)
	s.gate.observe(err)
	return err
}

// transact runs fn in one transaction on db: as is on SQLite (the gate made it the only writer),
// SERIALIZABLE and retried on a conflict on PostgreSQL (store_postgres.go).
func (s *Store) transact(db *gorm.DB, fn func(tx *gorm.DB) error) error {
	if s.dialect == dialectPostgres {
		return transactPostgres(db, fn)
	}
	return db.Transaction(fn)
}

// tryWrite is write for background bookkeeping that may be dropped or retried (session and token
// activity, the health probe): it waits at most wait for its turn and reports ErrBusy otherwise.
// It changes no data the pages show, so hooks that follow data changes belong in writeOn, not here.
func (s *Store) tryWrite(wait time.Duration, fn func(tx *gorm.DB) error) error {
	if s.gate == nil {
		return s.db.Transaction(fn)
	}
	release, err := s.gate.enter(wait)
	if err != nil {
		return err
	}
	defer release()
	err = s.transact(s.db, fn)
	s.gate.observe(err)
	return err
}
