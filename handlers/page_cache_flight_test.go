package handlers

import (
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

// TestCachedPageComputedOnceWhileManyWait: after a write every reader misses the page cache at once,
// and each computed the same page (the load tool's 200 readers on two cores: p99 near a second while
// the median was 5 ms). Readers of one page on one data version now wait for the one computing it.
func TestCachedPageComputedOnceWhileManyWait(t *testing.T) {
	e := newAccessEnv(t)
	var computed atomic.Int32
	app := fiber.New(fiber.Config{Immutable: true})
	app.Get("/slow", e.server.cached(func(c *fiber.Ctx) error {
		computed.Add(1)
		time.Sleep(100 * time.Millisecond)
		return c.SendString("页面")
	}))
	app.Get("/refused", e.server.cached(func(c *fiber.Ctx) error {
		computed.Add(1)
		time.Sleep(50 * time.Millisecond)
		return c.Status(fiber.StatusUnprocessableEntity).SendString("不缓存")
	}))
	tests := []struct {
		path         string
		status       int
		wantComputed int32
	}{
		{"/slow", 200, 1},    // one computes, seven wait and get its page
		{"/refused", 422, 8}, // nothing is kept: every waiter computes its own answer
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			computed.Store(0)
			var wg sync.WaitGroup
			statuses := make([]int, 8)
			for i := range statuses {
				wg.Add(1)
				go func() {
					defer wg.Done()
					res, err := app.Test(httptest.NewRequest("GET", tt.path, nil), -1)
					if err != nil {
						t.Error(err)
						return
					}
					statuses[i] = res.StatusCode
				}()
			}
			wg.Wait()
			for i, st := range statuses {
				if st != tt.status {
					t.Errorf("request %d: status %d, want %d", i, st, tt.status)
				}
			}
			if got := computed.Load(); got != tt.wantComputed {
				t.Errorf("computed %d times for 8 concurrent requests, want %d", got, tt.wantComputed)
			}
		})
	}
}
