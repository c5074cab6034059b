package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"ruralkpi/handlers"
	"ruralkpi/models"
)

// ServeConfig is the configuration of the serve command, validated before anything starts.
type ServeConfig struct {
	Addr      string
	DBPath    string
	PlanPath  string
	Demo      bool
	BodyLimit int
	// SecureCookies marks cookies Secure, for a deployment served over HTTPS (e.g. behind a TLS proxy).
	SecureCookies bool
	// TempDir is the application's temporary folder (spooled uploads, previews); "" is the default
	// under the system temporary folder.
	TempDir string
	// MemoryLimitMiB is a soft limit for the Go heap (the garbage collector works harder near it);
	// 0 leaves Go's default.
	MemoryLimitMiB int
}

// Validate checks the configuration and says what is wrong.
func (c ServeConfig) Validate() error {
	if c.DBPath == "" {
		return errors.New("--db is required (a path to the SQLite database file)")
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("--addr %q is not host:port: %w", c.Addr, err)
	}
	if c.MemoryLimitMiB < 0 {
		return fmt.Errorf("--memory-limit %d is negative", c.MemoryLimitMiB)
	}
	if c.BodyLimit < 1<<20 {
		return fmt.Errorf("--body-limit %d is below 1 MiB", c.BodyLimit)
	}
	return nil
}

func runServe(env Env, args []string) error {
	fs := newFlags(env, "serve", "serve [--addr HOST:PORT] --db PATH [--plan FILE] [--demo]")
	cfg := ServeConfig{}
	fs.StringVar(&cfg.Addr, "addr", "127.0.0.1:3000", "address to listen on (use :3000 to serve the intranet)")
	fs.StringVar(&cfg.DBPath, "db", "", "SQLite database file (created if missing)")
	fs.StringVar(&cfg.PlanPath, "plan", "", "plan file (JSON); default: the embedded Qujing 2023–2025 plan")
	fs.BoolVar(&cfg.Demo, "demo", false, "fill an empty database with demo users and returns (refused on real data)")
	fs.IntVar(&cfg.BodyLimit, "body-limit", handlers.DefaultBodyLimit, "largest request body in bytes")
	fs.BoolVar(&cfg.SecureCookies, "secure-cookies", false, "mark cookies Secure (set when users reach the app over HTTPS, e.g. behind a TLS proxy)")
	fs.StringVar(&cfg.TempDir, "temp-dir", "", "folder for spooled uploads and ledger previews (default: ruralkpi under the system temporary folder); swept of files left by stopped processes")
	fs.IntVar(&cfg.MemoryLimitMiB, "memory-limit", 0, "soft memory limit in MiB, e.g. 256 on a small server (0: Go's default; GOMEMLIMIT wins when set)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		fs.Usage()
		return err
	}
	applyMemoryLimit(cfg.MemoryLimitMiB)
	started := time.Now()
	logger := slog.New(slog.NewTextHandler(env.Stderr, nil))
	plan, err := loadPlan(cfg.PlanPath)
	if err != nil {
		return err
	}
	store, err := openStore(cfg.DBPath, plan)
	if err != nil {
		return err
	}
	defer store.Close()
	if cfg.Demo {
		if err := store.SeedDemo(plan); err != nil {
			if errors.Is(err, models.ErrRealData) {
				return fmt.Errorf("refusing --demo: %s holds real (non-demo) data; use another --db for the demo", cfg.DBPath)
			}
			return err
		}
	}
	app, err := handlers.New(&handlers.Server{Plan: plan, Store: store, Log: logger, Config: handlers.Config{BodyLimit: cfg.BodyLimit, SecureCookies: cfg.SecureCookies, TempDir: cfg.TempDir}})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	url := "http://" + displayAddr(ln.Addr().String())
	logger.Info("serving", "url", url, "db", cfg.DBPath, "plan", plan.Code, "demo", cfg.Demo, "startup", time.Since(started).Round(time.Millisecond))
	if cfg.Demo {
		fmt.Fprintf(env.Stdout, "ruralkpi demo at %s — log in as office, leader or county-530326 with password %s\n", url, models.DemoPassword)
	} else {
		fmt.Fprintf(env.Stdout, "ruralkpi at %s\n", url)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- app.Listener(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		logger.Info("shutting down")
		return app.ShutdownWithTimeout(10 * time.Second)
	}
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
