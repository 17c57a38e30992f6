# meshauth — the one entry point. `make help` lists every target.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
CARGO ?= cargo
ROOT := $(abspath .)
export CARGO_TERM_COLOR ?= never

# Each binding's fragment appends its targets to these lists.
TEST_TARGETS := test-rust deny
BENCH_TARGETS := bench-rust

.PHONY: help
help: ## List every target with what it does
	@grep -hE '^[a-zA-Z0-9_.-]+:.*## ' $(MAKEFILE_LIST) | sort -u | awk 'BEGIN{FS=":.*## "}{printf "  %-20s %s\n", $$1, $$2}'

.PHONY: build
build: ## Build the Rust workspace (core, issuer)
	$(CARGO) build --workspace --all-targets

.PHONY: test-rust
test-rust: corpus-check ## Rust tests: core unit + integration (corpus, key sources), issuer
	$(CARGO) test --workspace

.PHONY: corpus
corpus: ## Regenerate the conformance corpus in testdata/
	$(CARGO) run -q -p meshauth-issuer --bin meshauth-corpus -- --out testdata

.PHONY: corpus-check
corpus-check: ## Fail if regenerating testdata/ would change it (drift check)
	$(CARGO) run -q -p meshauth-issuer --bin meshauth-corpus -- --out testdata --check

CARGO_DENY_VERSION ?= 0.20.2

.PHONY: deny
deny: ## cargo-deny: licences, duplicate crates, sources (deny.toml; advisories configured but not checked: no database here)
	@command -v cargo-deny >/dev/null || $(CARGO) install --locked cargo-deny@$(CARGO_DENY_VERSION)
	$(CARGO) deny --offline check bans licenses sources

.PHONY: docs
docs: ## Regenerate docs/configuration.md and docs/errors.md from the core
	MESHAUTH_BLESS=1 $(CARGO) test -q -p meshauth --lib reference

# Each benchmark also writes its results as JSON here; `make bench` draws docs/bench.svg from them.
BENCH_OUT := $(or $(CARGO_TARGET_DIR),$(ROOT)/target)/bench-results

.PHONY: bench-rust
bench-rust: ## Criterion: validate vs raw aws-lc-rs verification, per algorithm
	@mkdir -p $(BENCH_OUT)
	MESHAUTH_BENCH_JSON=$(BENCH_OUT)/rust.json MESHAUTH_RUSTC_VERSION="$$($${RUSTC:-rustc} --version | cut -d' ' -f1-2)" \
	  $(CARGO) bench -p meshauth --bench validate

.PHONY: issuer
issuer: ## Run the development issuer (a development tool, loopback only) on 127.0.0.1:8400, with /dev/mint and /dev/rotate
	$(CARGO) run -p meshauth-issuer --bin meshauth-issuer -- --port 8400 --dev-endpoints

.PHONY: system-packages
system-packages: ## Install the system packages the targets need (scripts/system-packages.sh: one list, idempotent)
	bash $(ROOT)/scripts/system-packages.sh

-include cli/cli.mk
-include bindings-python/python.mk
-include bindings-node/node.mk
-include bindings-c/c.mk
-include examples/demo.mk
-include packaging/dist.mk
-include fuzz/fuzz.mk

.PHONY: test
test: $(TEST_TARGETS) ## Every test, every language
	@echo "make test: all suites passed ($(TEST_TARGETS))"

.PHONY: bench-results-reset
bench-results-reset:
	@rm -rf $(BENCH_OUT) && mkdir -p $(BENCH_OUT)

.PHONY: bench
bench: bench-results-reset $(BENCH_TARGETS) ## Every benchmark (ratios to the raw verification floor), then docs/bench.svg and the README's chart block
	python3 $(ROOT)/scripts/bench_chart.py $(BENCH_OUT) $(ROOT)/docs/bench.svg $(ROOT)/README.md

.PHONY: bench-chart
bench-chart: ## Redraw docs/bench.svg and the README block from the last run's results (target/bench-results)
	python3 $(ROOT)/scripts/bench_chart.py $(BENCH_OUT) $(ROOT)/docs/bench.svg $(ROOT)/README.md
