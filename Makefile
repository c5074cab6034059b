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

.PHONY: help run build test lint fuzz bench load assets clean

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

# The race detector runs on the packages where goroutines share memory: store (the single writer's
# gate, the read model swapped under readers, the activity flusher), handlers (the page cache, the
# login limiter, pending ledger previews and their sweeper, concurrent requests), reminders (several
# schedulers on one database) and cli (serve's shutdown). The other packages are sequential code whose
# tests are mostly heavy CPU (workbooks, ledgers of 200k rows, browsers) that -race slows 5-10x on CI's
# two cores for no finding; they run without it.
RACE_PKGS   ?= ./store ./handlers ./reminders ./cli

test: assets ## run every test (race detector on RACE_PKGS; unit, store, handler, browser), then a short fuzz run
	@ls -dt /tmp/ruralkpi-e2e-* 2>/dev/null | tail -n +$(E2E_KEEP) | xargs -r rm -rf
	$(GO) test -race -count=1 -timeout 30m $(RACE_PKGS)
	@out="$${E2E_OUT:-$$(mktemp -d /tmp/ruralkpi-e2e-XXXXXX)}"; echo "make test: browser screenshots in $$out"; \
	E2E_OUT="$$out" $(GO) test -count=1 -timeout 30m $$($(GO) list ./... | grep -v -x -F $(foreach p,$(RACE_PKGS),-e ruralkpi/$(patsubst ./%,%,$(p)))); \
	rc=$$?; echo "make test: browser screenshots in $$out"; exit $$rc
	$(MAKE) --no-print-directory fuzz

# A short run of each parser's fuzz target (the corpus in testdata/fuzz is replayed by go test too).
FUZZTIME ?= 15s
fuzz: ## a short run of each parser's fuzz target (FUZZTIME=15s)
	$(GO) test ./importers -run '^$$' -fuzz '^FuzzParseReturn$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s
	$(GO) test ./importers -run '^$$' -fuzz '^FuzzLedgerParse$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s

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

clean: ## remove bin/
	rm -rf bin
