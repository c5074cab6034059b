package main

import (
	"testing"
	"time"
)

func TestLoopbackOnly(t *testing.T) {
	tests := []struct {
		addr string
		ok   bool
	}{
		{"127.0.0.1:3000", true},
		{"[::1]:3000", true},
		{"localhost:3000", true},
		{"10.0.0.5:3000", false},
		{"example.org:80", false},
		{":3000", false},
		{"3000", false},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			if err := loopbackOnly(tt.addr); (err == nil) != tt.ok {
				t.Errorf("loopbackOnly(%q) = %v, want ok=%v", tt.addr, err, tt.ok)
			}
		})
	}
}

func TestPercentile(t *testing.T) {
	var ds []time.Duration
	for i := 1; i <= 100; i++ {
		ds = append(ds, time.Duration(101-i)*time.Millisecond)
	}
	for _, tt := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 50 * time.Millisecond}, {0.99, 99 * time.Millisecond}, {1, 100 * time.Millisecond}} {
		if got := percentile(ds, tt.q); got != tt.want {
			t.Errorf("p%v = %v, want %v", tt.q*100, got, tt.want)
		}
	}
}

func TestReportGoals(t *testing.T) {
	fast := []time.Duration{time.Millisecond}
	tests := []struct {
		name string
		r    *report
		ok   bool
	}{
		{"all good", &report{kinds: map[string]*stats{kindPage: {byStatus: map[int]int{200: 1}, took: fast}}}, true},
		{"a 503", &report{kinds: map[string]*stats{kindUpload: {byStatus: map[int]int{201: 1, 503: 1}, took: fast}}}, false},
		{"locked in an answer", &report{kinds: map[string]*stats{kindUpload: {byStatus: map[int]int{201: 1}, locked: 1, took: fast}}}, false},
		{"slow reads", &report{kinds: map[string]*stats{kindAPIRead: {byStatus: map[int]int{200: 1}, took: []time.Duration{time.Second}}}}, false},
		{"slow uploads are not a read goal", &report{kinds: map[string]*stats{kindUpload: {byStatus: map[int]int{201: 1}, took: []time.Duration{time.Second}}}}, true},
		{"locked in the log", &report{kinds: map[string]*stats{}, logLocked: 1}, false},
		{"stored without its audit entry", &report{kinds: map[string]*stats{}, check: checks{done: true, unaudited: 1}}, false},
		{"stored without a 201", &report{kinds: map[string]*stats{}, check: checks{done: true, storedNot: 1}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.r.ok(); got != tt.ok {
				t.Errorf("ok() = %v, want %v", got, tt.ok)
			}
		})
	}
}
