// Command loadtest puts a ruralkpi server under the load of a reporting day: N clerks uploading
// monthly returns (each its own unit's month, reopened by the office first) while M leaders browse
// every page and API, half signed in with a session and half with an API token. It prints, per
// kind of request, the count by status and the p50/p99 latency, how many answers (and server log
// lines) said "database is locked", and then checks in the database that every upload answered
// 201 is stored exactly once with exactly one audit entry, and that nothing else was stored.
//
// It only talks to loopback addresses and is bounded in time (-duration) and requests (-max).
//
// With -kill-after it kills one of the servers it started with -9 in the middle of the load and
// (-restart-after) starts it again: a request in flight on it when it died, or sent to it while it
// was down, is sent again to another server, as a load balancer would; only a request that then
// fails too counts against the goals, and the database check then also wants every upload the
// killed server committed before it died stored once, with its audit entry.
//
//	loadtest -serve bin/ruralkpi -uploaders 10 -readers 50 -duration 60s
//	loadtest -serve bin/ruralkpi -pg postgres://postgres@127.0.0.1:5432/test -servers 2 -uploaders 20 -readers 200 -kill-after 30s
//	loadtest -addr 127.0.0.1:3000 -db data/demo.db
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

// config is the command line.
type config struct {
	serve     string // binary to start a fresh demo server with ("" to use -addr)
	addr      string
	db        string
	uploaders int
	readers   int
	duration  time.Duration
	max       int
	period    string
	password  string
	readThink time.Duration
	upThink   time.Duration
	servers   int           // with -serve: how many servers to start on one database
	pg        string        // with -serve: a PostgreSQL server to make a fresh schema on
	keep      bool          // keep the database (temporary folder or schema) after the run
	killAfter time.Duration // kill the first server with -9 this long into the load (0: never)
	// restartAfter starts the killed server again this long after the kill (negative: never).
	restartAfter time.Duration
	readP99      time.Duration // the reads' p99 goal
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	fs.StringVar(&c.serve, "serve", "", "start this ruralkpi binary with a fresh demo database in a temporary folder (or, with -pg, a fresh schema)")
	fs.IntVar(&c.servers, "servers", 1, "with -serve: start this many servers on the one database (more than one needs -pg)")
	fs.StringVar(&c.pg, "pg", "", "with -serve: a PostgreSQL URL (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to make a fresh schema on for the servers, dropped afterwards")
	fs.BoolVar(&c.keep, "keep", false, "with -serve: keep the database afterwards")
	fs.DurationVar(&c.killAfter, "kill-after", 0, "with -serve: kill the first server with -9 this long into the load (0: never); requests cut by the kill or sent while it is down go to another server, and count as failures only if that fails too")
	fs.DurationVar(&c.restartAfter, "restart-after", 5*time.Second, "with -kill-after: start the killed server again on its address this long after the kill (negative: leave it down)")
	fs.DurationVar(&c.readP99, "read-p99", 200*time.Millisecond, "the reads' p99 goal")
	fs.StringVar(&c.addr, "addr", "", "address of a running server (loopback only), when -serve is not given; several servers on one database as a,b,…")
	fs.StringVar(&c.db, "db", "", "the running server's database file or postgres:// URL, for the checks afterwards")
	fs.IntVar(&c.uploaders, "uploaders", 10, "clerks uploading returns, each its own unit and month: one per unit for -period, then one per unit for the month before, and so on (each reopened by the office)")
	fs.IntVar(&c.readers, "readers", 50, "leaders reading pages (half by session, half by API token)")
	fs.DurationVar(&c.duration, "duration", 60*time.Second, "how long the load lasts (at most 10m)")
	fs.IntVar(&c.max, "max", 200_000, "at most this many requests in all")
	// The demo stands on 2025-10-04 (serve --demo): September is the month being collected.
	fs.StringVar(&c.period, "period", "2025-09", "the month the clerks upload (reopened for each unit)")
	fs.StringVar(&c.password, "password", "demo2025", "the demo users' password")
	fs.DurationVar(&c.readThink, "read-think", time.Second, "mean pause of a reader between pages")
	fs.DurationVar(&c.upThink, "upload-think", 2*time.Second, "mean pause of a clerk between uploads")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.duration <= 0 || c.duration > 10*time.Minute || c.max <= 0 || c.uploaders < 0 || c.readers < 0 || c.uploaders+c.readers == 0 {
		return errors.New("need 0 < -duration <= 10m, -max > 0 and some uploaders or readers")
	}
	if c.serve == "" && (c.pg != "" || c.servers != 1 || c.killAfter != 0 || c.keep) {
		return errors.New("-pg, -servers, -keep and -kill-after need -serve (the tool starts the servers it may kill)")
	}
	if c.servers < 1 || (c.servers > 1 && c.pg == "") {
		return errors.New("-servers: at least 1; more than one share a database, which needs -pg")
	}
	if c.killAfter < 0 || c.killAfter >= c.duration || (c.killAfter > 0 && c.servers < 2) {
		return errors.New("-kill-after: within -duration, and with at least two servers (the other takes the load)")
	}
	ctx := context.Background()
	var servers []*server
	if c.serve != "" {
		db := ""
		if c.pg != "" {
			u, drop, err := freshSchema(c.pg)
			if err != nil {
				return err
			}
			if !c.keep {
				defer func() {
					if err := drop(); err != nil {
						fmt.Fprintln(stderr, "loadtest: dropping the schema:", err)
					}
				}()
			} else {
				fmt.Fprintln(stderr, "loadtest: keeping the database", redact(u))
			}
			db = u
		}
		var addrs []string
		for range c.servers {
			srv, err := startServer(ctx, c.serve, db, stderr)
			if err != nil {
				return err
			}
			servers = append(servers, srv)
			if !c.keep {
				defer os.RemoveAll(srv.dir)
			}
			defer srv.stop() //nolint:errcheck // stopped again below; a second stop does nothing
			db = srv.db
			addrs = append(addrs, srv.addr)
		}
		c.addr, c.db = strings.Join(addrs, ","), db
	}
	for _, a := range strings.Split(c.addr, ",") {
		if err := loopbackOnly(a); err != nil {
			return err
		}
	}
	var victim *server
	if c.killAfter > 0 {
		victim = servers[0]
	}
	report, err := load(ctx, c, victim, stderr)
	if err != nil {
		return err
	}
	for _, srv := range servers {
		if err := srv.stop(); err != nil {
			fmt.Fprintln(stderr, "loadtest: stopping the server:", err)
		}
		report.logLocked += srv.lockedLines()
	}
	if c.db != "" {
		if report.check, err = verify(c.db, report); err != nil {
			return err
		}
	}
	report.print(stdout, c)
	if !report.ok() {
		return errors.New("goals not met (see above)")
	}
	return nil
}

// bases are the servers of the n-th client as base URLs: its own first (the -addr list, round
// robin), then the others, which it turns to when the tool killed its own.
func (c config) bases(n int) []string {
	addrs := strings.Split(c.addr, ",")
	out := make([]string, len(addrs))
	for i := range addrs {
		out[i] = "http://" + addrs[(n+i)%len(addrs)]
	}
	return out
}

// loopbackOnly refuses any address but a loopback one: the tool must never load a real server
// by accident.
func loopbackOnly(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("address %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("address %q is not a loopback address; loadtest only loads a local server", addr)
	}
	return nil
}
