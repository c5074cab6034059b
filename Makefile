# ruralkpi — make run (demo on http://localhost:3000) and make test (every test).
GO          ?= go
BIN         ?= bin/ruralkpi
DEMO_DB     ?= data/demo.db
ADDR        ?= 127.0.0.1:3000
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
export CGO_ENABLED = 1

.PHONY: run build test lint fuzz bench load assets clean

# Third-party browser assets (ECharts, map data) are fetched pinned and checksum-verified at build
# time; assets.mk defines the `assets` target.
include assets.mk

build: assets
	$(GO) build -o $(BIN) .

run: build
	@mkdir -p $(dir $(DEMO_DB))
	./$(BIN) serve --demo --db $(DEMO_DB) --addr $(ADDR)

test: assets
	$(GO) test -count=1 ./...
	$(MAKE) --no-print-directory fuzz

# A short run of each parser's fuzz target (the corpus in testdata/fuzz is replayed by go test too).
FUZZTIME ?= 15s
fuzz:
	$(GO) test ./importers -run '^$$' -fuzz '^FuzzParseReturn$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s
	$(GO) test ./importers -run '^$$' -fuzz '^FuzzLedgerParse$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s

lint: assets
	$(GO) vet ./...
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) run $(STATICCHECK) ./...

bench: assets
	$(GO) test -run='^$$' -bench=. -benchmem ./...

# 10 clerks uploading while 50 leaders browse, for 60 s, against a fresh demo server on a temporary
# database (loopback only); prints counts, latencies and the database checks (docs/performance.md).
LOAD_ARGS ?= -uploaders 10 -readers 50 -duration 60s
load: build
	$(GO) build -o bin/loadtest ./tools/loadtest
	./bin/loadtest -serve $(BIN) $(LOAD_ARGS)

clean:
	rm -rf bin
