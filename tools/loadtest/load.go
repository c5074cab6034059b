package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/xuri/excelize/v2"

	"ruralkpi/internal/appserver"
)

// Kinds of request the report tells apart.
const (
	kindUpload  = "upload (API)"
	kindPage    = "read page (session)"
	kindAPIRead = "read API (token)"
)

// stats collects the answers of one kind of request.
type stats struct {
	byStatus map[int]int
	errors   int // transport errors (no answer)
	locked   int // answers whose body says "database is locked"
	took     []time.Duration
	sample   map[int]string // the first answer of each failing status, shortened
	// Attempts the tool's kill explains, and how the requests they belonged to ended on the next
	// server.
	cut, down, retried, retryFailed int
}

// report is what a run measured.
type report struct {
	mu        sync.Mutex
	kinds     map[string]*stats
	accepted  []acceptedVersion
	users     []string // the uploaders' user names
	startedAt time.Time
	endedAt   time.Time
	maxID     uint // newest version id before the load
	logLocked int
	check     checks
	// storedByKilled are uploads cut by the kill whose retry found them stored (409): the killed
	// server had committed them before it died.
	storedByKilled []acceptedVersion
	outages        map[string][]span
	killErr        error
	readP99        time.Duration // the reads' p99 goal (0: 200 ms)
	loadStart      string        // the machine's load average when the load began
	outage         *outage       // the kill's record while the load runs (nil without -kill-after)
	afterRestart   int           // answers the killed server gave after it was started again
	// readsByPath are the reads' latencies by path without its query, to name the slowest pages.
	readsByPath map[string][]time.Duration
	// readsSent are the reads' latencies by when they were sent (seconds into the load), to tell a
	// slow start (cold caches) from slowness all along.
	readsSent map[int][]time.Duration
}

func (r *report) add(kind string, a answer) {
	back := r.outage != nil && a.err == nil && r.outage.after(a.server, a.sent)
	r.mu.Lock()
	defer r.mu.Unlock()
	if back {
		r.afterRestart++
	}
	s := r.kinds[kind]
	if s == nil {
		s = &stats{byStatus: map[int]int{}}
		r.kinds[kind] = s
	}
	s.cut += a.cut
	s.down += a.down
	if a.cut+a.down > 0 {
		if a.err != nil || a.status >= 500 {
			s.retryFailed++
		} else {
			s.retried++
		}
	}
	if a.err != nil {
		s.errors++
		return
	}
	s.byStatus[a.status]++
	s.took = append(s.took, a.took)
	if kind != kindUpload {
		if r.readsByPath == nil {
			r.readsByPath = map[string][]time.Duration{}
		}
		path, _, _ := strings.Cut(a.path, "?")
		r.readsByPath[path] = append(r.readsByPath[path], a.took)
		if !a.sent.IsZero() && !r.startedAt.IsZero() {
			if r.readsSent == nil {
				r.readsSent = map[int][]time.Duration{}
			}
			at := int(a.sent.Sub(r.startedAt) / time.Second)
			r.readsSent[at] = append(r.readsSent[at], a.took)
		}
	}
	if a.status >= 400 && s.sample[a.status] == "" {
		if s.sample == nil {
			s.sample = map[int]string{}
		}
		b := a.body
		if len(b) > 300 {
			b = b[:300]
		}
		s.sample[a.status] = string(b)
	}
	if bytes.Contains(a.body, []byte("database is locked")) {
		s.locked++
	}
}

// load signs everybody in, reopens the month for every uploader's unit, and runs the load.
func load(ctx context.Context, c config, victim *server, stderr io.Writer) (*report, error) {
	var o *outage
	if victim != nil {
		o = newOutage()
	}
	units, pages, apis, err := discover(c)
	if err != nil {
		return nil, err
	}
	months, err := uploadMonths(c.period, c.uploaders, len(units))
	if err != nil {
		return nil, err
	}
	r := &report{kinds: map[string]*stats{}, readP99: c.readP99, outage: o}
	if c.db != "" {
		if r.maxID, err = newestVersionID(c.db); err != nil {
			return nil, err
		}
	}
	office := newClient(c.bases(0), nil)
	if err := office.login("office", c.password); err != nil {
		return nil, err
	}
	uploaders := make([]*uploader, c.uploaders)
	for i := range uploaders {
		// Each clerk has a unit and month of its own: the units first, then the month before
		// (the demo has ten units; twenty clerks are its ten units' two months).
		unit, period := units[i%len(units)], months[i/len(units)]
		if a, err := office.postForm("/deadlines", "/deadlines/reopen", url.Values{"period": {period}, "unit": {unit}, "reason": {"压力测试"}}); err != nil || a.status >= 400 {
			return nil, fmt.Errorf("reopen %s %s: %d %v", unit, period, a.status, err)
		}
		user := "county-" + unit
		// Clients are spread over the servers (-addr a,b): a token or session made on one is
		// used on another, as behind a load balancer.
		token, err := newToken(c.bases(i)[0], user, c.password)
		if err != nil {
			return nil, err
		}
		cl := newClient(c.bases(i+1), o)
		cl.token = token
		a := cl.get("/api/v1/returns/template?county=" + unit + "&period=" + period)
		if a.status != 200 {
			return nil, fmt.Errorf("template of %s: %d %.200s", unit, a.status, a.body)
		}
		up, err := newUploader(cl, unit, period, a.body)
		if err != nil {
			return nil, err
		}
		up.step = uploadStep(i/len(units), len(months))
		if err := up.startAbove(cl.get("/api/v1/progress?period=" + period + "&county=" + unit)); err != nil {
			return nil, err
		}
		uploaders[i] = up
		r.users = append(r.users, user)
	}
	readers := make([]*client, c.readers)
	for i := range readers {
		cl := newClient(c.bases(i/2), o)
		if i%2 == 0 {
			if err := cl.login("leader", c.password); err != nil {
				return nil, err
			}
		} else {
			token, err := newToken(c.bases(i/2 + 1)[0], "leader", c.password)
			if err != nil {
				return nil, err
			}
			cl.token = token
		}
		readers[i] = cl
	}
	fmt.Fprintf(stderr, "loadtest: %d uploaders (%d units × months %v), %d readers (%d pages, %d API reads) for %v\n",
		len(uploaders), min(len(units), len(uploaders)), months, len(readers), len(pages), len(apis), c.duration)

	ctx, cancel := context.WithTimeout(ctx, c.duration)
	defer cancel()
	var budget atomic.Int64
	budget.Store(int64(c.max))
	take := func() bool { return ctx.Err() == nil && budget.Add(-1) >= 0 }
	var wg sync.WaitGroup
	r.startedAt, r.loadStart = time.Now(), loadAverage()
	if victim != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.killErr = killAndRestart(ctx, c, victim, o, stderr)
		}()
	}
	for _, up := range uploaders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			arrive(ctx, c.upThink)
			for take() {
				a, file := up.next()
				r.add(kindUpload, a)
				switch {
				case a.status == 201:
					if v, err := parseAccepted(a.body); err == nil {
						r.mu.Lock()
						r.accepted = append(r.accepted, v)
						r.mu.Unlock()
					}
				case a.status == 409 && a.cut > 0:
					// Cut by the kill after the killed server had committed it: the retry finds the
					// same file stored. verify wants it stored once, with its audit entry.
					r.mu.Lock()
					r.storedByKilled = append(r.storedByKilled, acceptedVersion{County: up.unit, Period: up.period, FileHash: fileHash(file)})
					r.mu.Unlock()
				}
				pause(ctx, c.upThink)
			}
		}()
	}
	for i, cl := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			kind, paths := kindPage, pages
			if cl.token != "" {
				kind, paths = kindAPIRead, apis
			}
			rnd := rand.New(rand.NewPCG(uint64(i), 7))
			arrive(ctx, c.readThink)
			for take() {
				r.add(kind, cl.get(paths[rnd.IntN(len(paths))]))
				pause(ctx, c.readThink)
			}
		}()
	}
	wg.Wait()
	r.endedAt = time.Now()
	if o != nil {
		r.outages = o.list()
	}
	return r, nil
}

// uploadMonths are the months n clerks over units units upload to: period for the first units
// clerks, the month before for the next units, and so on.
func uploadMonths(period string, n, units int) ([]string, error) {
	t, err := time.Parse("2006-01", period)
	if err != nil {
		return nil, fmt.Errorf("-period %q: %w", period, err)
	}
	var out []string
	for i := 0; i < max(1, (n+units-1)/units); i++ {
		out = append(out, t.AddDate(0, -i, 0).Format("2006-01"))
	}
	return out, nil
}

// killAndRestart kills the victim with -9 after -kill-after and, with -restart-after, starts it
// again on the same address that much later; the outage tells clients what the kill explains.
func killAndRestart(ctx context.Context, c config, victim *server, o *outage, stderr io.Writer) error {
	pause := func(d time.Duration) bool {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			return true
		case <-ctx.Done():
			return false
		}
	}
	if !pause(c.killAfter) {
		return errors.New("the load ended before the kill")
	}
	base := "http://" + victim.addr
	o.down(base, time.Now())
	if err := victim.kill(); err != nil {
		return fmt.Errorf("kill %s: %w", victim.addr, err)
	}
	o.closeIdle()
	fmt.Fprintf(stderr, "loadtest: killed the server on %s (-9)\n", victim.addr)
	if c.restartAfter < 0 {
		return nil
	}
	if !pause(c.restartAfter) {
		return errors.New("the load ended before the restart")
	}
	started := time.Now()
	if err := victim.start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("restart %s: %w", victim.addr, err)
	}
	o.up(base, time.Now())
	fmt.Fprintf(stderr, "loadtest: the server on %s answers again (%.1f s after it was started)\n", victim.addr, time.Since(started).Seconds())
	return nil
}

// arrive waits a random part of a person's pause before their first request, so that people come
// as they do, each at their own moment, and not all two hundred and twenty in the same millisecond
// when the load starts (which happens to no server and made the whole read p99 in the first second:
// docs/operations.md).
func arrive(ctx context.Context, think time.Duration) {
	if think <= 0 {
		return
	}
	wait(ctx, time.Duration(rand.Int64N(int64(think))))
}

// pause waits about mean (between half and one and a half times), or until the load ends.
func pause(ctx context.Context, mean time.Duration) {
	if mean <= 0 {
		return
	}
	wait(ctx, mean/2+time.Duration(rand.Int64N(int64(mean)+1)))
}

// wait waits d, or until the load ends.
func wait(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// discover lists the reporting units and every page and API read a leader may open.
func discover(c config) (units, pages, apis []string, err error) {
	cl := newClient(c.bases(0), nil)
	if err := cl.login("leader", c.password); err != nil {
		return nil, nil, nil, err
	}
	var counties struct {
		Counties []struct {
			Code  string `json:"code"`
			Level string `json:"level"`
		} `json:"counties"`
	}
	var indicators struct {
		Workstreams []struct {
			Code string `json:"code"`
		} `json:"workstreams"`
		Indicators []struct {
			Code string `json:"code"`
		} `json:"indicators"`
	}
	for path, dst := range map[string]any{"/api/v1/counties": &counties, "/api/v1/indicators": &indicators} {
		a := cl.get(path)
		if a.status != 200 {
			return nil, nil, nil, fmt.Errorf("%s: %d", path, a.status)
		}
		if err := json.Unmarshal(a.body, dst); err != nil {
			return nil, nil, nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	p := url.QueryEscape(c.period)
	pages = []string{"/", "/?period=" + p, "/plan", "/deadlines", "/followups", "/allocations", "/briefing?period=" + p}
	apis = []string{"/api/v1/progress?period=" + p, "/api/v1/counties", "/api/v1/indicators", "/api/v1/targets",
		"/api/v1/reports/progress.csv?period=" + p, "/api/v1/reports/matrix.csv?period=" + p, "/api/v1/me"}
	for _, u := range counties.Counties {
		units = append(units, u.Code)
		pages = append(pages, "/counties/"+u.Code, "/ledger/"+u.Code, "/returns/history?county="+u.Code+"&period="+p)
		apis = append(apis, "/api/v1/progress?period="+p+"&county="+u.Code)
	}
	for _, w := range indicators.Workstreams {
		pages = append(pages, "/workstreams/"+w.Code)
	}
	for _, ind := range indicators.Indicators {
		pages = append(pages, "/indicators/"+ind.Code)
	}
	if len(units) == 0 {
		return nil, nil, nil, errors.New("the server lists no reporting units")
	}
	sort.Strings(units)
	return units, pages, apis, nil
}

// uploader is a clerk who keeps sending the month's return, each time with one more service point
// (so that every file is new and passes the checks).
type uploader struct {
	c        *client
	unit     string
	period   string
	template []byte
	cell     string
	base     float64
	n        int
	step     float64 // service points added per upload (uploadStep)
}

// uploadStep is how many service points a clerk of month k (0 the newest of months months) adds per
// upload: ten times the month before's clerk, so a later month's cumulative count stays ahead of an
// earlier month's that grows beside it (a later month below an earlier one is refused as a fall).
func uploadStep(k, months int) float64 {
	step := 1.0
	for i := k; i < months-1; i++ {
		step *= 10
	}
	return step
}

func newUploader(c *client, unit, period string, template []byte) (*uploader, error) {
	f, err := excelize.OpenReader(bytes.NewReader(template))
	if err != nil {
		return nil, fmt.Errorf("template of %s: %w", unit, err)
	}
	defer f.Close()
	rows, err := f.GetRows("月报")
	if err != nil {
		return nil, fmt.Errorf("template of %s: %w", unit, err)
	}
	for i, r := range rows {
		if len(r) > 0 && r[0] == "service_points" {
			cell, _ := excelize.CoordinatesToCellName(8, i+1)
			v, _ := f.GetCellValue("月报", cell)
			base := 0.0
			_, _ = fmt.Sscan(v, &base)
			return &uploader{c: c, unit: unit, period: period, template: template, cell: cell, base: base, step: 1}, nil
		}
	}
	return nil, fmt.Errorf("template of %s has no service_points row", unit)
}

// startAbove makes the first upload's count exceed what the unit has on record (an empty template
// cell would otherwise read as a fall, which is refused).
func (u *uploader) startAbove(a answer) error {
	if a.status != 200 {
		return fmt.Errorf("progress of %s: %d", u.unit, a.status)
	}
	v, ok, err := appserver.Actual(a.body, "service_points", u.unit)
	if err != nil {
		return fmt.Errorf("progress of %s: %w", u.unit, err)
	}
	if ok && v > u.base {
		u.base = v
	}
	return nil
}

// next uploads the next version; it returns the file it sent.
func (u *uploader) next() (answer, []byte) {
	u.n++
	f, err := excelize.OpenReader(bytes.NewReader(u.template))
	if err != nil {
		return answer{err: err}, nil
	}
	defer f.Close()
	if err := f.SetCellValue("月报", u.cell, u.base+u.step*float64(u.n)); err != nil {
		return answer{err: err}, nil
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return answer{err: err}, nil
	}
	return u.c.upload(fmt.Sprintf("%s-%s-%d.xlsx", u.unit, u.period, u.n), buf.Bytes()), buf.Bytes()
}

// fileHash is the SHA-256 of a file, hex, as the server stores it (models.FileHash).
func fileHash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
