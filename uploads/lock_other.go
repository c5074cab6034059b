//go:build !unix

package uploads

import (
	"os"
	"time"
)

// lockFile does nothing where flock is not available; abandoned falls back to age.
func lockFile(*os.File) error { return nil }

// abandoned reports whether a run folder is older than a day: no import takes that long.
func abandoned(run string) bool {
	info, err := os.Stat(run)
	return err == nil && info.ModTime().Before(time.Now().Add(-staleRun))
}
