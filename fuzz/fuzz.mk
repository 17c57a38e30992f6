# Fuzzing (fuzz/): included by the root Makefile. AFL++ from Debian (scripts/system-packages.sh afl)
# on the stable toolchain: rustc's SanitizerCoverage flags plus AFL++'s own runtime object.
FUZZ_SECONDS ?= 600
FUZZ_SMOKE_SECONDS ?= 3
FUZZ_TARGETS ?= validate strict_json jwks request discovery token_response pem differential
AFL_RUNTIME ?= /usr/lib/afl/afl-compiler-rt.o
FUZZ_TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(ROOT)/target)/afl
FUZZ_WORK := $(or $(CARGO_TARGET_DIR),$(ROOT)/target)/fuzz
FUZZ_TRIPLE := $(shell rustc -vV 2>/dev/null | sed -n 's/^host: //p')
FUZZ_BIN := $(FUZZ_TARGET_DIR)/$(FUZZ_TRIPLE)/release
# `--target` keeps these flags off build scripts and proc macros.
FUZZ_RUSTFLAGS := --cfg fuzzing -C passes=sancov-module -C llvm-args=-sanitizer-coverage-level=3 \
	-C llvm-args=-sanitizer-coverage-trace-pc-guard -C llvm-args=-sanitizer-coverage-prune-blocks=0 \
	-C llvm-args=-sanitizer-coverage-trace-compares -C codegen-units=1 -C debug-assertions -C overflow-checks \
	-C link-arg=$(AFL_RUNTIME)

TEST_TARGETS += fuzz-smoke

.PHONY: fuzz-build
fuzz-build: ## Fuzz: build the AFL++-instrumented targets (installs afl++ once)
	$(ROOT)/scripts/system-packages.sh afl
	RUSTFLAGS="$(FUZZ_RUSTFLAGS)" CARGO_PROFILE_RELEASE_LTO=false $(CARGO) build -q --release -p meshauth-fuzz --bins \
		--target $(FUZZ_TRIPLE) --target-dir $(FUZZ_TARGET_DIR)

.PHONY: fuzz
fuzz: fuzz-build ## Fuzz: run each target under AFL++ for FUZZ_SECONDS (600), one at a time, nice 19; findings go to fuzz/regressions/
	$(ROOT)/scripts/fuzz.sh $(FUZZ_BIN) $(FUZZ_WORK) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

.PHONY: fuzz-smoke
fuzz-smoke: fuzz-build ## Fuzz: replay seeds and regressions, then FUZZ_SMOKE_SECONDS (3) of AFL++ per target
	$(CARGO) test -q -p meshauth-fuzz
	$(ROOT)/scripts/fuzz.sh $(FUZZ_BIN) $(FUZZ_WORK)/smoke $(FUZZ_SMOKE_SECONDS) $(FUZZ_TARGETS)
