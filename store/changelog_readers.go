package store

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"time"

	"gorm.io/gorm"

	"ruralkpi/models"
)

// The change log (data_changes) is kept bounded: each server that reads it (ReadModel.Watch) notes
// in change_readers how far it has read, and the rows every live reader has read are deleted. A
// reader not heard of for readerStaleAfter is taken for gone and no longer holds rows back; should
// it come back, it finds itself dropped and rebuilds its read model from the database, so it never
// misses a change. The newest row is always kept, so that log ids are never reused.

const (
	// readerReportEvery is how often a reader that has read nothing new says it is still there.
	readerReportEvery = 30 * time.Second
	// readerStaleAfter is how long a reader may stay silent before its rows are no longer kept.
	readerStaleAfter = 10 * time.Minute
	// readerReportWait bounds the wait for the writer's slot: a report not made now is made next poll.
	readerReportWait = 200 * time.Millisecond
)

// register enters the read model as a reader of the change log at its cursor. Rows after the cursor
// pruned before it registered (by readers further on) make it rebuild.
func (rm *ReadModel) register(s *Store, now time.Time) error {
	var id [12]byte
	if _, err := rand.Read(id[:]); err != nil {
		return fmt.Errorf("store: change log reader: %w", err)
	}
	rm.mu.Lock()
	rm.readerID = hex.EncodeToString(id[:])
	rm.mu.Unlock()
	if err := rm.report(s, now, true); err != nil {
		return err
	}
	var oldest *uint64
	if err := s.db.Model(&models.DataChange{}).Select("MIN(id)").Scan(&oldest).Error; err != nil {
		return fmt.Errorf("store: change log: %w", err)
	}
	rm.mu.Lock()
	gap := oldest != nil && *oldest > rm.cursor+1
	rm.mu.Unlock()
	if gap {
		return rm.rebuild(s, now)
	}
	return nil
}

// stillRegistered reports whether the reader's row is there (a reader silent too long is dropped).
func (rm *ReadModel) stillRegistered(s *Store) (bool, error) {
	rm.mu.Lock()
	id := rm.readerID
	rm.mu.Unlock()
	if id == "" {
		return true, nil
	}
	var n int64
	if err := s.db.Model(&models.ChangeReader{}).Where("id = ?", id).Count(&n).Error; err != nil {
		return false, fmt.Errorf("store: change log reader: %w", err)
	}
	return n > 0, nil
}

// rebuild reads everything afresh after the reader was dropped, and registers again.
func (rm *ReadModel) rebuild(s *Store, now time.Time) error {
	slog.Default().Warn("read model: dropped as a change log reader (silent too long); rebuilding")
	s.forgetAccess() // an access change may be among the rows pruned unread
	rm.mu.Lock()
	defer rm.mu.Unlock()
	var cursor uint64
	if err := s.db.Model(&models.DataChange{}).Select("COALESCE(MAX(id), 0)").Scan(&cursor).Error; err != nil {
		return fmt.Errorf("store: read model: %w", err)
	}
	snap, err := rm.build(s, rm.cur.Load().Version+1)
	if err != nil {
		return err
	}
	rm.cur.Store(snap)
	rm.cursor, rm.reported, rm.applied = cursor, 0, map[uint64]bool{}
	return s.tryWrite(readerReportWait, func(tx *gorm.DB) error {
		return tx.Save(&models.ChangeReader{ID: rm.readerID, Cursor: cursor, SeenAt: now}).Error
	})
}

// report notes the reader's cursor (when it moved, or every readerReportEvery) and prunes what every
// live reader has read. force reports even when nothing moved.
func (rm *ReadModel) report(s *Store, now time.Time, force bool) error {
	rm.mu.Lock()
	id, cursor := rm.readerID, rm.cursor
	due := force || cursor != rm.reported || now.Sub(rm.reportedAt) >= readerReportEvery
	rm.mu.Unlock()
	if id == "" || !due {
		return nil
	}
	dropped := false
	err := s.tryWrite(readerReportWait, func(tx *gorm.DB) error {
		if force {
			if err := tx.Save(&models.ChangeReader{ID: id, Cursor: cursor, SeenAt: now}).Error; err != nil {
				return err
			}
		} else {
			res := tx.Model(&models.ChangeReader{}).Where("id = ?", id).Updates(map[string]any{"cursor": cursor, "seen_at": now})
			if res.Error != nil {
				return res.Error
			}
			if dropped = res.RowsAffected == 0; dropped {
				return nil
			}
		}
		if err := tx.Where("seen_at < ?", now.Add(-readerStaleAfter)).Delete(&models.ChangeReader{}).Error; err != nil {
			return err
		}
		return tx.Exec(`DELETE FROM data_changes WHERE id <= (SELECT MIN(cursor) FROM change_readers)
			AND id < (SELECT MAX(id) FROM data_changes)`).Error
	})
	if err != nil {
		return fmt.Errorf("store: change log reader: %w", err)
	}
	if dropped {
		return rm.rebuild(s, now)
	}
	rm.mu.Lock()
	rm.reported, rm.reportedAt = cursor, now
	rm.mu.Unlock()
	return nil
}
