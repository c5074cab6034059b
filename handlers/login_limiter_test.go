package handlers

import (
	"testing"
	"time"
)

func TestLoginLimiterWindow(t *testing.T) {
	start := time.Date(2024, 7, 1, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		failures []time.Duration // offsets from start
		at       time.Duration
		blocked  bool
		wait     time.Duration
	}{
		{"below the limit", []time.Duration{0, 1, 2, 3}, 4 * time.Minute, false, 0},
		{"at the limit", []time.Duration{0, time.Minute, 2 * time.Minute, 3 * time.Minute, 4 * time.Minute}, 5 * time.Minute, true, 10 * time.Minute},
		{"oldest failure aged out", []time.Duration{0, time.Minute, 2 * time.Minute, 3 * time.Minute, 4 * time.Minute}, 15 * time.Minute, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newLoginLimiter()
			for _, f := range tt.failures {
				l.fail("office", "10.0.0.1", start.Add(f))
			}
			blocked, wait := l.blocked("OFFICE ", "10.0.0.1", start.Add(tt.at))
			if blocked != tt.blocked || wait != tt.wait {
				t.Errorf("blocked %v wait %v, want %v %v", blocked, wait, tt.blocked, tt.wait)
			}
			if blocked, _ := l.blocked("office", "10.0.0.2", start.Add(tt.at)); blocked {
				t.Error("the account is blocked from another address")
			}
		})
	}
	t.Run("success clears the pair, not the address", func(t *testing.T) {
		l := newLoginLimiter()
		for i := 0; i < loginPairLimit; i++ {
			l.fail("office", "10.0.0.1", start)
			l.fail("leader", "10.0.0.2", start)
		}
		for i := loginPairLimit; i < loginAddressLimit; i++ {
			l.fail("someone"+string(rune('a'+i)), "10.0.0.1", start)
		}
		l.succeed("leader", "10.0.0.2")
		if blocked, _ := l.blocked("leader", "10.0.0.2", start); blocked {
			t.Error("pair still blocked after a successful login")
		}
		l.succeed("office", "10.0.0.1")
		if blocked, _ := l.blocked("someone", "10.0.0.1", start); !blocked {
			t.Error("address unblocked by one account's success")
		}
	})
	t.Run("aged-out keys are dropped", func(t *testing.T) {
		l := newLoginLimiter()
		l.fail("a", "10.0.0.1", start)
		l.blocked("a", "10.0.0.1", start.Add(loginWindow))
		if len(l.failures) != 0 {
			t.Errorf("%d keys kept after the window", len(l.failures))
		}
	})
}
