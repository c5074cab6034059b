// Package appserver holds what the end-to-end tests (e2e) and the load test (tools/loadtest) both
// need of a ruralkpi they run as a separate process and speak to over HTTP: a free loopback
// address to serve on, the wait until the server answers /healthz, and a figure read from
// GET /api/v1/progress. It uses the standard library only, so the load test stays a plain client.
package appserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// FreeAddr is a loopback address (127.0.0.1:port) that is free when it is asked for.
func FreeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("appserver: free address: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// ErrExited says the server's process ended before it answered /healthz.
var ErrExited = errors.New("appserver: the server exited before it answered /healthz")

// WaitHealthy asks base+"/healthz" every 100 ms until it answers 200. It gives up with ErrExited
// once exited is closed (the caller closes it when the process ends; nil when it cannot tell), and
// with the context's error when ctx ends.
func WaitHealthy(ctx context.Context, base string, exited <-chan struct{}) error {
	for {
		select {
		case <-exited:
			return ErrExited
		default:
		}
		if healthy(ctx, base) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("appserver: %s/healthz did not answer 200: %w", base, ctx.Err())
		case <-exited:
			return ErrExited
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// healthy reports whether base+"/healthz" answers 200.
func healthy(ctx context.Context, base string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/healthz", nil)
	if err != nil {
		return false
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	res.Body.Close()
	return res.StatusCode == http.StatusOK
}

// Actual is an indicator's actual figure for a unit in a body of GET /api/v1/progress; false when
// the body has none (no such row, or the figure is null).
func Actual(body []byte, indicator, unit string) (float64, bool, error) {
	var out struct {
		Items []struct {
			Indicator string   `json:"indicator"`
			County    string   `json:"county"`
			Actual    *float64 `json:"actual"`
		} `json:"items"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return 0, false, fmt.Errorf("appserver: progress: %w", err)
	}
	for _, it := range out.Items {
		if it.Indicator == indicator && it.County == unit && it.Actual != nil {
			return *it.Actual, true, nil
		}
	}
	return 0, false, nil
}
