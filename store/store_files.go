package store

import (
	"errors"
	"fmt"

	"gorm.io/gorm"

	"ruralkpi/models"
)

// StoredFileByHash returns the kept original of an uploaded file by its SHA-256, or ErrNotFound.
func (s *Store) StoredFileByHash(hash string) (models.StoredFile, error) {
	var f models.StoredFile
	err := s.db.Where("hash = ?", hash).Take(&f).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return models.StoredFile{}, models.ErrNotFound
	}
	if err != nil {
		return models.StoredFile{}, fmt.Errorf("store: stored file %.12s: %w", hash, err)
	}
	return f, nil
}
