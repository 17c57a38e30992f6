# bindings-c/c.mk: the C ABI (crate meshauth-ffi), its Go and Java bindings and examples.
# Included by the root Makefile (which defines ROOT, CARGO, SHELL).

C_DIR          := $(ROOT)/bindings-c
C_PROFILE      ?= debug
C_CARGO_FLAGS  := $(if $(filter release,$(C_PROFILE)),--release,)
C_LIBDIR       := $(ROOT)/target/$(C_PROFILE)
C_PCDIR        := $(C_LIBDIR)/pkgconfig
C_BUILDDIR     := $(ROOT)/target/c-tests
C_TOOLS        := $(ROOT)/target/tools
CBINDGEN_VERSION := 0.29.4
CBINDGEN       := $(C_TOOLS)/bin/cbindgen
# What the Rust standard library needs when libmeshauth.a is linked statically
# (`rustc --print native-static-libs` on Linux).
C_LIBS_PRIVATE := -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
C_CC           ?= cc
C_SANITIZE     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
C_CFLAGS       := -std=c11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter
C_PKG          := PKG_CONFIG_PATH=$(C_PCDIR)$${PKG_CONFIG_PATH:+:$$PKG_CONFIG_PATH}
C_ISSUER_BIN   := $(or $(MESHAUTH_ISSUER_BIN),$(ROOT)/target/debug/meshauth-issuer)

TEST_TARGETS += test-c test-go test-java

.PHONY: c-tools
c-tools: ## Install the pinned cbindgen into target/tools (once)
	@if [ "$$($(CBINDGEN) --version 2>/dev/null)" != "cbindgen $(CBINDGEN_VERSION)" ]; then \
	  echo "installing cbindgen $(CBINDGEN_VERSION) into $(C_TOOLS)"; \
	  $(CARGO) install cbindgen --version $(CBINDGEN_VERSION) --locked --root $(C_TOOLS); \
	fi
	@CC=$(C_CC) $(ROOT)/scripts/system-packages.sh c

.PHONY: c-build
c-build: c-tools ## Build libmeshauth (.so + .a) and its pkg-config files (C_PROFILE=debug|release)
	$(CARGO) build -p meshauth-ffi $(C_CARGO_FLAGS)
	@mkdir -p $(C_PCDIR)
	@printf '%s\n' \
	  'prefix=$(ROOT)' 'libdir=$(C_LIBDIR)' 'includedir=$(C_DIR)/include' '' \
	  'Name: meshauth' 'Description: Strict JWT access-token validation for services (C ABI)' \
	  "Version: $$(sed -n 's/^#define MESHAUTH_VERSION "\(.*\)"/\1/p' $(C_DIR)/include/meshauth.h)" \
	  'Cflags: -I$${includedir}' 'Libs: -L$${libdir} -lmeshauth' 'Libs.private: $(C_LIBS_PRIVATE)' \
	  > $(C_PCDIR)/meshauth.pc
	@# meshauth-static: links libmeshauth.a itself (used by the Go package through `#cgo pkg-config`).
	@printf '%s\n' \
	  'prefix=$(ROOT)' 'libdir=$(C_LIBDIR)' 'includedir=$(C_DIR)/include' '' \
	  'Name: meshauth-static' 'Description: meshauth C ABI, static library' \
	  "Version: $$(sed -n 's/^#define MESHAUTH_VERSION "\(.*\)"/\1/p' $(C_DIR)/include/meshauth.h)" \
	  'Cflags: -I$${includedir}' 'Libs: $${libdir}/libmeshauth.a $(C_LIBS_PRIVATE)' \
	  > $(C_PCDIR)/meshauth-static.pc
	@# The Go package links ${SRCDIR}/lib/linux_amd64/libmeshauth.a and includes ${SRCDIR}/include
	@# (as in the released module, which carries copies): point them at this build.
	@mkdir -p $(C_DIR)/go/include $(C_DIR)/go/lib/linux_amd64
	@ln -sfn $(C_DIR)/include/meshauth.h $(C_DIR)/go/include/meshauth.h
	@ln -sfn $(C_LIBDIR)/libmeshauth.a $(C_DIR)/go/lib/linux_amd64/libmeshauth.a

.PHONY: c-header
c-header: c-tools ## Regenerate bindings-c/include/meshauth.h with the pinned cbindgen
	cd $(C_DIR) && $(CBINDGEN) --quiet --config cbindgen.toml --crate meshauth-ffi --output include/meshauth.h .

.PHONY: c-header-check
c-header-check: c-tools ## Fail if regenerating include/meshauth.h would change it
	@mkdir -p $(C_BUILDDIR)
	cd $(C_DIR) && $(CBINDGEN) --quiet --config cbindgen.toml --crate meshauth-ffi --output $(C_BUILDDIR)/meshauth.h .
	@diff -u $(C_DIR)/include/meshauth.h $(C_BUILDDIR)/meshauth.h || \
	  (echo "include/meshauth.h is stale: run 'make c-header' and commit it" >&2; exit 1)

.PHONY: c-tests
c-tests: c-build c-issuer ## Build and run the C tests under AddressSanitizer (shared and static library; token client against the development issuer)
	@mkdir -p $(C_BUILDDIR)
	@set -e; for t in $(C_DIR)/tests/test_*.c; do \
	  name=$$(basename $$t .c); \
	  $(C_CC) $(C_CFLAGS) $(C_SANITIZE) $$($(C_PKG) pkg-config --cflags meshauth) \
	    $$t $(C_DIR)/tests/json.c $(C_DIR)/tests/check.c -o $(C_BUILDDIR)/$$name-shared \
	    $$($(C_PKG) pkg-config --libs meshauth) -Wl,-rpath,$$($(C_PKG) pkg-config --variable=libdir meshauth); \
	  $(C_CC) $(C_CFLAGS) $(C_SANITIZE) $$($(C_PKG) pkg-config --cflags meshauth-static) \
	    $$t $(C_DIR)/tests/json.c $(C_DIR)/tests/check.c -o $(C_BUILDDIR)/$$name-static \
	    $$($(C_PKG) pkg-config --libs meshauth-static); \
	done
	@set -e; total=0; for bin in $(C_BUILDDIR)/test_*-shared $(C_BUILDDIR)/test_*-static; do \
	  echo "== $$(basename $$bin)"; \
	  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  MESHAUTH_CORPUS=$(ROOT)/testdata/corpus.json MESHAUTH_ISSUER_BIN=$(C_ISSUER_BIN) \
	  MESHAUTH_DEV_KEY=$(ROOT)/issuer/dev-keys/signed-client.pem $$bin; \
	done

.PHONY: c-examples
c-examples: c-build ## Build and run examples/c (inline JWKS, fixed clock); build examples/go and the orders demo
	@mkdir -p $(C_BUILDDIR)
	$(C_CC) $(C_CFLAGS) $$($(C_PKG) pkg-config --cflags meshauth) $(ROOT)/examples/c/main.c \
	  -o $(C_BUILDDIR)/example-c $$($(C_PKG) pkg-config --libs meshauth) \
	  -Wl,-rpath,$$($(C_PKG) pkg-config --variable=libdir meshauth)
	$(C_BUILDDIR)/example-c
	cd $(ROOT)/examples/go && go build -o $(C_BUILDDIR)/example-go . && go vet ./...
	$(MAKE) --no-print-directory demo-orders

.PHONY: demo-orders
demo-orders: c-build ## Build the Go orders demo service (examples/go/orders) into target/demo/orders
	@mkdir -p $(ROOT)/target/demo
	cd $(ROOT)/examples/go && go build -o $(ROOT)/target/demo/orders ./orders

.PHONY: c-readme
c-readme: c-build c-issuer ## Compile and run every C snippet of bindings-c/README.md (static library, ASan; against the dev issuer)
	@mkdir -p $(C_BUILDDIR)
	@rm -f $(C_BUILDDIR)/readme-*.c
	awk '/^```c$$/{on=1;n++;next} /^```$$/{on=0} on{print > "$(C_BUILDDIR)/readme-" n ".c"}' $(C_DIR)/README.md
	@ls $(C_BUILDDIR)/readme-*.c >/dev/null 2>&1 || (echo "no C snippet in bindings-c/README.md" >&2; exit 1)
	@set -e; for src in $(C_BUILDDIR)/readme-*.c; do \
	  $(C_CC) $(C_CFLAGS) $(C_SANITIZE) $$($(C_PKG) pkg-config --cflags meshauth-static) $$src \
	    -o $${src%.c} $$($(C_PKG) pkg-config --libs meshauth-static); \
	done
	@# The snippets run with MESHAUTH_ISSUER set to a development issuer on a free loopback port,
	@# and with meshauth-issuer on PATH (the quick start starts its own, as from the release tarball).
	@set -e; out=$(C_BUILDDIR)/readme-issuer.out; : > $$out; \
	$(C_ISSUER_BIN) --port 0 > $$out & pid=$$!; trap "kill $$pid 2>/dev/null || true" EXIT; \
	for i in $$(seq 200); do grep -q 'listening on' $$out && break; sleep 0.05; done; \
	url=$$(sed -n 's/^meshauth-issuer listening on //p' $$out); test -n "$$url"; \
	for src in $(C_BUILDDIR)/readme-*.c; do echo "== $$(basename $${src%.c})"; \
	  PATH=$(dir $(C_ISSUER_BIN)):$$PATH MESHAUTH_ISSUER=$$url $${src%.c}; done

.PHONY: test-c
test-c: c-build c-header-check ## C ABI: build, header drift check, Rust unit tests, C tests under ASan, README, examples
	$(CARGO) test -q -p meshauth-ffi $(C_CARGO_FLAGS)
	$(MAKE) --no-print-directory c-tests c-readme c-examples

.PHONY: c-issuer
c-issuer: ## Build the development issuer (meshauth-issuer) for the C, Go and Java tests
	@if [ -z "$(MESHAUTH_ISSUER_BIN)" ]; then $(CARGO) build -q -p meshauth-issuer --bin meshauth-issuer; fi

.PHONY: test-go
test-go: c-build c-issuer ## Go binding (cgo, static libmeshauth.a): corpus, middleware, token client and key source against the dev issuer; examples/go orders demo
	cd $(C_DIR)/go && MESHAUTH_ISSUER_BIN=$(C_ISSUER_BIN) MESHAUTH_CORPUS=$(ROOT)/testdata/corpus.json \
	  MESHAUTH_DEV_KEY=$(ROOT)/issuer/dev-keys/signed-client.pem go test -count=1 -timeout 300s ./...
	cd $(C_DIR)/go && go vet ./...
	cd $(ROOT)/examples/go && MESHAUTH_ISSUER_BIN=$(C_ISSUER_BIN) go test -count=1 -timeout 300s ./... && go vet ./...

.PHONY: test-java
test-java: c-build c-issuer ## Java binding (JNA over libmeshauth.so): JUnit corpus, API and dev-issuer suites; examples/java self-check; Servlet filter and Spring Boot starter
	@$(ROOT)/scripts/system-packages.sh java
	@# -B -ntp (not -q) so Surefire's "Tests run:" summary stays visible; install puts the binding
	@# into the local repository (~/.m2 by default) for examples/java.
	cd $(C_DIR)/java && MESHAUTH_ISSUER_BIN=$(C_ISSUER_BIN) mvn -B -ntp -Dmeshauth.library.path=$(C_LIBDIR) \
	  -Dmeshauth.corpus=$(ROOT)/testdata/corpus.json install \
	  | { grep -Ev '^\[INFO\] ?(-+|Download.*|Building.*|Installing.*|Copying.*|Using.*|skip.*|Changes.*|Compiling.*|Recompiling.*|Nothing.*|T E S T S|Results:|Finished.*|Total time.*|Scanning.*|Loading.*|Reading.*|Writing.*|Running.*|)$$' || true; }
	cd $(ROOT)/examples/java && mvn -B -ntp -q -Dmeshauth.library.path=$(C_LIBDIR) package exec:java -Dexec.args=--check
	$(MAKE) --no-print-directory test-java-servlet test-java-spring

# Surefire's summary lines and failures stay visible; Maven's progress lines do not.
JAVA_MVN_FILTER := { grep -Ev '^\[INFO\] ?(-+|Download.*|Building.*|Installing.*|Copying.*|Using.*|skip.*|Changes.*|Compiling.*|Recompiling.*|Nothing.*|T E S T S|Results:|Finished.*|Total time.*|Scanning.*|Loading.*|Reading.*|Writing.*|Running.*|)$$' || true; }

# The local repository (~/.m2) gets the binding and the filter without their tests, for the modules
# that depend on them when run on their own.
.PHONY: java-m2-binding java-m2-servlet
java-m2-binding:
	cd $(C_DIR)/java && mvn -B -ntp -q install -DskipTests
java-m2-servlet: java-m2-binding
	cd $(C_DIR)/java-servlet && mvn -B -ntp -q install -DskipTests

.PHONY: test-java-servlet
test-java-servlet: c-build c-issuer java-m2-binding ## Java Servlet filter (meshauth-servlet): embedded Tomcat against the dev issuer, README quick start; installed for the starter
	cd $(C_DIR)/java-servlet && MESHAUTH_ISSUER_BIN=$(C_ISSUER_BIN) mvn -B -ntp -Dmeshauth.library.path=$(C_LIBDIR) install | $(JAVA_MVN_FILTER)

.PHONY: test-java-spring
test-java-spring: c-build c-issuer java-m2-servlet ## Spring Boot starter (meshauth-spring-boot-starter): MockMvc suite and README quick start against the dev issuer
	cd $(C_DIR)/java-spring && MESHAUTH_ISSUER_BIN=$(C_ISSUER_BIN) mvn -B -ntp -Dmeshauth.library.path=$(C_LIBDIR) install | $(JAVA_MVN_FILTER)

BENCH_TARGETS += bench-go

.PHONY: bench-go
bench-go: ## Go: validation through cgo vs a raw Ed25519 verification (release libmeshauth)
	$(MAKE) --no-print-directory C_PROFILE=release c-build
	cd $(C_DIR)/go && go test -count=1 -run '^$$' -bench . -benchtime 3000x
