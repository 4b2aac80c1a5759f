# citecheck's interface for people and CI: make run, make test.
GO      ?= go
DB      ?= data/citecheck.db
ADDR    ?= 127.0.0.1:8080
BIN     := bin/citecheck
LOADBIN := bin/citecheck-bench
# TAGS are the build tags of every build, test, vet and fuzz run: go-sqlite3 compiles SQLite's
# FTS5, which search needs, only with sqlite_fts5 (a binary without it refuses to start).
TAGS    ?= sqlite_fts5

.PHONY: run build test test-sqlite test-postgres lint generate check-generated check-tracked bench bench-browser bench-big bench-engines bench-search fuzz fuzz-short clean

## run: build and start the server on the embedded default SQLite file
run: build
	./$(BIN) serve --db $(DB) --addr $(ADDR)

## build: compile the server binary and the load command
build:
	$(GO) build -tags $(TAGS) -o $(BIN) ./cmd/citecheck
	$(GO) build -tags $(TAGS) -o $(LOADBIN) ./cmd/citecheck-bench

## generate: regenerate templ views
generate:
	$(GO) tool templ generate

## check-generated: fail when the committed *_templ.go files are stale
check-generated:
	@templ=$$($(GO) tool -n templ) && tmp=$$(mktemp -d) && cp -r views "$$tmp/views" && \
	(cd "$$tmp" && "$$templ" generate >/dev/null 2>&1) && \
	if ! diff -r views "$$tmp/views" >/dev/null; then \
		echo "generated templ files are stale: run 'make generate' and commit"; diff -r views "$$tmp/views" | head -20; rm -rf "$$tmp"; exit 1; \
	fi; rm -rf "$$tmp"

## check-tracked: fail on any tracked binary, or any tracked file over 1 MB, other than the
## README's images (assets/docs/*.png); git's own text detection decides what is binary
check-tracked:
	@bad=$$(git ls-files --eol | awk -F'\t' '{split($$1, f, " "); path=$$2; \
		if (path ~ /^assets\/docs\/[^\/]*\.png$$/) next; \
		if (f[1] == "i/-text") print "binary: " path}'); \
	big=$$(git ls-files -z | xargs -0 -r stat -c '%s %n' | \
		awk '$$1 > 1048576 && $$2 !~ /^assets\/docs\/[^\/]*\.png$$/ {print "over 1 MB: " $$2}'); \
	if [ -n "$$bad$$big" ]; then echo "tracked files that belong outside git:"; \
		printf '%s\n%s\n' "$$bad" "$$big" | sed '/^$$/d'; exit 1; fi

## lint: tracked binaries, stale generated files, gofmt and go vet
lint: check-tracked check-generated
	@out=$$(gofmt -l . | grep -v '_templ.go$$' || true); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet -tags $(TAGS) ./...

## test: lint, then every test on SQLite, browser tests included (they need /usr/bin/chromium),
## and the same store and handler suites on PostgreSQL (test-postgres), the two passes side by
## side (each waits mostly on Chromium or a database; one after the other took twice as long),
## each one's output shown as it ends. The test binaries are built once first, for both.
test: lint
	$(GO) test -tags $(TAGS) -count=1 -run '^$$' ./... >/dev/null
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

## test-sqlite: every test on SQLite (the first pass of make test)
test-sqlite:
	$(GO) test -tags $(TAGS) -count=1 -timeout 20m ./...

## test-postgres: the store and handler suites, and the commands' PostgreSQL tests (two servers
## on one database, migrate-db), on PostgreSQL: on the server that CITECHECK_TEST_POSTGRES names,
## else on a throwaway one that store/pgtest/with-postgres starts (initdb, pg_ctl) and removes;
## it needs Debian's postgresql package
## Every test of the two suites runs there, the browser tests included; PGSKIP (a go test -skip
## pattern, e.g. ^TestBrowser) leaves some out in a run by hand.
PGCMDTESTS ?= TestTwoServers|MigrateDB
PGSKIP     ?=
test-postgres:
	store/pgtest/with-postgres env CITECHECK_TEST_ENGINE=postgres sh -c '\
		$(GO) test -tags $(TAGS) -count=1 -timeout 20m -skip "$(PGSKIP)" ./store/ ./handlers/ && \
		$(GO) test -tags $(TAGS) -count=1 -timeout 20m -run "$(PGCMDTESTS)" ./cmd/citecheck/'

## bench: every benchmark; the hot paths beside their baselines with 'make bench BENCH=Hot'
## (BenchmarkHot* in handlers/bench_hot_test.go). BENCH selects, BENCHTIME sets the time.
BENCH     ?= .
BENCHTIME ?= 1s
bench:
	$(GO) test -tags $(TAGS) -run '^$$' -bench '$(BENCH)' -benchtime $(BENCHTIME) -benchmem ./...

## bench-browser: what a user in headless Chromium sees on a 1 MB text with 5,000 claims (load,
## scroll frames, selection to popup, save to highlight with its bytes), each figure beside the
## plain-text and no-claims pages of the same run (BenchmarkBrowserPage; needs /usr/bin/chromium)
bench-browser:
	$(GO) test -tags $(TAGS) -run '^$$' -bench '^BenchmarkBrowserPage$$' -benchtime 1x -timeout 30m ./handlers/

## bench-search: search on a desk of 10,000 documents and 500,000 claims built in a temp SQLite
## file (minutes to build): p50 and p95 per kind of query beside a lookup by id and FTS5 alone
bench-search:
	$(GO) test -tags $(TAGS) -run '^$$' -bench '^BenchmarkSearch$$' -benchtime 100x -timeout 60m ./store/

## bench-big: a 5 MB text with 25,000 claims under 20 clients (citecheck-bench against
## 'citecheck serve' as its own process, whose peak RSS it reports); SIZE, CLAIMS, CLIENTS,
## DURATION override (cmd/citecheck-bench/big.sh)
bench-big: build
	cmd/citecheck-bench/big.sh

## bench-engines: the load command against one app server on SQLite, one on PostgreSQL and two
## on one PostgreSQL database, in one run (cmd/citecheck-bench/engines.sh; CLIENTS, DURATION,
## SIZE, CLAIMS override; needs Debian's postgresql package)
bench-engines: build
	cmd/citecheck-bench/engines.sh

## fuzz: every fuzz target for FUZZTIME each (go test -fuzz takes one target and one package
## per run); a long run is e.g. 'make fuzz FUZZTIME=1h'. New findings land in the package's
## testdata/fuzz/<Name>/ and then fail 'make test' until fixed.
FUZZTIME ?= 10s
## fuzz-short: every fuzz target for a number of runs (about 3 s of each on this machine), for
## CI. A count, not a duration: with -fuzztime as a duration, Go 1.26's fuzz coordinator can
## report its own deadline as a failure, "context deadline exceeded" with no input, when the
## machine is loaded (go.dev/issue/75804, fixed in Go 1.27); a count sets no deadline.
fuzz-short:
	$(MAKE) fuzz FUZZTIME=
# $(call fuzz-one,Target,package,runs for fuzz-short)
fuzz-one = $(GO) test -tags $(TAGS) -run '^$$' -fuzz '^$(1)$$' -fuzztime $(or $(FUZZTIME),$(3)) $(2)
fuzz:
	$(call fuzz-one,FuzzParseCitations,.,30000x)
	$(call fuzz-one,FuzzValidateSpan,.,8000x)
	$(call fuzz-one,FuzzOffsets,.,2000x)
	$(call fuzz-one,FuzzSplitSentences,.,12000x)
	$(call fuzz-one,FuzzReanchor,./anchor,5000x)
	$(call fuzz-one,FuzzDecodeImport,./formats,3000x)
	$(call fuzz-one,FuzzParseW3C,./formats,3000x)
	$(call fuzz-one,FuzzNormalizeText,.,30000x)
	$(call fuzz-one,FuzzPassages,.,5000x)
	$(call fuzz-one,FuzzAPIBodies,./handlers,300x)
	$(call fuzz-one,FuzzMultipartUpload,./handlers,300x)

clean:
	rm -rf bin
