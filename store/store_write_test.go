package store

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mattn/go-sqlite3"

	"ruralkpi/models"
)

// testActor is who the store tests act as.
var testActor = models.Actor{Username: "office", IP: "127.0.0.1"}

func TestDatabaseErrorCodes(t *testing.T) {
	tests := []struct {
		name string
		err  error
		code string
		msg  string
	}{
		{"SQLITE_BUSY", fmt.Errorf("models: x: %w", sqlite3.Error{Code: sqlite3.ErrBusy}), models.EBusy, "系统繁忙"},
		{"SQLITE_LOCKED", sqlite3.Error{Code: sqlite3.ErrLocked}, models.EBusy, "系统繁忙"},
		{"locked message only", errors.New("database is locked"), models.EBusy, "系统繁忙"},
		{"write queue", fmt.Errorf("wrapped: %w", models.ErrBusy), models.EBusy, "本次操作未保存"},
		{"SQLITE_FULL", fmt.Errorf("models: x: %w", sqlite3.Error{Code: sqlite3.ErrFull}), models.EFull, "存储空间不足，请联系管理员"},
		{"full message only", errors.New("database or disk is full"), models.EFull, "存储空间不足"},
		{"ENOSPC", fmt.Errorf("importers: spool: %w", &os.PathError{Op: "write", Path: "/tmp/x", Err: syscall.ENOSPC}), models.EFull, "存储空间不足"},
		{"other", errors.New("boom"), models.EInternal, "系统内部错误"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := models.ErrorCode(tt.err); got != tt.code {
				t.Errorf("ErrorCode = %q, want %q", got, tt.code)
			}
			if got := models.ErrorMessage(tt.err); !strings.Contains(got, tt.msg) {
				t.Errorf("ErrorMessage = %q, want it to say %q", got, tt.msg)
			}
		})
	}
}

// TestWriteQueueBoundedWait: a write that cannot get the writer's slot in time fails as busy and
// stores nothing; once the slot is free it goes through.
func TestWriteQueueBoundedWait(t *testing.T) {
	s, _ := openTestStore(t)
	release, err := s.gate.enter(time.Second)
	if err != nil {
		t.Fatal(err)
	}
	s.SetWriteWait(50 * time.Millisecond)
	p := models.MustPeriod("2024-06")
	due := time.Date(2024, 7, 9, 0, 0, 0, 0, models.ReportingZone())
	start := time.Now()
	err = s.SetDeadline(p, due, testActor, time.Now())
	if models.ErrorCode(err) != models.EBusy || time.Since(start) > time.Second {
		t.Fatalf("queued write: %v after %v, want busy after about 50ms", err, time.Since(start))
	}
	if d, _ := s.Deadline(p); d.Equal(due) {
		t.Error("a busy write stored its change")
	}
	release()
	if err := s.SetDeadline(p, due, testActor, time.Now()); err != nil {
		t.Fatal(err)
	}
	if d, _ := s.Deadline(p); !d.Equal(due) {
		t.Errorf("deadline %v, want %v", d, due)
	}
}

// TestReadsNoteActivityInMemory: checking a session or a token writes nothing; the
// activity is stored by the flush, and a flush that cannot write keeps it for the next one.
func TestReadsNoteActivityInMemory(t *testing.T) {
	s, p := openTestStore(t)
	now := time.Date(2024, 7, 3, 10, 0, 0, 0, models.ReportingZone())
	u, err := s.CreateUser(p, models.NewUser{Username: "clerk1", Password: "correct horse", Role: models.RoleCounty, UnitCode: "530302"}, testActor, now)
	if err != nil {
		t.Fatal(err)
	}
	id, err := s.Login(u, "", testActor, "test", now)
	if err != nil {
		t.Fatal(err)
	}
	token, rec, err := s.CreateAPIToken(u, "t", testActor, now)
	if err != nil {
		t.Fatal(err)
	}

	// While another writer holds the slot, reads still answer at once.
	release, err := s.gate.enter(time.Second)
	if err != nil {
		t.Fatal(err)
	}
	later := now.Add(2 * time.Hour)
	if _, err := s.SessionUser(id, later); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TokenUser(token, later); err != nil {
		t.Fatal(err)
	}
	if err := s.flushTouches(10 * time.Millisecond); !errors.Is(err, models.ErrBusy) {
		t.Errorf("flush while the slot is held: %v, want busy", err)
	}
	release()

	var sess models.Session
	s.db.Take(&sess)
	if !sess.LastSeenAt.Equal(now) {
		t.Errorf("a read wrote the session: last seen %v", sess.LastSeenAt)
	}
	if err := s.FlushTouches(); err != nil {
		t.Fatal(err)
	}
	s.db.Take(&sess)
	if !sess.LastSeenAt.Equal(later) || !sess.ExpiresAt.Equal(later.Add(models.SessionLifetime)) {
		t.Errorf("flushed session: %+v", sess)
	}
	var stored models.APIToken
	s.db.Take(&stored, rec.ID)
	if stored.LastUsedAt == nil || !stored.LastUsedAt.Equal(later) {
		t.Errorf("flushed token last use: %v", stored.LastUsedAt)
	}
	// The flushed extension counts: the session lives until a lifetime after its last use.
	if _, err := s.SessionUser(id, later.Add(models.SessionLifetime-time.Minute)); err != nil {
		t.Errorf("extended session: %v", err)
	}
}

// TestFlusherStoresActivityByItself: the background flush stores what reads noted without anybody
// asking.
func TestFlusherStoresActivityByItself(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store, p *models.Plan) {
		if err := s.stopFlusher(); err != nil {
			t.Fatal(err)
		}
		s.touch.every = 20 * time.Millisecond
		s.startFlusher()
		now := time.Now().Truncate(time.Microsecond) // PostgreSQL keeps microseconds
		u, err := s.CreateUser(p, models.NewUser{Username: "clerk1", Password: "correct horse", Role: models.RoleLeader}, testActor, now)
		if err != nil {
			t.Fatal(err)
		}
		id, err := s.Login(u, "", testActor, "test", now)
		if err != nil {
			t.Fatal(err)
		}
		later := now.Add(time.Hour)
		if _, err := s.SessionUser(id, later); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			var sess models.Session
			s.db.Take(&sess)
			if sess.LastSeenAt.Equal(later) {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Error("the flusher did not store the session's extension")
	})
}
