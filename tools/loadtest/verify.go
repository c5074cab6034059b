package main

import (
	"database/sql"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the database/sql driver for a server on PostgreSQL
	_ "github.com/mattn/go-sqlite3"    // the database/sql driver the server uses
)

// checks is what the database says about the uploads after the load.
type checks struct {
	done        bool
	accepted    int // answers 201
	missing     int // answered 201 but not stored (or stored differently)
	badAudit    int // answered 201 and stored, but not with exactly one audit entry
	storedNot   int // stored during the load but never answered 201 (half-done)
	unaudited   int // stored during the load with no audit entry at all
	storedTotal int
	// killedStored are uploads cut by the kill that the killed server had committed (their retry
	// found them); killedBad of them are not stored exactly once with exactly one audit entry.
	killedStored, killedBad int
}

func openReadOnly(path string) (*sql.DB, error) {
	if strings.HasPrefix(path, "postgres://") || strings.HasPrefix(path, "postgresql://") {
		db, err := sql.Open("pgx", path)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", path, err)
		}
		return db, nil
	}
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return db, nil
}

func newestVersionID(path string) (uint, error) {
	db, err := openReadOnly(path)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var id uint
	if err := db.QueryRow("SELECT COALESCE(MAX(id), 0) FROM return_versions").Scan(&id); err != nil {
		return 0, fmt.Errorf("newest version: %w", err)
	}
	return id, nil
}

// verify checks every accepted upload against the database: stored once, with one audit entry,
// and nothing stored that was not accepted.
func verify(path string, r *report) (checks, error) {
	db, err := openReadOnly(path)
	if err != nil {
		return checks{}, err
	}
	defer db.Close()
	c := checks{done: true, accepted: len(r.accepted)}
	accepted := map[uint]bool{}
	for _, v := range r.accepted {
		accepted[v.ID] = true
		var unit, period, hash string
		var number int
		err := db.QueryRow("SELECT unit_code, period, number, file_hash FROM return_versions WHERE id = $1", v.ID).Scan(&unit, &period, &number, &hash)
		if err != nil || unit != v.County || period != v.Period || number != v.Number || hash != v.FileHash {
			c.missing++
			continue
		}
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM audit_entries WHERE action = 'return.upload' AND subject = $1 AND after LIKE $2",
			unit+" "+period, "%"+hash+"%").Scan(&n); err != nil {
			return checks{}, fmt.Errorf("count audit entries: %w", err)
		}
		if n != 1 {
			c.badAudit++
		}
	}
	byKilled := map[string]bool{}
	for _, v := range r.storedByKilled {
		byKilled[v.County+" "+v.Period+" "+v.FileHash] = true
		c.killedStored++
		var versions, audits int
		if err := db.QueryRow("SELECT COUNT(*) FROM return_versions WHERE unit_code = $1 AND period = $2 AND file_hash = $3 AND id > $4",
			v.County, v.Period, v.FileHash, r.maxID).Scan(&versions); err != nil {
			return checks{}, fmt.Errorf("count versions: %w", err)
		}
		if err := db.QueryRow("SELECT COUNT(*) FROM audit_entries WHERE action = 'return.upload' AND subject = $1 AND after LIKE $2",
			v.County+" "+v.Period, "%"+v.FileHash+"%").Scan(&audits); err != nil {
			return checks{}, fmt.Errorf("count audit entries: %w", err)
		}
		if versions != 1 || audits != 1 {
			c.killedBad++
		}
	}
	rows, err := db.Query("SELECT id, unit_code, period, file_hash FROM return_versions WHERE id > $1", r.maxID)
	if err != nil {
		return checks{}, fmt.Errorf("list stored versions: %w", err)
	}
	type stored struct {
		id                 uint
		unit, period, hash string
	}
	var all []stored
	for rows.Next() {
		var s stored
		if err := rows.Scan(&s.id, &s.unit, &s.period, &s.hash); err != nil {
			rows.Close()
			return checks{}, err
		}
		all = append(all, s)
	}
	rows.Close()
	c.storedTotal = len(all)
	for _, s := range all {
		if !accepted[s.id] && !byKilled[s.unit+" "+s.period+" "+s.hash] {
			c.storedNot++
		}
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM audit_entries WHERE action = 'return.upload' AND subject = $1 AND after LIKE $2",
			s.unit+" "+s.period, "%"+s.hash+"%").Scan(&n); err != nil {
			return checks{}, err
		}
		if n == 0 {
			c.unaudited++
		}
	}
	return c, nil
}

// ok reports whether the goals are met: no 5xx, no "database is locked" reaching a user or the
// log, every accepted upload stored once with its audit entry, nothing half-done, reads p99 under
// the goal (200 ms unless -read-p99), and with a kill: the kill (and restart) done, and every
// request it cut answered by another server.
func (r *report) ok() bool {
	goal := r.goal()
	if r.killErr != nil {
		return false
	}
	for kind, s := range r.kinds {
		for status, n := range s.byStatus {
			if status >= 500 && n > 0 {
				return false
			}
		}
		if s.locked > 0 || s.errors > 0 || s.retryFailed > 0 {
			return false
		}
		if kind != kindUpload && percentile(s.took, 0.99) >= goal {
			return false
		}
	}
	if r.logLocked > 0 {
		return false
	}
	if r.check.done && (r.check.missing > 0 || r.check.badAudit > 0 || r.check.storedNot > 0 || r.check.unaudited > 0 || r.check.killedBad > 0) {
		return false
	}
	return true
}

func percentile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(q*float64(len(s))+0.5) - 1
	if i < 0 {
		i = 0
	}
	if i >= len(s) {
		i = len(s) - 1
	}
	return s[i]
}

func (r *report) print(w io.Writer, c config) {
	fmt.Fprintf(w, "load: %d uploaders + %d readers on %d server(s) for %v (requested %v), period %s; load average %s at the start, %s at the end\n", c.uploaders, c.readers,
		len(strings.Split(c.addr, ",")), r.endedAt.Sub(r.startedAt).Round(time.Second), c.duration, c.period, r.loadStart, loadAverage())
	kinds := make([]string, 0, len(r.kinds))
	for k := range r.kinds {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	fmt.Fprintf(w, "%-22s %7s  %-34s %8s %8s %8s %7s\n", "kind", "count", "by status", "p50", "p99", "max", "locked")
	for _, k := range kinds {
		s := r.kinds[k]
		codes := make([]int, 0, len(s.byStatus))
		total := s.errors
		for code, n := range s.byStatus {
			codes = append(codes, code)
			total += n
		}
		sort.Ints(codes)
		by := ""
		for _, code := range codes {
			by += fmt.Sprintf("%d:%d ", code, s.byStatus[code])
		}
		if s.errors > 0 {
			by += fmt.Sprintf("no-answer:%d", s.errors)
		}
		fmt.Fprintf(w, "%-22s %7d  %-34s %8s %8s %8s %7d\n", k, total, by, ms(percentile(s.took, 0.5)), ms(percentile(s.took, 0.99)),
			ms(percentile(s.took, 1)), s.locked)
		for _, code := range codes {
			if sample := s.sample[code]; sample != "" {
				fmt.Fprintf(w, "    first %d: %s\n", code, strings.Join(strings.Fields(sample), " "))
			}
		}
	}
	r.printSlowestReads(w, 5)
	r.printOverGoal(w, 8)
	for base, spans := range r.outages {
		for _, sp := range spans {
			back := "not restarted"
			if !sp.to.IsZero() {
				back = fmt.Sprintf("answering again at +%.1fs (down %.1f s); it then answered %d requests", sp.to.Sub(r.startedAt).Seconds(), sp.to.Sub(sp.from).Seconds(), r.afterRestart)
			}
			fmt.Fprintf(w, "kill -9 of %s at +%.1fs, %s\n", base, sp.from.Sub(r.startedAt).Seconds(), back)
		}
	}
	if r.killErr != nil {
		fmt.Fprintln(w, "kill/restart FAILED:", r.killErr)
	}
	for _, k := range kinds {
		if s := r.kinds[k]; s.cut+s.down > 0 {
			fmt.Fprintf(w, "  %-20s %d attempts cut in flight by the kill, %d sent while it was down; %d requests retried on another server and answered, %d failed there too\n",
				k, s.cut, s.down, s.retried, s.retryFailed)
		}
	}
	fmt.Fprintf(w, "\"database is locked\" in the server log: %d\n", r.logLocked)
	if r.check.done {
		ch := r.check
		fmt.Fprintf(w, "database: %d uploads answered 201; %d not stored as answered; %d without exactly one audit entry;\n", ch.accepted, ch.missing, ch.badAudit)
		fmt.Fprintf(w, "          %d versions stored during the load, %d of them never answered 201, %d with no audit entry\n", ch.storedTotal, ch.storedNot, ch.unaudited)
		if ch.killedStored > 0 {
			fmt.Fprintf(w, "          %d uploads committed by the killed server before it died (their retry found them), %d not stored once with one audit entry\n", ch.killedStored, ch.killedBad)
		}
	}
	if r.ok() {
		fmt.Fprintln(w, "goals: met")
	} else {
		fmt.Fprintln(w, "goals: NOT met")
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }

// loadAverage is the machine's 1-, 5- and 15-minute load average (Linux), for the report: figures
// from a busy machine are not a quiet one's.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// printSlowestReads names the n read paths with the highest p99 (query left out), so that a missed
// read goal points at the pages to look at.
func (r *report) printSlowestReads(w io.Writer, n int) {
	paths := make([]string, 0, len(r.readsByPath))
	for p := range r.readsByPath {
		paths = append(paths, p)
	}
	p99s := make(map[string]time.Duration, len(paths))
	for _, p := range paths {
		p99s[p] = percentile(r.readsByPath[p], 0.99)
	}
	p99 := func(p string) time.Duration { return p99s[p] }
	sort.Slice(paths, func(i, j int) bool {
		if a, b := p99(paths[i]), p99(paths[j]); a != b {
			return a > b
		}
		return paths[i] < paths[j]
	})
	if len(paths) > n {
		paths = paths[:n]
	}
	if len(paths) > 0 {
		fmt.Fprintln(w, "slowest reads (p99 by path):")
	}
	for _, p := range paths {
		fmt.Fprintf(w, "  %-40s %6d reads  p50 %8s  p99 %8s\n", p, len(r.readsByPath[p]), ms(percentile(r.readsByPath[p], 0.5)), ms(p99(p)))
	}
}

// goal is the reads' p99 goal: -read-p99, 200 ms when unset.
func (r *report) goal() time.Duration {
	if r.readP99 == 0 {
		return 200 * time.Millisecond
	}
	return r.readP99
}

// printOverGoal counts, for the n paths with the most, the reads slower than the goal: the slowest
// paths' p99 says which pages are slow, this says which make the overall p99 (a path read often
// and slow now and then can weigh more than the slowest one).
func (r *report) printOverGoal(w io.Writer, n int) {
	goal := r.goal()
	over := map[string]int{}
	total := 0
	for p, took := range r.readsByPath {
		for _, d := range took {
			if d > goal {
				over[p]++
				total++
			}
		}
	}
	if total == 0 {
		return
	}
	paths := make([]string, 0, len(over))
	for p := range over {
		paths = append(paths, p)
	}
	sort.Slice(paths, func(i, j int) bool {
		if over[paths[i]] != over[paths[j]] {
			return over[paths[i]] > over[paths[j]]
		}
		return paths[i] < paths[j]
	})
	if len(paths) > n {
		paths = paths[:n]
	}
	parts := make([]string, len(paths))
	for i, p := range paths {
		parts[i] = fmt.Sprintf("%s %d", p, over[p])
	}
	fmt.Fprintf(w, "reads over %s: %d; most on %s\n", ms(goal), total, strings.Join(parts, ", "))
	if len(r.readsSent) == 0 {
		return
	}
	// By ten seconds of the load, in order, where any was over.
	tens := map[int]int{}
	last := 0
	for at, took := range r.readsSent {
		for _, d := range took {
			if d > goal {
				tens[at/10]++
			}
		}
		last = max(last, at/10)
	}
	var spans []string
	for t := 0; t <= last; t++ {
		spans = append(spans, fmt.Sprintf("%d–%d s: %d", t*10, t*10+10, tens[t]))
	}
	fmt.Fprintf(w, "  by when sent: %s\n", strings.Join(spans, ", "))
}
