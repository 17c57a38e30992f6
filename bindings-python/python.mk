# bindings-python/python.mk — included by the root Makefile (ROOT, CARGO come from there).
#
# The virtualenv is $(ROOT)/.venv (python3.11, else python3). Dependencies are installed once and
# again only when this file changes (stamp file); the extension is rebuilt incrementally by
# `maturin develop` (debug for tests, release for the benchmark).

PY_DIR := $(ROOT)/bindings-python
PY_VENV ?= $(ROOT)/.venv
PY := $(PY_VENV)/bin/python
PY_BASE ?= $(shell command -v python3.11 || command -v python3)
PY_STAMP := $(PY_VENV)/.meshauth-python-deps
PY_DEPS := "maturin>=1.9,<2" pytest mypy starlette fastapi httpx httpx2 flask uvicorn "pyjwt[crypto]" joserfc pyjwt-rs cryptography
PY_ENV := VIRTUAL_ENV=$(PY_VENV) PATH=$(PY_VENV)/bin:$$PATH
ISSUER_BIN := $(or $(CARGO_TARGET_DIR),$(ROOT)/target)/debug/meshauth-issuer

$(PY):
	$(PY_BASE) -m venv $(PY_VENV)

$(PY_STAMP): $(PY_DIR)/python.mk | $(PY)
	$(PY) -m pip install -q --disable-pip-version-check $(PY_DEPS)
	touch $@

.PHONY: python-venv
python-venv: $(PY_STAMP) ## Create $(ROOT)/.venv with the Python build, test and bench tools

# The editable install (.pth, entry points) is made once; later builds only refresh the module
# in place (`--skip-install`), which takes a second when nothing changed.
PY_INSTALLED := $(PY_VENV)/.meshauth-python-installed
$(PY_INSTALLED): $(PY_STAMP) $(PY_DIR)/pyproject.toml
	cd $(PY_DIR) && $(PY_ENV) maturin develop -q
	touch $@

.PHONY: python-develop
python-develop: $(PY_INSTALLED) ## Build the Python extension (debug) into .venv with maturin develop
	cd $(PY_DIR) && $(PY_ENV) maturin develop -q --skip-install

.PHONY: python-issuer
python-issuer:
	$(CARGO) build -q -p meshauth-issuer --bin meshauth-issuer -p meshauth-cli --bin meshauth

.PHONY: test-python
test-python: python-develop python-issuer ## Python: stubtest (.pyi vs the module), mypy --strict, pytest (corpus, errors, GIL, frameworks, dev issuer, README)
	cd $(PY_DIR) && $(PY_ENV) python -m mypy.stubtest meshauth --allowlist stubtest-allowlist.txt
	cd $(PY_DIR)/python && $(PY_ENV) python -m mypy --strict -p meshauth
	cd $(PY_DIR) && $(PY_ENV) MESHAUTH_ISSUER_BIN=$(ISSUER_BIN) python -m pytest tests -q -p no:cacheprovider

.PHONY: bench-python
bench-python: $(PY_INSTALLED) ## Python: meshauth vs PyJWT, joserfc, pyjwt-rs and the raw-verify floor (release build)
	cd $(PY_DIR) && $(PY_ENV) maturin develop -q --release --skip-install
	@mkdir -p $(BENCH_OUT)
	cd $(PY_DIR) && $(PY_ENV) python bench/bench.py --json $(BENCH_OUT)/python.json

TEST_TARGETS += test-python
BENCH_TARGETS += bench-python
