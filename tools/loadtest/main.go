// Command loadtest puts a ruralkpi server under the load of a reporting day: N clerks uploading
// monthly returns (each its own unit's month, reopened by the office first) while M leaders browse
// every page and API, half signed in with a session and half with an API token. It prints, per
// kind of request, the count by status and the p50/p99 latency, how many answers (and server log
// lines) said "database is locked", and then checks in the database that every upload answered
// 201 is stored exactly once with exactly one audit entry, and that nothing else was stored.
//
// It only talks to loopback addresses and is bounded in time (-duration) and requests (-max).
//
//	loadtest -serve bin/ruralkpi -uploaders 10 -readers 50 -duration 60s
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
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	fs.StringVar(&c.serve, "serve", "", "start this ruralkpi binary with a fresh demo database in a temporary folder")
	fs.StringVar(&c.addr, "addr", "", "address of a running server (loopback only), when -serve is not given; several servers on one database as a,b,…")
	fs.StringVar(&c.db, "db", "", "the running server's database file or postgres:// URL, for the checks afterwards")
	fs.IntVar(&c.uploaders, "uploaders", 10, "clerks uploading returns, one unit each")
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
	ctx := context.Background()
	var srv *server
	if c.serve != "" {
		var err error
		if srv, err = startServer(ctx, c.serve, stderr); err != nil {
			return err
		}
		defer os.RemoveAll(srv.dir)
		defer srv.stop() //nolint:errcheck // stopped again below; a second stop does nothing
		c.addr, c.db = srv.addr, srv.db
	}
	for _, a := range strings.Split(c.addr, ",") {
		if err := loopbackOnly(a); err != nil {
			return err
		}
	}
	report, err := load(ctx, c, stderr)
	if err != nil {
		return err
	}
	if srv != nil {
		if err := srv.stop(); err != nil {
			fmt.Fprintln(stderr, "loadtest: stopping the server:", err)
		}
		report.logLocked = srv.lockedLines()
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

// server is the address of the n-th client's server: the -addr list, round robin.
func (c config) server(n int) string {
	addrs := strings.Split(c.addr, ",")
	return addrs[n%len(addrs)]
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
