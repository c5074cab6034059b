package models

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
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
