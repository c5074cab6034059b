package models

import (
	"errors"
	"fmt"

	"gorm.io/gorm"
)

// StoredFileByHash returns the kept original of an uploaded file by its SHA-256, or ErrNotFound.
func (s *Store) StoredFileByHash(hash string) (StoredFile, error) {
	var f StoredFile
	err := s.DB.Where("hash = ?", hash).Take(&f).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return StoredFile{}, ErrNotFound
	}
	if err != nil {
		return StoredFile{}, fmt.Errorf("models: stored file %.12s: %w", hash, err)
	}
	return f, nil
}
