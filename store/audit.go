package store

import (
	"fmt"
	"time"

	"gorm.io/gorm"

	"ruralkpi/models"
)

// migrateAccess creates what AutoMigrate cannot: the audit table's guards.
func (s *Store) migrateAccess() error {
	guards := auditTriggers()
	if s.dialect == dialectPostgres {
		guards = pgAuditGuards()
	}
	for _, stmt := range guards {
		if err := s.db.Exec(stmt).Error; err != nil {
			return fmt.Errorf("store: audit trigger: %w", err)
		}
	}
	return nil
}

// Audit appends an entry to the audit trail on its own: for events that change nothing else (a
// failed login). A change writes its entry in its own transaction instead (auditTx).
func (s *Store) Audit(e models.AuditEntry) error {
	return s.write(func(tx *gorm.DB) error { return auditTx(tx, e) })
}

func auditTx(tx *gorm.DB, e models.AuditEntry) error {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	if err := tx.Create(&e).Error; err != nil {
		return fmt.Errorf("store: audit %s: %w", e.Action, err)
	}
	return nil
}

// AuditEntries lists audit entries newest first.
func (s *Store) AuditEntries(f models.AuditFilter) ([]models.AuditEntry, error) {
	q := s.db.Order("id DESC")
	if f.Actor != "" {
		q = q.Where("actor = ?", f.Actor)
	}
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if f.Subject != "" {
		q = q.Where("subject LIKE ?", "%"+f.Subject+"%")
	}
	if !f.From.IsZero() {
		q = q.Where("at >= ?", f.From)
	}
	if !f.To.IsZero() {
		q = q.Where("at < ?", f.To)
	}
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	var out []models.AuditEntry
	if err := q.Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: list audit: %w", err)
	}
	return out, nil
}
