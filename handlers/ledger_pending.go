package handlers

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
	"ruralkpi/uploads"
)

// A previewed ledger (up to 64 MiB) is too large to carry back through the confirm form the way a
// monthly return is, so the spooled upload waits in the pending folder under a random token, bound
// to its user, unit and month, until it is confirmed. Waiting previews are capped per user and in
// total, and expire.

const (
	// ledgerPendingMaxAge is how long a previewed upload waits for its confirmation.
	ledgerPendingMaxAge = 2 * time.Hour
	// ledgerPendingPerUser is how many previews one user may have waiting; a new one replaces the oldest.
	ledgerPendingPerUser = 2
	// ledgerPendingMaxFiles and ledgerPendingMaxBytes cap all waiting previews; the oldest go first.
	ledgerPendingMaxFiles = 40
	ledgerPendingMaxBytes = 1 << 30
	// sweepEvery is how often stale temporary files are swept while the server runs.
	sweepEvery = 10 * time.Minute
)

// pendingLedgers is the folder of previews waiting for confirmation.
type pendingLedgers struct {
	dir string
	now func() time.Time
}

// pending is the server's folder of previews.
func (s *Server) pending() pendingLedgers {
	return pendingLedgers{dir: s.tmp.Pending(), now: s.Config.Now}
}

// save moves a spooled upload into the folder under a new token, after making room for it within
// the caps (expired previews, then the user's oldest, then anyone's oldest).
func (p pendingLedgers) save(user, unit, period string, f *uploads.File) (token string, err error) {
	var raw [16]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", fmt.Errorf("handlers: pending ledger token: %w", err)
	}
	token = hex.EncodeToString(raw[:])
	p.makeRoom(userKey(user), f.Size)
	if err := os.Rename(f.Path, filepath.Join(p.dir, p.name(user, unit, period, token))); err != nil {
		return "", fmt.Errorf("handlers: pending ledger: %w", err)
	}
	return token, nil
}

// open opens a previewed upload of the user, unit and month; a wrong or expired token is refused in
// words a clerk understands.
func (p pendingLedgers) open(user, unit, period, token string) (*os.File, error) {
	if raw, err := hex.DecodeString(token); err != nil || len(raw) != 16 {
		return nil, models.Errorf(models.EInvalid, "确认信息无效，请重新选择文件上传。")
	}
	f, err := os.Open(filepath.Join(p.dir, p.name(user, unit, period, token)))
	if err != nil {
		return nil, models.Errorf(models.EInvalid, "预览已过期或已提交，请重新选择文件上传。")
	}
	return f, nil
}

// remove deletes a previewed upload once it is stored or refused.
func (p pendingLedgers) remove(user, unit, period, token string) {
	_ = os.Remove(filepath.Join(p.dir, p.name(user, unit, period, token)))
}

func (p pendingLedgers) name(user, unit, period, token string) string {
	return userKey(user) + "_" + unit + "_" + period + "_" + token + ".xlsx"
}

// userKey names a user in file names without trusting the user name's characters.
func userKey(user string) string {
	h := sha256.Sum256([]byte(user))
	return hex.EncodeToString(h[:8])
}

// makeRoom removes expired previews, then the user's oldest beyond the per-user cap, then the
// oldest of all beyond the total caps, so that a new preview of size bytes fits.
func (p pendingLedgers) makeRoom(user string, size int64) {
	uploads.SweepOld(p.dir, p.now().Add(-ledgerPendingMaxAge))
	type entry struct {
		name string
		user string
		size int64
		mod  time.Time
	}
	var all []entry
	des, _ := os.ReadDir(p.dir)
	for _, de := range des {
		if info, err := de.Info(); err == nil && info.Mode().IsRegular() {
			owner, _, _ := strings.Cut(de.Name(), "_")
			all = append(all, entry{de.Name(), owner, info.Size(), info.ModTime()})
		}
	}
	slices.SortFunc(all, func(a, b entry) int { return a.mod.Compare(b.mod) })
	mine, files, bytes := 0, len(all), size
	for _, e := range all {
		bytes += e.size
		if e.user == user {
			mine++
		}
	}
	for _, e := range all {
		switch {
		case e.user == user && mine >= ledgerPendingPerUser:
			mine--
		case files >= ledgerPendingMaxFiles || bytes > ledgerPendingMaxBytes:
			if e.user == user {
				mine--
			}
		default:
			continue
		}
		if os.Remove(filepath.Join(p.dir, e.name)) == nil {
			files--
			bytes -= e.size
		}
	}
}

// startSweeper sweeps the temporary folder now and every sweepEvery until the app shuts down:
// run folders of dead processes (a kill -9 mid-import) and expired previews.
func (s *Server) startSweeper(app *fiber.App) {
	sweep := func() {
		if n := s.tmp.SweepRuns(); n > 0 {
			s.Log.Info("removed temporary files of stopped processes", "folders", n)
		}
		uploads.SweepOld(s.tmp.Pending(), s.Config.Now().Add(-ledgerPendingMaxAge))
		// Versions before the app-owned folder kept previews here; nothing uses it any more.
		uploads.SweepOld(filepath.Join(os.TempDir(), "ruralkpi-ledger-pending"), s.Config.Now().Add(-ledgerPendingMaxAge))
	}
	sweep()
	stop := make(chan struct{})
	go func() {
		t := time.NewTicker(sweepEvery)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				sweep()
			case <-stop:
				return
			}
		}
	}()
	app.Hooks().OnShutdown(func() error {
		close(stop)
		return s.tmp.Close()
	})
}
