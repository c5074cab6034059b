# ruralkpi — make run (demo on http://localhost:3000) and make test (every test); `make` lists the targets.
.DEFAULT_GOAL := help
GO          ?= go
BIN         ?= bin/ruralkpi
DEMO_DB     ?= data/demo.db
ADDR        ?= 127.0.0.1:3000
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
export CGO_ENABLED = 1

# Every binary make builds knows what it is: `ruralkpi version` prints these (main.version, main.revision).
VERSION     ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo unknown)
REVISION    ?= $(shell git rev-parse HEAD 2>/dev/null)
LDFLAGS     := -X main.version=$(VERSION) -X main.revision=$(REVISION)

# Browser tests keep their screenshots for a person to look at, in a new /tmp/ruralkpi-e2e-* folder
# per run; make test names it and keeps only the newest E2E_KEEP of them.
E2E_KEEP    ?= 3

.PHONY: help run build test lint fuzz bench load load-pg assets clean

# Third-party browser assets (ECharts, map data) are fetched pinned and checksum-verified at build
# time; assets.mk defines the `assets` target.
include assets.mk

help: ## list the targets (the default)
	@echo "ruralkpi — make <target>:"
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-z-]*:.*## / {printf "  %-13s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

build: assets ## build bin/ruralkpi (assets embedded, version stamped)
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) .

run: build ## build and start the demo on http://localhost:3000 (data/demo.db)
	@mkdir -p $(dir $(DEMO_DB))
	./$(BIN) serve --demo --db $(DEMO_DB) --addr $(ADDR)

# The store tests run on SQLite and, when RURALKPI_TEST_PG names a PostgreSQL server (a libpq URL;
# each test creates and drops its own schema there), on PostgreSQL too. Without it that half is
# skipped, and make test says so loudly before and after the run (.ci/run sets it: CI never skips).
PG_SKIPPED = if [ -z "$${RURALKPI_TEST_PG:-}" ]; then \
	echo "make test: ****************************************************************************"; \
	echo "make test: RURALKPI_TEST_PG is not set: the POSTGRESQL HALF of the store tests is SKIPPED."; \
	echo "make test: run e.g. RURALKPI_TEST_PG='postgres://postgres@127.0.0.1:5432/test?sslmode=disable' make test"; \
	echo "make test: ****************************************************************************"; fi

# The race detector runs on the tests where goroutines share memory, in the packages where they do:
# store (the single writer's gate, the read model swapped under readers, the activity flusher, the
# change log watched across servers), handlers (the page cache, the login limiter, concurrent
# requests), reminders (several schedulers on one database) and cli (the memory limit following the
# page cache). Every test of every package then runs again without it: -race slows the heavy tests
# (workbooks, 200k-row ledgers, browsers, the PostgreSQL half of every store test) 5-10x on CI's two
# cores, past its 30 minutes, for no finding.
RACE_PKGS   ?= ./store ./handlers ./reminders ./cli
RACE_RUN    ?= Concurrent|Parallel|Watch|Flusher|Block|Busy|Cached|WriteQueue|ReadsNever|Limiter|Restart|Touch|FollowMemoryLimit

test: assets ## run every test (unit, store on SQLite and PostgreSQL, handler, browser; race detector on the concurrent ones), then a short fuzz run
	@ls -dt /tmp/ruralkpi-e2e-* 2>/dev/null | tail -n +$(E2E_KEEP) | xargs -r rm -rf
	@$(PG_SKIPPED)
	$(GO) test -race -count=1 -timeout 30m -run '$(RACE_RUN)' $(RACE_PKGS)
	@out="$${E2E_OUT:-$$(mktemp -d /tmp/ruralkpi-e2e-XXXXXX)}"; echo "make test: browser screenshots in $$out"; \
	E2E_OUT="$$out" $(GO) test -count=1 -timeout 30m ./...; rc=$$?; echo "make test: browser screenshots in $$out"; $(PG_SKIPPED); exit $$rc
	$(MAKE) --no-print-directory fuzz

# A short run of each parser's fuzz target (the corpus in testdata/fuzz is replayed by go test too).
# Counted in executions, not seconds: Go 1.26's fuzz coordinator can fail a run bounded by a duration
# at its deadline with "context deadline exceeded" and no crashing input (go.dev/issue/75804, fixed in
# Go 1.27; it failed make test once here), and a count has no deadline to race. A few seconds each on
# a 2-core machine, from an empty fuzz cache too: more executions than the 15 s runs had made.
FUZZ_RETURNS ?= 10000x
FUZZ_LEDGER  ?= 4000x
fuzz: ## a short run of each parser's fuzz target (FUZZ_RETURNS, FUZZ_LEDGER executions)
	$(GO) test ./importers/returns -run '^$$' -fuzz '^FuzzParseReturn$$' -fuzztime $(FUZZ_RETURNS) -fuzzminimizetime 2s
	$(GO) test ./importers/ledger -run '^$$' -fuzz '^FuzzLedgerParse$$' -fuzztime $(FUZZ_LEDGER) -fuzzminimizetime 2s

lint: assets ## go mod tidy check, go vet, gofmt and staticcheck (downloads staticcheck through the Go module proxy)
	@$(GO) mod tidy -diff || { echo "go.mod/go.sum are not tidy: run go mod tidy"; exit 1; }
	$(GO) vet ./...
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) run $(STATICCHECK) ./...

bench: assets ## every Go benchmark
	$(GO) test -run='^$$' -bench=. -benchmem ./...

# 10 clerks uploading while 50 leaders browse, for 60 s, against a fresh demo server on a temporary
# database (loopback only); prints counts, latencies and the database checks (docs/performance.md).
LOAD_ARGS ?= -uploaders 10 -readers 50 -duration 60s
load: build ## the load tool: 10 clerks uploading while 50 leaders browse, 60 s, on a fresh demo
	$(GO) build -o bin/loadtest ./tools/loadtest
	./bin/loadtest -serve $(BIN) $(LOAD_ARGS)

# Two servers on one PostgreSQL (a fresh schema on LOAD_PG, dropped afterwards), 20 clerks (the demo's
# ten units, each for September and August) and 200 leaders for 60 s; then the same with the first
# server killed with -9 after 20 s and started again 5 s later (a busy box takes up to 25 s to start it) (docs/operations.md, "Capacity measured").
LOAD_PG      ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable
LOAD_PG_ARGS ?= -servers 2 -uploaders 20 -readers 200 -duration 60s -read-p99 300ms
load-pg: build ## the load tool on two servers and one PostgreSQL (LOAD_PG), then with one server killed and restarted
	$(GO) build -o bin/loadtest ./tools/loadtest
	@rc=0; \
	echo "load-pg: two servers, no fault"; ./bin/loadtest -serve $(BIN) -pg '$(LOAD_PG)' $(LOAD_PG_ARGS) || rc=1; \
	echo "load-pg: two servers, the first killed with -9 at 20 s and restarted 5 s later"; \
	./bin/loadtest -serve $(BIN) -pg '$(LOAD_PG)' $(LOAD_PG_ARGS) -kill-after 20s -restart-after 5s || rc=1; \
	exit $$rc

clean: ## remove bin/
	rm -rf bin
