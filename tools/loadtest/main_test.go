package main

import (
	"errors"
	"strings"
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

func TestOutageCause(t *testing.T) {
	t0 := time.Date(2026, 12, 2, 1, 0, 0, 0, time.UTC)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	o := newOutage()
	o.down("http://a", at(10))
	o.up("http://a", at(15))
	tests := []struct {
		name       string
		base       string
		start, end time.Time
		want       string
	}{
		{"in flight at the kill", "http://a", at(9), at(11), causeCut},
		{"sent while down", "http://a", at(12), at(12), causeDown},
		{"failed before the kill", "http://a", at(5), at(8), ""},
		{"failed after the restart", "http://a", at(16), at(17), ""},
		{"another server", "http://b", at(9), at(11), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := o.cause(tt.base, tt.start, tt.end); got != tt.want {
				t.Errorf("cause = %q, want %q", got, tt.want)
			}
		})
	}
	if o.after("http://a", at(14)) || !o.after("http://a", at(15)) || o.after("http://b", at(20)) {
		t.Error("after: only attempts sent to a once it answered again")
	}
}

func TestUploadMonths(t *testing.T) {
	tests := []struct {
		n, units int
		want     string
	}{
		{10, 10, "2025-09"},
		{20, 10, "2025-09 2025-08"},
		{21, 10, "2025-09 2025-08 2025-07"},
		{0, 10, "2025-09"},
		{3, 2, "2025-09 2025-08"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			got, err := uploadMonths("2025-09", tt.n, tt.units)
			if err != nil || strings.Join(got, " ") != tt.want {
				t.Errorf("uploadMonths(%d, %d) = %v %v, want %s", tt.n, tt.units, got, err, tt.want)
			}
		})
	}
}

func TestReportGoalsWithKill(t *testing.T) {
	fast := []time.Duration{time.Millisecond}
	tests := []struct {
		name string
		r    *report
		ok   bool
	}{
		{"cut and retried", &report{kinds: map[string]*stats{kindUpload: {byStatus: map[int]int{201: 2}, took: fast, cut: 1, retried: 1}}}, true},
		{"retry failed too", &report{kinds: map[string]*stats{kindUpload: {byStatus: map[int]int{201: 1}, errors: 1, took: fast, cut: 1, retryFailed: 1}}}, false},
		{"kill not done", &report{kinds: map[string]*stats{}, killErr: errors.New("restart failed")}, false},
		{"killed server's commit stored twice", &report{kinds: map[string]*stats{}, check: checks{done: true, killedStored: 1, killedBad: 1}}, false},
		{"read goal raised", &report{readP99: 300 * time.Millisecond, kinds: map[string]*stats{kindAPIRead: {byStatus: map[int]int{200: 1}, took: []time.Duration{250 * time.Millisecond}}}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.r.ok(); got != tt.ok {
				t.Errorf("ok() = %v, want %v", got, tt.ok)
			}
		})
	}
}

// TestUploadStepKeepsLaterMonthsAhead: two clerks of one unit upload September and a reopened August
// side by side, each upload one step more; with the same step August overtook September's count after
// two uploads to September's one, and September's next upload was refused as a fall (the 422s of the
// first make load-pg). A later month's clerk must stay ahead while the earlier one uploads up to ten
// times as often.
func TestUploadStepKeepsLaterMonthsAhead(t *testing.T) {
	for _, months := range []int{1, 2, 3} {
		for k := 0; k+1 < months; k++ {
			later, earlier := uploadStep(k, months), uploadStep(k+1, months)
			for nLater := 1; nLater <= 30; nLater++ {
				for nEarlier := 1; nEarlier <= 10*nLater; nEarlier++ {
					if later*float64(nLater) < earlier*float64(nEarlier) {
						t.Fatalf("months %d: month %d after %d uploads (step %v) fell below month %d after %d (step %v)",
							months, k, nLater, later, k+1, nEarlier, earlier)
					}
				}
			}
		}
		if got := uploadStep(months-1, months); got != 1 {
			t.Errorf("months %d: the oldest month's step is %v, want 1", months, got)
		}
	}
}

// TestSlowestReadsNamePaths: a missed read goal names the pages to look at — the read paths with
// the highest p99, query left out, uploads not among them.
func TestSlowestReadsNamePaths(t *testing.T) {
	r := &report{kinds: map[string]*stats{}}
	for i := 0; i < 10; i++ {
		r.add(kindPage, answer{status: 200, took: time.Duration(i) * time.Millisecond, path: "/?period=2025-09"})
		r.add(kindAPIRead, answer{status: 200, took: 400 * time.Millisecond, path: "/api/v1/progress?county=530302"})
		r.add(kindUpload, answer{status: 201, took: 5 * time.Second, path: "/api/v1/returns"})
	}
	var b strings.Builder
	r.printSlowestReads(&b, 1)
	out := b.String()
	if !strings.Contains(out, "/api/v1/progress ") || !strings.Contains(out, ms(400*time.Millisecond)) || strings.Contains(out, "/api/v1/returns") ||
		strings.Contains(out, "period=") || strings.Count(out, "\n") != 2 {
		t.Errorf("slowest reads:\n%s", out)
	}
}

// The reads over the goal are counted by path, the paths with the most first.
func TestReadsOverTheGoalByPath(t *testing.T) {
	r := &report{kinds: map[string]*stats{}, readP99: 300 * time.Millisecond}
	for i := 0; i < 10; i++ {
		r.add(kindPage, answer{status: 200, took: time.Duration(i) * 100 * time.Millisecond, path: "/counties/530302?period=2025-09"})
		r.add(kindAPIRead, answer{status: 200, took: 400 * time.Millisecond, path: "/api/v1/progress?county=530302"})
		r.add(kindPage, answer{status: 200, took: 10 * time.Millisecond, path: "/plan"})
	}
	var b strings.Builder
	r.printOverGoal(&b, 8)
	if got, want := b.String(), "reads over 300.0ms: 16; most on /api/v1/progress 10, /counties/530302 6\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	b.Reset()
	(&report{kinds: map[string]*stats{}}).printOverGoal(&b, 8)
	if b.Len() != 0 {
		t.Errorf("nothing over the goal printed %q", b.String())
	}
}
