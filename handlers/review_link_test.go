package handlers

import (
	"strings"
	"testing"
)

// TestReviewQueueLinksToVersionHistory: before approving, the office can open what was uploaded
// (figures, warnings, differences, the original file) from the queue.
func TestReviewQueueLinksToVersionHistory(t *testing.T) {
	e := newAccessEnv(t)
	newAccessFixtures(t, e)
	res := e.loggedIn("office").do("GET", "/review", nil)
	if want := `href="/returns/history?county=530302&amp;period=2024-06"`; !strings.Contains(res.body, want) {
		t.Errorf("review queue has no link %s: %.800s", want, res.body)
	}
}
