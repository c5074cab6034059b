package store

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"

	"ruralkpi/models"
)

func TestStoredFileChunks(t *testing.T) {
	forEachEmptyDB(t, func(t *testing.T, s *Store) {
		rng := rand.New(rand.NewPCG(1, 2))
		file := func(n int) []byte {
			b := make([]byte, n)
			for i := range b {
				b[i] = byte(rng.UintN(256))
			}
			return b
		}
		small := []byte("a monthly return")
		if _, err := s.SaveVersion(models.NewVersion{UnitCode: "530303", Period: "2024-06", Source: models.SourceUpload, File: small,
			Values: []models.ReturnValue{{Indicator: models.IndServicePoints, Value: 1}}}); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name   string
			data   []byte
			chunks int64
		}{
			{"several chunks, the last one short", file(2*models.StoredFileChunkSize + 12345), 3},
			{"exactly one chunk", file(models.StoredFileChunkSize), 1},
			{"a few bytes", file(10), 1},
			{"the same bytes as a return's file: kept once, as the return stored it", small, 0},
		}
		for i, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				ns := NewLedgerSnapshot{UnitCode: "530302", Period: "2024-0" + string(rune('1'+i)), FileName: "台账.xlsx",
					Original: bytes.NewReader(tc.data), OriginalSize: int64(len(tc.data))}
				snap, err := s.SaveLedgerSnapshot(ns)
				if err != nil {
					t.Fatal(err)
				}
				if snap.FileHash != models.FileHash(tc.data) {
					t.Fatalf("hash %s, want %s", snap.FileHash, models.FileHash(tc.data))
				}
				var chunks int64
				s.db.Model(&models.StoredFileChunk{}).Where("hash = ?", snap.FileHash).Count(&chunks)
				if chunks != tc.chunks {
					t.Errorf("%d chunks, want %d", chunks, tc.chunks)
				}
				var got bytes.Buffer
				if err := s.StoredFileContent(snap.FileHash, &got); err != nil || !bytes.Equal(got.Bytes(), tc.data) {
					t.Fatalf("read back %d bytes of %d: %v", got.Len(), len(tc.data), err)
				}
				if _, err := s.SaveLedgerSnapshot(ns); !errors.Is(err, models.ErrDuplicateFile) {
					t.Errorf("the same file again: %v", err)
				}
			})
		}
		t.Run("unknown file", func(t *testing.T) {
			if err := s.StoredFileContent(models.FileHash([]byte("never")), &bytes.Buffer{}); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("got %v", err)
			}
		})
		t.Run("a missing chunk is an error, not a short file", func(t *testing.T) {
			h := models.FileHash(tests[0].data)
			if err := s.db.Exec("DELETE FROM stored_file_chunks WHERE hash = ? AND seq = 1", h).Error; err != nil {
				t.Fatal(err)
			}
			if err := s.StoredFileContent(h, &bytes.Buffer{}); err == nil {
				t.Error("no error")
			}
		})
	})
}
