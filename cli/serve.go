package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"ruralkpi/dashboards"
	"ruralkpi/handlers"
	"ruralkpi/models"
	"ruralkpi/reminders"
	"ruralkpi/static"
)

// ServeConfig is the configuration of the serve command, validated before anything starts.
type ServeConfig struct {
	Addr     string
	DBPath   string
	PlanPath string
	Demo     bool
	// Today sets the server's clock to a day (YYYY-MM-DD), its time of day running on; empty is the
	// real clock, except that the demo runs on models.DemoToday.
	Today     string
	BodyLimit int
	// SecureCookies marks cookies Secure, for a deployment served over HTTPS (e.g. behind a TLS proxy).
	SecureCookies bool
	// TempDir is the application's temporary folder (spooled uploads, previews); "" is the default
	// under the system temporary folder.
	TempDir string
	// MemoryLimitMiB is a soft limit for the Go heap (the garbage collector works harder near it);
	// 0 derives one from the memory in use once the read model is built (DefaultMemoryLimit).
	MemoryLimitMiB int
	// SecretKeyFile holds the key that encrypts stored secrets (SMTP password, 钉钉 secrets);
	// RURALKPI_SECRET_KEY is used when it is empty.
	SecretKeyFile string
	// PprofAddr, when set, is a loopback HOST:PORT serving Go's profiles (/debug/pprof/) from the
	// start, the read model's build included.
	PprofAddr string
	// TrustedProxies are the reverse proxies' addresses or CIDR ranges (comma-separated on the
	// command line): a request from one of them is counted (login throttle, audit trail) as from
	// the address its X-Forwarded-For names.
	TrustedProxies []string
}

// Validate checks the configuration and says what is wrong.
func (c ServeConfig) Validate() error {
	if c.DBPath == "" {
		return errors.New("--db is required (a SQLite database file PATH or a postgres:// URL)")
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("--addr %q is not host:port: %w", c.Addr, err)
	}
	for _, p := range c.TrustedProxies {
		if net.ParseIP(p) == nil {
			if _, _, err := net.ParseCIDR(p); err != nil {
				return fmt.Errorf("--trusted-proxy %q is neither an IP address nor a CIDR range", p)
			}
		}
	}
	if c.MemoryLimitMiB < 0 {
		return fmt.Errorf("--memory-limit %d is negative", c.MemoryLimitMiB)
	}
	if c.Today != "" {
		if _, err := models.ParseToday(c.Today); err != nil {
			return fmt.Errorf("--today %q is not a date written YYYY-MM-DD", c.Today)
		}
	}
	if c.PprofAddr != "" {
		host, _, err := net.SplitHostPort(c.PprofAddr)
		if ip := net.ParseIP(host); err != nil || (host != "localhost" && (ip == nil || !ip.IsLoopback())) {
			return fmt.Errorf("--pprof %q is not a loopback host:port (e.g. 127.0.0.1:6060)", c.PprofAddr)
		}
	}
	if c.BodyLimit < 1<<20 {
		return fmt.Errorf("--body-limit %d is below 1 MiB", c.BodyLimit)
	}
	return nil
}

// Clock is the server's one clock: the day --today names (the demo's day with --demo), its time of
// day running on, or the real clock. today is that set day, zero on the real clock.
func (c ServeConfig) Clock(wall func() time.Time) (now func() time.Time, today time.Time) {
	day := c.Today
	if day == "" && c.Demo {
		day = models.DemoToday
	}
	if day == "" {
		return wall, time.Time{}
	}
	today, err := models.ParseToday(day)
	if err != nil { // Validate refused it already
		return wall, time.Time{}
	}
	return models.ClockAt(today, wall), today
}

func runServe(env Env, args []string) error {
	fs := newFlags(env, "serve", "Starts the web server. The database is created if it does not exist.", "", "db")
	cfg := ServeConfig{}
	fs.StringVar(&cfg.Addr, "addr", "127.0.0.1:3000", "`HOST:PORT` to listen on (use :3000 to serve the intranet)")
	fs.StringVar(&cfg.DBPath, "db", "", "database: SQLite file `PATH` (created if missing) or postgres:// URL")
	fs.StringVar(&cfg.PlanPath, "plan", "", "plan `FILE` (JSON); default: the embedded Qujing 2023–2025 plan")
	fs.BoolVar(&cfg.Demo, "demo", false, "fill an empty database with demo users and returns (refused on real data)")
	fs.StringVar(&cfg.Today, "today", "", "run as if today were `YYYY-MM-DD` (training, tests); default: the real date, or "+models.DemoToday+" with --demo")
	fs.IntVar(&cfg.BodyLimit, "body-limit", handlers.DefaultBodyLimit, "largest request body in `BYTES`")
	fs.BoolVar(&cfg.SecureCookies, "secure-cookies", false, "mark cookies Secure (set when users reach the app over HTTPS, e.g. behind a TLS proxy)")
	fs.StringVar(&cfg.TempDir, "temp-dir", "", "`DIR` for spooled uploads and ledger previews (default: ruralkpi under the system temporary folder); swept of files left by stopped processes")
	fs.IntVar(&cfg.MemoryLimitMiB, "memory-limit", 0, "soft memory limit in `MiB` (0: the memory in use once the data are loaded plus a 40 MiB import budget, at least twice that memory; GOMEMLIMIT wins when set, GOMEMLIMIT=off for none)")
	fs.StringVar(&cfg.SecretKeyFile, "secret-key-file", "", "`FILE` holding the key that encrypts stored reminder secrets (default: $"+reminders.SecretKeyEnv+")")
	var proxies string
	fs.StringVar(&proxies, "trusted-proxy", "", "`ADDRS`: the reverse proxies in front of the server (IP addresses or CIDR ranges, comma-separated); a request from one is counted as from the address its X-Forwarded-For names (login throttle, audit trail). Without it the header is ignored")
	fs.StringVar(&cfg.PprofAddr, "pprof", "", "loopback `HOST:PORT` serving Go's profiles at /debug/pprof/ (off by default)")
	if err := fs.parse(args); err != nil {
		return err
	}
	if len(fs.positional()) > 0 {
		return fs.misuse("unexpected argument %q", fs.positional()[0])
	}
	for _, p := range strings.Split(proxies, ",") {
		if p = strings.TrimSpace(p); p != "" {
			cfg.TrustedProxies = append(cfg.TrustedProxies, p)
		}
	}
	if err := cfg.Validate(); err != nil {
		return fs.misuse("%v", err)
	}
	if err := checkAssets(static.Files()); err != nil {
		return err
	}
	applyMemoryLimit(cfg.MemoryLimitMiB) // before the read model's build; the default needs it built
	started := time.Now()
	logger := slog.New(slog.NewTextHandler(env.Stderr, nil))
	if cfg.PprofAddr != "" {
		if err := servePprof(cfg.PprofAddr, logger); err != nil {
			return err
		}
	}
	plan, store, err := openPlanStore(cfg.DBPath, cfg.PlanPath, createDB)
	if err != nil {
		return err
	}
	defer store.Close()
	now, today := cfg.Clock(time.Now)
	if cfg.Demo {
		if err := store.SeedDemoAsOf(plan, today); err != nil {
			if errors.Is(err, models.ErrRealData) {
				return fmt.Errorf("refusing --demo: %s holds real (non-demo) data; use another --db for the demo", shownDB(cfg.DBPath))
			}
			return err
		}
	}
	// Pages compute from the read model, built once here and kept current by writes; writes by
	// other processes (a CLI import) reach it through the change log.
	built := time.Now()
	if err := store.StartReadModel(plan); err != nil {
		return err
	}
	// The build's garbage (rows read once) goes back to the system: memory shows what is kept.
	debug.FreeOSMemory()
	logger.Info("read model built", "took", time.Since(built).Round(time.Millisecond))
	// Without a limit given, the memory now in use (the read model's included) and the import budget
	// set one, which follows the page cache as it fills.
	var atRest int64
	if defaultMemoryLimitApplies(cfg.MemoryLimitMiB) {
		atRest = goMemoryInUse()
		debug.SetMemoryLimit(DefaultMemoryLimit(atRest))
		logger.Info("soft memory limit", "MiB", DefaultMemoryLimit(atRest)>>20, "in use", atRest>>20, "import budget", ServeImportBudget>>20)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go store.Watch(ctx, 2*time.Second)
	secrets, err := reminders.LoadSecrets(cfg.SecretKeyFile, nil)
	if err != nil {
		return err
	}
	sched := &reminders.Scheduler{Store: store, Plan: plan, Secrets: secrets, Log: logger} // its clock is the server's (handlers.New)
	srv := &handlers.Server{Plan: plan, Store: store, Log: logger, Reminders: sched,
		Config: handlers.Config{BodyLimit: cfg.BodyLimit, SecureCookies: cfg.SecureCookies, TempDir: cfg.TempDir,
			Now: now, Demo: cfg.Demo, TrustedProxies: cfg.TrustedProxies, StalePages: handlers.DefaultStalePages}}
	app, err := handlers.New(srv)
	if err != nil {
		return err
	}
	if atRest > 0 {
		go followMemoryLimit(ctx, atRest, servingHeld(srv.HeldBytes, srv.Connections), 2*time.Second)
	}
	warmBeforeListening(ctx, srv, logger)
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	url := "http://" + displayAddr(ln.Addr().String())
	logger.Info("serving", "url", url, "db", shownDB(cfg.DBPath), "plan", plan.Code, "demo", cfg.Demo, "startup", time.Since(started).Round(time.Millisecond))
	if cfg.Demo {
		fmt.Fprintf(env.Stdout, "ruralkpi demo at %s, dated %s — log in as office, leader or county-530326 with password %s\n", url, now().In(models.ReportingZone()).Format("2006-01-02"), models.DemoPassword)
	} else {
		fmt.Fprintf(env.Stdout, "ruralkpi at %s\n", url)
	}
	// The reminder schedule stops with the server and is waited for, so that the database is not
	// closed under a run.
	schedCtx, stopSched := context.WithCancel(ctx)
	schedDone := make(chan struct{})
	go func() { defer close(schedDone); sched.Run(schedCtx, time.Minute) }()
	defer func() { stopSched(); <-schedDone }()
	errc := make(chan error, 1)
	go func() { errc <- app.Listener(ln) }()
	go srv.KeepPagesWarm(ctx, time.Minute, func(n int, took time.Duration) {
		logger.Info("pages warmed", "pages", n, "took", took.Round(time.Millisecond))
	})
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		logger.Info("shutting down")
		return app.ShutdownWithTimeout(10 * time.Second)
	}
}

// warmBeforeListening computes the pages most read before the server takes requests (for at most
// warmBefore; the rest right after, KeepPagesWarm), so that a server started or restarted in the
// reporting days does not meet its first readers with every page to compute at once.
func warmBeforeListening(ctx context.Context, srv *handlers.Server, logger *slog.Logger) {
	warmCtx, warmed := context.WithTimeout(ctx, warmBefore)
	defer warmed()
	began := time.Now()
	n := srv.WarmPages(warmCtx)
	logger.Info("pages warmed before listening", "pages", n, "took", time.Since(began).Round(time.Millisecond))
}

// warmBefore bounds how long a starting server computes pages before it listens (a city's take about
// a second; the country's go on after it listens).
const warmBefore = 5 * time.Second

// servePprof serves Go's profiles on their own loopback listener, apart from the application's
// routes and sessions, for as long as the process runs.
func servePprof(addr string, logger *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s for --pprof: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	logger.Info("profiles", "url", "http://"+ln.Addr().String()+"/debug/pprof/")
	go func() { _ = http.Serve(ln, mux) }()
	return nil
}

// requiredAssets are the fetched browser files (`make assets`) without which pages break: charts
// stay blank without ECharts, the overview has no map without the outlines.
func requiredAssets() []string {
	return []string{"vendor/echarts.min.js", "maps/" + dashboards.MapName + ".json"}
}

// checkAssets refuses a binary built without `make assets` (a plain `go build` on a fresh clone):
// it would serve pages with blank charts and no map, which nobody notices until a leader does.
func checkAssets(fsys fs.FS) error {
	var missing []string
	for _, name := range requiredAssets() {
		if _, err := fs.Stat(fsys, name); err != nil {
			missing = append(missing, "static/"+name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("this binary was built without its browser assets (%s missing): run `make assets`, "+
			"then build again (make build does both)", strings.Join(missing, ", "))
	}
	return nil
}

// displayAddr makes a listen address clickable: an unspecified host becomes localhost.
func displayAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if host == "" || host == "::" || host == "0.0.0.0" {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}
