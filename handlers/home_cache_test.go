package handlers

import (
	"net/http/httptest"
	"testing"
	"time"

	"ruralkpi/models"
)

// TestOfficeHomeCachedFollowsEveryWrite: the office's home is served from the page cache (an ETag,
// 304 for it), and after each write that changes what it shows, the next answer is the page as it
// is computed afresh, not the cached one: every such write records a data change. SetLockAfterDays
// recorded none, so its home kept the old lock day; the clock crossing midnight in the reporting
// zone (where deadlines fall due) while the server's day, in UTC, had not yet changed kept 未到期
// after the deadline.
func TestOfficeHomeCachedFollowsEveryWrite(t *testing.T) {
	office := models.Actor{Username: "office"}
	waitingReturn := func(e *accessEnv) uint {
		subs, err := e.store.Submissions()
		if err != nil {
			t.Fatal(err)
		}
		sub := subs["530325"]["2025-09"]
		if sub.LatestStatus != models.StatusSubmitted {
			t.Fatalf("富源县 2025-09 is %q, want a version waiting for review", sub.LatestStatus)
		}
		return sub.LatestID
	}
	openFollowUp := func(e *accessEnv) uint {
		list, err := e.store.FollowUps("")
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range list {
			if models.FollowUpOverdue(f, e.clock.Now()) {
				return f.ID
			}
		}
		t.Fatal("the demo has no overdue follow-up")
		return 0
	}
	tests := []struct {
		name  string
		write func(e *accessEnv) error
	}{
		{"lock setting", func(e *accessEnv) error { return e.store.SetLockAfterDays(3, office, e.clock.Now()) }},
		{"deadline", func(e *accessEnv) error {
			return e.store.SetDeadline(models.MustPeriod("2025-09"), time.Date(2025, 10, 20, 0, 0, 0, 0, models.ReportingZone()), office, e.clock.Now())
		}},
		{"return uploaded", func(e *accessEnv) error {
			_, err := e.store.SaveVersion(models.NewVersion{UnitCode: "530326", Period: "2025-09", Source: models.SourceUpload, UploadedBy: "county-530326",
				Values: []models.ReturnValue{{Indicator: models.IndServicePoints, Value: 100}}})
			return err
		}},
		{"return reviewed", func(e *accessEnv) error {
			_, err := e.store.ReviewVersion(waitingReturn(e), models.DecisionApprove, "", office, e.clock.Now())
			return err
		}},
		{"ledger reviewed", func(e *accessEnv) error {
			list, err := e.store.LedgerReviews("", 20)
			if err != nil || len(list.Pending) == 0 {
				t.Fatalf("no ledger waiting for review: %v", err)
			}
			_, err = e.store.ReviewLedgerSnapshot(list.Pending[0].ID, models.DecisionApprove, "", office, e.clock.Now())
			return err
		}},
		{"follow-up opened on a newly red figure", func(e *accessEnv) error {
			d, err := e.server.officeTenth()
			if err != nil || len(d.NewlyRed) == 0 {
				t.Fatalf("no newly red figure on the office's home: %v", err)
			}
			_, err = e.store.OpenFollowUp(e.plan, models.NewFollowUp{UnitCode: d.NewlyRed[0].Scope, Indicator: d.NewlyRed[0].Indicator,
				Title: "工作台缓存测试", Assignee: "某某", DueDate: "2025-10-30"}, office, e.clock.Now())
			return err
		}},
		{"follow-up closed", func(e *accessEnv) error {
			_, err := e.store.CloseFollowUp(openFollowUp(e), "已完成", office, e.clock.Now())
			return err
		}},
		{"target", func(e *accessEnv) error {
			return e.store.SetTarget(e.plan, models.IndServicePoints, 2025, 99999, office, e.clock.Now())
		}},
		{"allocation", func(e *accessEnv) error {
			_, err := e.store.SetAllocations([]models.AllocationInput{{Indicator: models.IndServicePoints, Year: 2025, UnitCode: "530302", Value: 99999}}, office, e.clock.Now())
			return err
		}},
		{"the clock passes midnight in the reporting zone", func(e *accessEnv) error {
			// 2025-10-05 23:59 in China is 15:59 UTC: the day the deadline ends, on a server in UTC.
			e.clock.mu.Lock()
			e.clock.now = time.Date(2025, 10, 5, 15, 59, 0, 0, time.UTC)
			e.clock.mu.Unlock()
			e.tokenClient("office").do("GET", "/", nil) // cached before midnight
			e.clock.Advance(2 * time.Minute)
			return nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newDemoEnv(t, models.DemoToday)
			c := e.tokenClient("office")
			before := c.do("GET", "/", nil)
			etag := before.header.Get("ETag")
			req := httptest.NewRequest("GET", "/", nil)
			req.Header.Set("If-None-Match", etag)
			if before.status != 200 || etag == "" || c.send(req).status != 304 {
				t.Fatalf("the office's home is not cached: status %d, ETag %q", before.status, etag)
			}
			if err := tt.write(e); err != nil {
				t.Fatal(err)
			}
			after := c.do("GET", "/", nil)
			e.server.pages = newPageCache(defaultPageCacheBytes)
			fresh := c.do("GET", "/", nil)
			if fresh.body == before.body {
				t.Fatal("the write does not change the office's home: the case proves nothing")
			}
			if after.status != 200 || after.body != fresh.body {
				t.Errorf("after the write the home is the cached page, not the current one")
			}
		})
	}
}
