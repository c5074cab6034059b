package models

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"gorm.io/gorm"
)

// StoredFileChunkSize is the size of one piece of a large original file.
const StoredFileChunkSize = 1 << 20

// StoredFileChunk is one piece of a large original file (a province ledger is 13 MiB). Such a file
// has a StoredFile row (hash, name, size) with no Data, and its bytes here in order, so that storing
// it never holds more than one piece in memory: a single 13 MiB blob was copied by Go, by the SQLite
// driver and by SQLite itself, and lifted an import's peak memory by about 16 MiB.
type StoredFileChunk struct {
	Hash string `gorm:"primaryKey;size:64"`
	Seq  int    `gorm:"primaryKey;autoIncrement:false"`
	Data []byte
}

// FileHashReader is FileHash of everything r yields, read piece by piece.
func FileHashReader(r io.Reader) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", fmt.Errorf("models: hash file: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// storeFileChunksTx keeps a large original once per content hash, reading it from r one chunk at a
// time; like storeFileTx, a file already kept (by a return or a ledger) is not stored again.
func storeFileChunksTx(tx *gorm.DB, hash, name string, r io.ReaderAt, size int64) error {
	var stored int64
	if err := tx.Model(&StoredFile{}).Where("hash = ?", hash).Count(&stored).Error; err != nil {
		return fmt.Errorf("models: look up stored file: %w", err)
	}
	if stored > 0 {
		return nil
	}
	if err := tx.Create(&StoredFile{Hash: hash, Name: name, Size: size}).Error; err != nil {
		return fmt.Errorf("models: store file: %w", err)
	}
	buf := make([]byte, StoredFileChunkSize)
	for seq, off := 0, int64(0); off < size; seq, off = seq+1, off+StoredFileChunkSize {
		n, err := r.ReadAt(buf[:min(int64(len(buf)), size-off)], off)
		if err != nil && !(errors.Is(err, io.EOF) && off+int64(n) == size) {
			return fmt.Errorf("models: read file to store: %w", err)
		}
		if err := tx.Exec("INSERT INTO stored_file_chunks (hash, seq, data) VALUES (?, ?, ?)", hash, seq, buf[:n]).Error; err != nil {
			return fmt.Errorf("models: store file chunk %d: %w", seq, err)
		}
	}
	return nil
}

// StoredFileContent writes a kept original file to w, whether it was stored whole or in chunks.
func (s *Store) StoredFileContent(hash string, w io.Writer) error {
	var f StoredFile
	err := s.DB.Where("hash = ?", hash).Take(&f).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("models: read stored file: %w", err)
	}
	if len(f.Data) > 0 || f.Size == 0 {
		if _, err := w.Write(f.Data); err != nil {
			return fmt.Errorf("models: write stored file: %w", err)
		}
		return nil
	}
	rows, err := s.DB.Raw("SELECT data FROM stored_file_chunks WHERE hash = ? ORDER BY seq", hash).Rows()
	if err != nil {
		return fmt.Errorf("models: read stored file chunks: %w", err)
	}
	defer rows.Close()
	var written int64
	var chunk []byte
	for rows.Next() {
		if err := rows.Scan(&chunk); err != nil {
			return fmt.Errorf("models: read stored file chunks: %w", err)
		}
		n, err := w.Write(chunk)
		if err != nil {
			return fmt.Errorf("models: write stored file: %w", err)
		}
		written += int64(n)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("models: read stored file chunks: %w", err)
	}
	if written != f.Size {
		return fmt.Errorf("models: stored file %s has %d of its %d bytes", hash, written, f.Size)
	}
	return nil
}
