package handlers

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"ruralkpi/models"
)

// A previewed ledger (up to 64 MiB) is too large to carry back through the confirm form the way a
// monthly return is, so the upload waits on disk under a random token until it is confirmed.

// ledgerPendingMaxAge is how long a previewed upload waits for its confirmation.
const ledgerPendingMaxAge = 2 * time.Hour

// ledgerPendingDir is where previewed uploads wait.
func ledgerPendingDir() string { return filepath.Join(os.TempDir(), "ruralkpi-ledger-pending") }

// savePendingLedger copies a previewed upload to the pending folder under a new token, bound to the
// unit and month in its file name, and sweeps out stale uploads.
func savePendingLedger(unit, period string, src io.Reader, limit int64) (token string, err error) {
	dir := ledgerPendingDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("handlers: pending ledger folder: %w", err)
	}
	sweepPendingLedgers(dir, time.Now().Add(-ledgerPendingMaxAge))
	var raw [16]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", fmt.Errorf("handlers: pending ledger token: %w", err)
	}
	token = hex.EncodeToString(raw[:])
	f, err := os.OpenFile(filepath.Join(dir, pendingLedgerName(unit, period, token)), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return "", fmt.Errorf("handlers: pending ledger: %w", err)
	}
	n, err := io.Copy(f, io.LimitReader(src, limit+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > limit {
		err = models.Errorf(models.ETooLarge, "文件过大：台账文件不能超过 %d MB。", limit>>20)
	}
	if err != nil {
		removePendingLedger(unit, period, token)
		return "", err
	}
	return token, nil
}

// openPendingLedger opens a previewed upload of the unit and month; a wrong or expired token is
// refused in words a clerk understands.
func openPendingLedger(unit, period, token string) (*os.File, error) {
	if raw, err := hex.DecodeString(token); err != nil || len(raw) != 16 {
		return nil, models.Errorf(models.EInvalid, "确认信息无效，请重新选择文件上传。")
	}
	f, err := os.Open(filepath.Join(ledgerPendingDir(), pendingLedgerName(unit, period, token)))
	if err != nil {
		return nil, models.Errorf(models.EInvalid, "预览已过期或已提交，请重新选择文件上传。")
	}
	return f, nil
}

// removePendingLedger deletes a previewed upload once it is stored or refused.
func removePendingLedger(unit, period, token string) {
	_ = os.Remove(filepath.Join(ledgerPendingDir(), pendingLedgerName(unit, period, token)))
}

func pendingLedgerName(unit, period, token string) string {
	return unit + "_" + period + "_" + token + ".xlsx"
}

// sweepPendingLedgers removes previews never confirmed.
func sweepPendingLedgers(dir string, before time.Time) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if info, err := e.Info(); err == nil && info.ModTime().Before(before) {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}
