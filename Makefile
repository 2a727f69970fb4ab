# futugw: a browser trading gateway for Futu OpenD.
# `make run` starts the whole stack locally; `make test` runs every test.

SHELL := /bin/bash
GO ?= go
BIN := $(CURDIR)/bin
TOOLS := $(BIN)/tools
export PATH := $(TOOLS):$(PATH)

# Code generators, pinned so a fresh machine regenerates byte-identical output.
BUF_VERSION := v1.75.0
PROTOC_GEN_GO_VERSION := v1.36.12
PROTOC_GEN_GO_GRPC_VERSION := v1.6.0
GRPC_GATEWAY_VERSION := v2.33.0

MODULES = $(shell $(GO) list -f '{{.Dir}}' -m)
SERVICES := auth quote order edge
CONFORMANCE := tools/conformance

.PHONY: all build run test test-go test-web fuzz bench lint proto proto-check tools clean

all: build

## build: compile every binary into bin/
build:
	@mkdir -p $(BIN)
	$(GO) build -o $(BIN)/opend-sim ./opend/cmd/opend-sim
	@for s in $(SERVICES); do echo "go build $$s"; $(GO) build -o $(BIN)/$$s ./services/$$s/cmd/$$s || exit 1; done
	$(GO) build -o $(BIN)/futucli ./services/auth/cmd/futucli

## run: build everything, start the local stack as separate processes (Ctrl-C stops all)
run:
	@echo "compiling the launcher (the first build on a fresh machine takes a few minutes)..."
	@$(GO) build -o $(BIN)/devstack ./tools/devstack
	@$(BIN)/devstack -bin $(BIN) -state .run

## test: every workspace module's tests with -race, the OpenD conformance check, then the
## web panel's unit tests, build and browser end-to-end test (skipped where Chromium,
## Caddy or redis-server are missing, unless FUTUGW_REQUIRE_E2E=1)
test: test-go test-web

test-go: $(CONFORMANCE)/node_modules
	$(GO) test -race -count=1 $(addsuffix /...,$(MODULES))

test-web:
	./web/scripts/check.sh

$(CONFORMANCE)/node_modules: $(CONFORMANCE)/package-lock.json
	cd $(CONFORMANCE) && npm ci --no-audit --no-fund
	@touch $@

## fuzz: run every fuzz target for FUZZTIME each (seed corpora already run in `make test`);
## a target fails when the fuzzer writes a failing input (tools/fuzz.sh)
FUZZTIME ?= 30s
fuzz:
	GO=$(GO) FUZZTIME=$(FUZZTIME) bash tools/fuzz.sh $(MODULES)

## bench: the Go benchmarks behind docs/benchmarks.md (compare runs with benchstat)
BENCH_PKGS ?= ./opend/frame/ ./opend/envelope/ ./opend/client/ ./opend/sim/... ./platform/authn/ \
	./services/auth/internal/store/ ./services/edge/internal/app/
bench:
	$(GO) test -run='^$$' -bench=. -benchmem -count=6 $(BENCH_PKGS) | tee bench.out

## lint: go vet and gofmt on every module, buf lint on the protos
lint: tools
	$(GO) vet $(addsuffix /...,$(MODULES))
	@out=$$(gofmt -l $(MODULES)); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	buf lint

## tools: install the pinned code generators into bin/tools
tools: $(TOOLS)/.stamp-$(BUF_VERSION)-$(PROTOC_GEN_GO_VERSION)-$(PROTOC_GEN_GO_GRPC_VERSION)-$(GRPC_GATEWAY_VERSION)

$(TOOLS)/.stamp-%:
	@mkdir -p $(TOOLS)
	GOBIN=$(TOOLS) GOWORK=off $(GO) install github.com/bufbuild/buf/cmd/buf@$(BUF_VERSION)
	GOBIN=$(TOOLS) GOWORK=off $(GO) install google.golang.org/protobuf/cmd/protoc-gen-go@$(PROTOC_GEN_GO_VERSION)
	GOBIN=$(TOOLS) GOWORK=off $(GO) install google.golang.org/grpc/cmd/protoc-gen-go-grpc@$(PROTOC_GEN_GO_GRPC_VERSION)
	GOBIN=$(TOOLS) GOWORK=off $(GO) install github.com/grpc-ecosystem/grpc-gateway/v2/protoc-gen-grpc-gateway@$(GRPC_GATEWAY_VERSION) github.com/grpc-ecosystem/grpc-gateway/v2/protoc-gen-openapiv2@$(GRPC_GATEWAY_VERSION)
	@touch $@

## proto: regenerate api/gen from api/proto with the pinned local plugins
proto: tools
	find api/gen/go -name '*.pb.go' -o -name '*.pb.gw.go' | xargs -r rm -f
	rm -f api/gen/go/openapi/*.swagger.json
	buf generate

## protoids: regenerate the OpenD proto id table (opend/protoid, tools/conformance/lib/protoids.mjs)
## from the pinned futu-api; `make test` fails when it is stale (opend/conformance)
.PHONY: protoids
protoids: $(CONFORMANCE)/node_modules
	cd $(CONFORMANCE) && node gen-protoids.mjs

## opend-protos: regenerate api/proto/futu/opend/*.proto (and the conformance tests'
## blank imports) from the pinned futu-api, then their Go code (`make proto`);
## `make test` fails when they are stale (opend/conformance)
.PHONY: opend-protos
opend-protos: $(CONFORMANCE)/node_modules
	cd $(CONFORMANCE) && node gen-opend-protos.mjs
	$(MAKE) proto

## catalog: regenerate what the route catalog (api/catalog.json, one row per route,
## generic or hand-written) decides: the mirrored messages and services of the generic
## rows (api/proto/futu/gateway/catalog/v1/catalog.proto), every REST rule of
## api/gateway.yaml, platform/catalog/routes_gen.go (the auth rules of every method) and
## the README's route table, then their Go code and OpenAPI (`make proto`); `make test`
## fails when they are stale (opend/conformance)
.PHONY: catalog
catalog: $(CONFORMANCE)/node_modules
	cd $(CONFORMANCE) && node gen-catalog.mjs
	$(MAKE) proto

## proto-check: fail when the committed generated code is stale
proto-check: proto
	@if [ -n "$$(git status --porcelain -- api/gen)" ]; then \
	  echo "generated code is stale; run 'make proto' and commit:"; git status --porcelain -- api/gen; exit 1; fi
	@echo "generated code is up to date"

clean:
	rm -rf $(BIN)

## drills: failure drills against the real binaries as separate processes (Redis and
## OpenD down, SIGKILL/SIGTERM, two edges behind Caddy), and the WebSocket and REST load
## tests through the stack at a small size (their invariants only); needs redis-server
## and caddy
.PHONY: drills
WSLOAD_SMALL := FUTUGW_WSLOAD=1 WSLOAD_SOCKETS=400 WSLOAD_SOCKETS_PER_SESSION=20 WSLOAD_DURATION=3s WSLOAD_PUSH_INTERVAL=200ms
RESTLOAD_SMALL := FUTUGW_RESTLOAD=1 RESTLOAD_BROWSERS=20 RESTLOAD_SECONDS=3 RESTLOAD_SAMPLES=50
drills:
	cd drills && FUTUGW_DRILLS=1 FUTUGW_REQUIRE_REDIS=1 FUTUGW_REQUIRE_E2E=1 $(WSLOAD_SMALL) $(RESTLOAD_SMALL) $(GO) test -race -count=1 -timeout 10m ./...

## wsload-stack: the WebSocket fan-out load through opend-sim -> quote -> edge:
## 10,000 sockets x 20 of 200 securities; sizes from WSLOAD_* (see drills/wsload_test.go),
## WSLOAD_REPORT=file appends the summary to file
.PHONY: wsload-stack
wsload-stack:
	FUTUGW_DRILLS=1 FUTUGW_WSLOAD=1 $(GO) test -count=1 -timeout 20m -run TestWSLoadStack -v ./drills/

## restload-stack: the REST read load through the edge, opend-sim enforcing OpenD's
## frequency limits: 200 browsers polling order books and K-lines of 20 securities and
## paging history K-lines for 60 s; sizes from RESTLOAD_* (see drills/restload_test.go),
## RESTLOAD_REPORT=file appends the summary to file
.PHONY: restload-stack
restload-stack:
	FUTUGW_DRILLS=1 FUTUGW_RESTLOAD=1 $(GO) test -count=1 -timeout 20m -run TestRESTLoadStack -v ./drills/

## bench-stack: the order benchmark with every part in its own process (edge,
## order, auth, quote, opend-sim binaries and Redis); ORDERBENCH_ORDER_ENV adds to the
## order service's environment
.PHONY: bench-stack
bench-stack:
	cd drills && FUTUGW_DRILLS=1 $(GO) test -run '^$$' -bench OrderThroughStack -benchtime 3000x -count 3 .

## hopfloor: what the order path's hops cost with nothing in them (HTTP, gRPC, HTTP
## forwarded over gRPC, and that to a one-call Redis script, between processes; it
## starts a redis-server of its own when one is on PATH), to read the order benchmarks
## against
.PHONY: hopfloor
hopfloor:
	$(GO) run ./bench/cmd/hopfloor -n 6000

## wsload: the edge's WebSocket hub alone under load (bench/cmd/wsload: a synthetic quote
## stream into a real hub in another process, real WebSocket clients); WSLOAD_ARGS sets
## its size, e.g. WSLOAD_ARGS='-sockets 10000 -rate 50'
.PHONY: wsload
WSLOAD_ARGS ?= -sockets 1000 -rate 500 -duration 10s
wsload:
	$(GO) run ./bench/cmd/wsload $(WSLOAD_ARGS)

## docker-prep: make this machine able to run `docker compose up` without an image
## registry (engine, dockerd, compose and buildx plugins, stand-in base images); idempotent,
## as root (deploy/docker-prep.sh)
.PHONY: docker-prep compose-test
docker-prep:
	bash deploy/docker-prep.sh

## compose-test: docker compose for real: build the images from the Dockerfiles, `up --wait`,
## the README's curl walk-through and the panel in Chromium through compose's Caddy, start
## order, secrets, restarts, persistence and `down -v` (drills/compose_test.go)
compose-test: docker-prep
	@[[ -d web/node_modules/playwright-core ]] || (cd web && npm ci --no-audit --no-fund)
	cd drills && FUTUGW_COMPOSE=1 $(GO) test -count=1 -timeout 40m -run '^TestComposeUp$$' -v .
