# examples/demo.mk — `make demo`: the development issuer and the example services, end to end.
# Included by the root Makefile after the binding fragments (it uses their build targets).

DEMO_STAMP := $(PY_VENV)/.meshauth-demo-deps

$(DEMO_STAMP): $(PY_STAMP)
	$(PY) -m pip install -q --disable-pip-version-check "uvicorn>=0.30"
	touch $@

.PHONY: demo-build
demo-build: python-develop python-issuer node-build demo-orders $(DEMO_STAMP) ## Build what the demo runs: the Python, Node and Go services and the issuer

.PHONY: demo
demo: demo-build ## The seed's scenario: issuer + inventory (Python) + billing (Node) + orders (Go), service-to-service, forwarding, exchange, refusals
	$(PY_ENV) MESHAUTH_ISSUER_BIN=$(ISSUER_BIN) python examples/demo/demo.py

.PHONY: demo-core
demo-core: ## The Rust-only walk-through: issuer, client credentials over HTTP, discovery, Principal, refusals
	$(CARGO) run -q -p meshauth --example demo

.PHONY: test-demo
test-demo: demo ## Run the demo as a test: it fails on any unexpected answer

TEST_TARGETS += test-demo

.PHONY: bench-rotation
bench-rotation: python-develop python-issuer node-build $(DEMO_STAMP) ## Load check (~1 min): inventory + billing under 16 clients across a key rotation; fails on any refused valid token
	$(PY_ENV) MESHAUTH_ISSUER_BIN=$(ISSUER_BIN) python examples/demo/bench_rotation.py
BENCH_TARGETS += bench-rotation
