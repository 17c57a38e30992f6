# Node binding (bindings-node/): included by the root Makefile.
NODE ?= node
NPM ?= npm
NODE_DIR := $(ROOT)/bindings-node
NODE_NAPI := cd $(NODE_DIR) && $(NODE_DIR)/node_modules/.bin/napi build --platform --js index.js --dts index.d.ts
# The development issuer for the tests: $MESHAUTH_ISSUER_BIN, else the workspace debug build.
NODE_ISSUER_BIN := $(or $(MESHAUTH_ISSUER_BIN),$(or $(CARGO_TARGET_DIR),$(ROOT)/target)/debug/meshauth-issuer)

TEST_TARGETS += test-node
BENCH_TARGETS += bench-node

.PHONY: node-deps
node-deps: ## Node: install bindings-node's npm devDependencies (npm ci) when node_modules is missing
	@if [ ! -d $(NODE_DIR)/node_modules ]; then cd $(NODE_DIR) && $(NPM) ci --no-audit --no-fund; fi

.PHONY: node-build
node-build: node-deps ## Node: debug build of the native module (regenerates index.js/index.d.ts) and drift check against git
	$(NODE_NAPI)
	@if git -C $(NODE_DIR) rev-parse --git-dir >/dev/null 2>&1; then \
	  git -C $(NODE_DIR) diff --exit-code --stat -- index.js index.d.ts || { \
	    echo "bindings-node/index.js or index.d.ts changed when regenerated: review and commit them" >&2; exit 1; }; \
	fi

.PHONY: test-node
test-node: node-build ## Node: binding unit tests, typings drift check, node:test suites (corpus, middleware, dev issuer, README)
	$(CARGO) test -q -p meshauth-node
	@if [ -z "$(MESHAUTH_ISSUER_BIN)" ]; then $(CARGO) build -q -p meshauth-issuer --bin meshauth-issuer; fi
	@if [ -z "$(MESHAUTH_CLI_BIN)" ]; then $(CARGO) build -q -p meshauth-cli --bin meshauth; fi
	cd $(NODE_DIR) && MESHAUTH_ISSUER_BIN=$(NODE_ISSUER_BIN) $(NODE) --test test/

.PHONY: bench-node
bench-node: node-deps ## Node: meshauth vs the raw aws-lc-rs floor, Python meshauth, node:crypto, fast-jwt, jose (release build)
	$(NODE_NAPI) --release --features bench
	@mkdir -p $(BENCH_OUT)
	cd $(NODE_DIR) && $(NODE) bench/bench.mjs --json $(BENCH_OUT)/node.json
