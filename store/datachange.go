package store

import (
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"ruralkpi/models"
)

// changed records a change to progress data inside the write's transaction and returns it with its
// log id; hand what it returns to afterCommit once the transaction has committed. If the log row
// cannot be written, the write fails with it: no change goes unannounced.
func changed(tx *gorm.DB, ch models.Change) (models.Change, error) {
	row := models.DataChange{Kind: string(ch.Kind), UnitCode: ch.Unit, Periods: strings.Join(ch.Periods, ","),
		Indicator: ch.Indicator, Year: ch.Year, At: time.Now()}
	if err := announceTx(tx); err != nil {
		return ch, err
	}
	if err := tx.Create(&row).Error; err != nil {
		return ch, fmt.Errorf("store: record data change: %w", err)
	}
	ch.ID = row.ID
	return ch, notifyTx(tx, row.ID)
}

// afterCommit brings the read model up to date with committed changes, before the write returns,
// so that the writer's next page shows the change. Inside InTransaction the changes wait for the
// outer commit. Without a read model (CLI commands) there is nothing to do: a running server finds
// the rows in the change log.
func (s *Store) afterCommit(chs ...models.Change) {
	if s.pending != nil {
		*s.pending = append(*s.pending, chs...)
		return
	}
	if s.rm != nil {
		s.rm.apply(s, chs)
	}
}
