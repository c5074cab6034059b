package store

import (
	"errors"
	"fmt"
	"io"

	"gorm.io/gorm"

	"ruralkpi/models"
)

// storeFileChunksTx keeps a large original once per content hash, reading it from r one chunk at a
// time; like storeFileTx, a file already kept (by a return or a ledger) is not stored again.
func storeFileChunksTx(tx *gorm.DB, hash, name string, r io.ReaderAt, size int64) error {
	var stored int64
	if err := tx.Model(&models.StoredFile{}).Where("hash = ?", hash).Count(&stored).Error; err != nil {
		return fmt.Errorf("store: look up stored file: %w", err)
	}
	if stored > 0 {
		return nil
	}
	if err := tx.Create(&models.StoredFile{Hash: hash, Name: name, Size: size}).Error; err != nil {
		return fmt.Errorf("store: store file: %w", err)
	}
	buf := make([]byte, models.StoredFileChunkSize)
	for seq, off := 0, int64(0); off < size; seq, off = seq+1, off+models.StoredFileChunkSize {
		n, err := r.ReadAt(buf[:min(int64(len(buf)), size-off)], off)
		if err != nil && !(errors.Is(err, io.EOF) && off+int64(n) == size) {
			return fmt.Errorf("store: read file to store: %w", err)
		}
		if err := tx.Exec("INSERT INTO stored_file_chunks (hash, seq, data) VALUES (?, ?, ?)", hash, seq, buf[:n]).Error; err != nil {
			return fmt.Errorf("store: store file chunk %d: %w", seq, err)
		}
	}
	return nil
}

// StoredFileContent writes a kept original file to w, whether it was stored whole or in chunks.
func (s *Store) StoredFileContent(hash string, w io.Writer) error {
	var f models.StoredFile
	err := s.db.Where("hash = ?", hash).Take(&f).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return models.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("store: read stored file: %w", err)
	}
	if len(f.Data) > 0 || f.Size == 0 {
		if _, err := w.Write(f.Data); err != nil {
			return fmt.Errorf("store: write stored file: %w", err)
		}
		return nil
	}
	rows, err := s.db.Raw("SELECT data FROM stored_file_chunks WHERE hash = ? ORDER BY seq", hash).Rows()
	if err != nil {
		return fmt.Errorf("store: read stored file chunks: %w", err)
	}
	defer rows.Close()
	var written int64
	var chunk []byte
	for rows.Next() {
		if err := rows.Scan(&chunk); err != nil {
			return fmt.Errorf("store: read stored file chunks: %w", err)
		}
		n, err := w.Write(chunk)
		if err != nil {
			return fmt.Errorf("store: write stored file: %w", err)
		}
		written += int64(n)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: read stored file chunks: %w", err)
	}
	if written != f.Size {
		return fmt.Errorf("store: stored file %s has %d of its %d bytes", hash, written, f.Size)
	}
	return nil
}
