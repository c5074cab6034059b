package appserver

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// TestActual: the figure of the row asked for; none for another unit, another indicator or a null
// figure; an error for a body that is not the API's JSON.
func TestActual(t *testing.T) {
	body := []byte(`{"period":"2024-06","items":[{"indicator":"service_points","county":"","actual":900},` +
		`{"indicator":"service_points","county":"530302","actual":398},{"indicator":"hub_parks","county":"530302","actual":null}]}`)
	tests := []struct {
		name, indicator, unit string
		body                  []byte
		want                  float64
		wantOK, wantErr       bool
	}{
		{"the unit's figure", "service_points", "530302", body, 398, true, false},
		{"the city's figure", "service_points", "", body, 900, true, false},
		{"another unit", "service_points", "530303", body, 0, false, false},
		{"a null figure", "hub_parks", "530302", body, 0, false, false},
		{"not JSON", "service_points", "530302", []byte("<html>"), 0, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok, err := Actual(tc.body, tc.indicator, tc.unit)
			if got != tc.want || ok != tc.wantOK || (err != nil) != tc.wantErr {
				t.Errorf("got %v %v %v, want %v %v error %v", got, ok, err, tc.want, tc.wantOK, tc.wantErr)
			}
		})
	}
}

// TestWaitHealthy: the wait ends when /healthz answers 200 (after a 503 start), with ErrExited
// when the process ends first, and with the context's error when no answer comes in time.
func TestWaitHealthy(t *testing.T) {
	var asked atomic.Int32
	warming := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" || asked.Add(1) < 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer warming.Close()
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer down.Close()
	ended := make(chan struct{})
	close(ended)
	tests := []struct {
		name    string
		base    string
		exited  chan struct{}
		timeout time.Duration
		want    error
	}{
		{"answers after warming up", warming.URL, nil, 10 * time.Second, nil},
		{"the process ended", down.URL, ended, 10 * time.Second, ErrExited},
		{"no answer in time", down.URL, make(chan struct{}), 300 * time.Millisecond, context.DeadlineExceeded},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), tc.timeout)
			defer cancel()
			if err := WaitHealthy(ctx, tc.base, tc.exited); !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
	if asked.Load() < 3 {
		t.Errorf("/healthz asked %d times, want it asked until it answered", asked.Load())
	}
}

// TestFreeAddr: the address is on the loopback interface and can be listened on.
func TestFreeAddr(t *testing.T) {
	addr, err := FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil || host != "127.0.0.1" {
		t.Fatalf("address %q (%v), want 127.0.0.1:port", addr, err)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("cannot listen on %s: %v", addr, err)
	}
	l.Close()
}
