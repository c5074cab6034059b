package main

import (
	"net/http"
	"sync"
	"time"
)

// Why an attempt failed, when the tool's own kill explains it.
const (
	causeCut  = "cut"  // in flight on the server when it was killed
	causeDown = "down" // sent while the server was down (killed, not yet answering again)
)

// outage records when the tool killed and restarted which server, so that a failed request can be
// told apart: cut by the kill, refused while the server was down, or a real failure (which the run
// counts against its goals).
type outage struct {
	mu    sync.Mutex
	spans map[string][]span // by base URL
	// clients are the people's HTTP clients, whose connections kept alive to a killed server go.
	clients []*http.Client
}

// keep notes a client whose idle connections closeIdle closes.
func (o *outage) keep(c *http.Client) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.clients = append(o.clients, c)
}

// closeIdle closes every client's idle connections: those to a killed process are of no use (a
// load balancer drops them too).
func (o *outage) closeIdle() {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, c := range o.clients {
		c.CloseIdleConnections()
	}
}

// span is one time a server was down: from its kill to when it answered again (zero: still down).
type span struct{ from, to time.Time }

func newOutage() *outage { return &outage{spans: map[string][]span{}} }

// down records that the server at base is killed at t.
func (o *outage) down(base string, t time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.spans[base] = append(o.spans[base], span{from: t})
}

// up records that the server at base answers again from t.
func (o *outage) up(base string, t time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if s := o.spans[base]; len(s) > 0 && s[len(s)-1].to.IsZero() {
		s[len(s)-1].to = t
	}
}

// cause is why an attempt on base, sent at start and failed at end, failed, if a kill explains it:
// causeCut when the server was killed while the attempt was in flight, causeDown when it was sent
// while the server was down; "" when no kill explains it.
func (o *outage) cause(base string, start, end time.Time) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, s := range o.spans[base] {
		if !start.After(s.from) && !end.Before(s.from) {
			return causeCut
		}
		if !start.Before(s.from) && (s.to.IsZero() || start.Before(s.to)) {
			return causeDown
		}
	}
	return ""
}

// list is every span of every server, for the report.
func (o *outage) list() map[string][]span {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := map[string][]span{}
	for base, s := range o.spans {
		out[base] = append([]span(nil), s...)
	}
	return out
}

// after reports whether an attempt on base sent at t went to the server restarted after a kill.
func (o *outage) after(base string, t time.Time) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, s := range o.spans[base] {
		if !s.to.IsZero() && !t.Before(s.to) {
			return true
		}
	}
	return false
}
