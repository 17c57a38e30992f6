# packaging/dist.mk — release artifacts (`make dist`), their user-eye check (`make dist-check`) and
# `make install PREFIX=...`. Included by the root Makefile after the binding fragments.
#
# One release build serves every artifact: `cargo build --release` of the C ABI (cdylib +
# staticlib), the Node addon and the development issuer in one invocation; maturin builds the
# Python extension against the same target directory (same profile and features, so the core and
# its dependencies are compiled once). Every artifact is stamped with DIST_VERSION, the workspace
# version of Cargo.toml — nothing else types it (`packaging/check_versions.py` proves it).

DIST_VERSION   := $(shell sed -n 's/^version *= *"\(.*\)"/\1/p' $(ROOT)/Cargo.toml | head -n 1)
DIST           ?= $(ROOT)/dist
DIST_TARGET    := $(or $(CARGO_TARGET_DIR),$(ROOT)/target)
DIST_REL       := $(DIST_TARGET)/release
DIST_STAGE     := $(DIST_TARGET)/dist-stage
DIST_TRIPLE    := x86_64-unknown-linux-gnu
DIST_NODE_PLATFORM := linux-x64-gnu
DIST_GO_MODULE := github.com/meshauth/meshauth-go
DIST_C_NAME    := meshauth-$(DIST_VERSION)-$(DIST_TRIPLE)
DIST_PY        := $(or $(wildcard $(PY)),$(PY_BASE))

.PHONY: dist
dist: dist-python dist-node dist-c dist-go dist-java ## Release artifacts for every language into dist/ (wheel + sdist, npm tarballs, C tarball, Go proxy, Maven repo)
	@$(DIST_PY) $(ROOT)/packaging/check_versions.py $(DIST) $(ROOT)
	@cd $(DIST) && find . -type f \( -name '*.whl' -o -name '*.tar.gz' -o -name '*.tgz' -o -name '*.zip' -o -name '*.jar' \) \
	  -printf '%s\t%p\n' | sort -k2 | awk -F'\t' '{printf "  %8.2f MB  %s\n", $$1/1048576, $$2}'

# --- the one release build -------------------------------------------------------------------
DIST_RUST_STAMP := $(DIST_STAGE)/.rust-built
.PHONY: dist-rust
dist-rust: ## Release build of libmeshauth, the Node addon, meshauth-issuer and the meshauth command, stripped into target/dist-stage/bin
	$(CARGO) build --release -p meshauth-ffi -p meshauth-node -p meshauth-issuer --lib --bin meshauth-issuer
	$(CARGO) build --release -p meshauth-cli --bin meshauth
	@mkdir -p $(DIST_STAGE)/bin
	strip --strip-unneeded -o $(DIST_STAGE)/bin/libmeshauth.so $(DIST_REL)/libmeshauth.so
	strip --strip-debug -o $(DIST_STAGE)/bin/libmeshauth.a $(DIST_REL)/libmeshauth.a
	strip --strip-unneeded -o $(DIST_STAGE)/bin/meshauth.$(DIST_NODE_PLATFORM).node $(DIST_REL)/libmeshauth_node.so
	strip -o $(DIST_STAGE)/bin/meshauth-issuer $(DIST_REL)/meshauth-issuer
	strip -o $(DIST_STAGE)/bin/meshauth $(DIST_REL)/meshauth

# --- Python: abi3 wheel (extension, .pyi, py.typed, the issuer, the command) + sdist -------------
# The issuer and the meshauth command are copied into the package for the wheel build only
# (git-ignored), and removed after.
PY_BUNDLED_ISSUER := $(PY_DIR)/python/meshauth/_bin/meshauth-issuer
.PHONY: dist-python
dist-python: dist-rust $(PY_STAMP) ## Python: abi3 manylinux wheel (maturin's compliance check) and sdist into dist/python
	@rm -rf $(DIST)/python && mkdir -p $(DIST)/python
	cd $(PY_DIR) && $(PY_ENV) maturin sdist --out $(DIST)/python
	@mkdir -p $(dir $(PY_BUNDLED_ISSUER)) && install -m 0755 $(DIST_STAGE)/bin/meshauth-issuer $(PY_BUNDLED_ISSUER)
	@install -m 0755 $(DIST_STAGE)/bin/meshauth $(dir $(PY_BUNDLED_ISSUER))meshauth
	cd $(PY_DIR) && $(PY_ENV) maturin build -q --release --strip --auditwheel check --out $(DIST)/python \
	  || { rm -rf $(dir $(PY_BUNDLED_ISSUER)); exit 1; }
	@rm -rf $(dir $(PY_BUNDLED_ISSUER))

# --- Node: the napi-rs layout, `meshauth` + `meshauth-linux-x64-gnu` -------------------------
.PHONY: dist-node
dist-node: dist-rust ## Node: npm pack of the meshauth package and its linux-x64-gnu platform package into dist/node
	@rm -rf $(DIST)/node $(DIST_STAGE)/node && mkdir -p $(DIST)/node $(DIST_STAGE)/node/meshauth $(DIST_STAGE)/node/$(DIST_NODE_PLATFORM)
	$(NODE) $(ROOT)/packaging/stage_node.js $(NODE_DIR) $(DIST_STAGE)/node $(DIST_VERSION) $(DIST_NODE_PLATFORM)
	cp $(DIST_STAGE)/bin/meshauth.$(DIST_NODE_PLATFORM).node $(DIST_STAGE)/node/$(DIST_NODE_PLATFORM)/
	install -m 0755 $(DIST_STAGE)/bin/meshauth-issuer $(DIST_STAGE)/node/$(DIST_NODE_PLATFORM)/meshauth-issuer
	install -m 0755 $(DIST_STAGE)/bin/meshauth $(DIST_STAGE)/node/$(DIST_NODE_PLATFORM)/meshauth
	cd $(DIST_STAGE)/node/$(DIST_NODE_PLATFORM) && $(NPM) pack -q --pack-destination $(DIST)/node >/dev/null
	cd $(DIST_STAGE)/node/meshauth && $(NPM) pack -q --pack-destination $(DIST)/node >/dev/null

# --- C: the tarball, relocatable pkg-config files --------------------------------------------
C_PC_COMMON = 'prefix=$${pcfiledir}/../..' 'libdir=$${prefix}/lib' 'includedir=$${prefix}/include' \
  'bindir=$${prefix}/bin' ''
.PHONY: dist-c
dist-c: dist-rust ## C: meshauth-<version>-x86_64-unknown-linux-gnu.tar.gz (header, .so, .a, relocatable .pc, bin/meshauth-issuer, bin/meshauth) into dist/c
	@rm -rf $(DIST)/c $(DIST_STAGE)/c && mkdir -p $(DIST)/c
	@d=$(DIST_STAGE)/c/$(DIST_C_NAME); mkdir -p $$d/include $$d/lib/pkgconfig $$d/bin; \
	cp $(C_DIR)/include/meshauth.h $$d/include/; \
	cp $(DIST_STAGE)/bin/libmeshauth.so $(DIST_STAGE)/bin/libmeshauth.a $$d/lib/; \
	install -m 0755 $(DIST_STAGE)/bin/meshauth-issuer $(DIST_STAGE)/bin/meshauth $$d/bin/; \
	printf '%s\n' $(C_PC_COMMON) 'Name: meshauth' \
	  'Description: Strict JWT access-token validation for services (C ABI, shared library)' \
	  'Version: $(DIST_VERSION)' 'Cflags: -I$${includedir}' 'Libs: -L$${libdir} -lmeshauth' \
	  'Libs.private: $(C_LIBS_PRIVATE)' > $$d/lib/pkgconfig/meshauth.pc; \
	printf '%s\n' $(C_PC_COMMON) 'Name: meshauth-static' \
	  'Description: Strict JWT access-token validation for services (C ABI, static library)' \
	  'Version: $(DIST_VERSION)' 'Cflags: -I$${includedir}' 'Libs: $${libdir}/libmeshauth.a $(C_LIBS_PRIVATE)' \
	  > $$d/lib/pkgconfig/meshauth-static.pc
	tar -C $(DIST_STAGE)/c --owner=0 --group=0 --numeric-owner -czf $(DIST)/c/$(DIST_C_NAME).tar.gz $(DIST_C_NAME)

PREFIX ?= /usr/local
.PHONY: install
install: dist-c ## Install the C library, header, pkg-config files, meshauth-issuer and the meshauth command under PREFIX (default /usr/local)
	@d=$(DIST_STAGE)/c/$(DIST_C_NAME); \
	install -d $(PREFIX)/include $(PREFIX)/lib/pkgconfig $(PREFIX)/bin; \
	install -m 0644 $$d/include/meshauth.h $(PREFIX)/include/; \
	install -m 0755 $$d/lib/libmeshauth.so $(PREFIX)/lib/; \
	install -m 0644 $$d/lib/libmeshauth.a $(PREFIX)/lib/; \
	install -m 0644 $$d/lib/pkgconfig/meshauth.pc $$d/lib/pkgconfig/meshauth-static.pc $(PREFIX)/lib/pkgconfig/; \
	install -m 0755 $$d/bin/meshauth-issuer $$d/bin/meshauth $(PREFIX)/bin/
	@echo "installed meshauth $(DIST_VERSION) under $(PREFIX) (pkg-config: PKG_CONFIG_PATH=$(PREFIX)/lib/pkgconfig)"

# --- Go: the module with its prebuilt static library, in GOPROXY layout -----------------------
.PHONY: dist-go
dist-go: dist-rust ## Go: module github.com/meshauth/meshauth-go with lib/linux_amd64/libmeshauth.a, as a file:// GOPROXY in dist/goproxy
	@rm -rf $(DIST)/goproxy $(DIST_STAGE)/go && mkdir -p $(DIST_STAGE)/go
	git -C $(C_DIR)/go ls-files -z | (cd $(C_DIR)/go && xargs -0 cp --parents -t $(DIST_STAGE)/go)
	@mkdir -p $(DIST_STAGE)/go/include $(DIST_STAGE)/go/lib/linux_amd64 $(DIST_STAGE)/go/meshauthtest/bin/linux_amd64
	cp $(C_DIR)/include/meshauth.h $(DIST_STAGE)/go/include/
	cp $(DIST_STAGE)/bin/libmeshauth.a $(DIST_STAGE)/go/lib/linux_amd64/
	cp $(DIST_STAGE)/bin/meshauth-issuer $(DIST_STAGE)/go/meshauthtest/bin/linux_amd64/
	$(DIST_PY) $(ROOT)/packaging/go_proxy.py --module $(DIST_GO_MODULE) --version v$(DIST_VERSION) \
	  --time "$$(git -C $(ROOT) log -1 --format=%cI 2>/dev/null || date -u +%Y-%m-%dT%H:%M:%SZ)" \
	  --src $(DIST_STAGE)/go --out $(DIST)/goproxy

# --- Java: jar (+ natives, issuer), sources, javadoc, pom, deployed into a Maven layout --------
# The pom is stamped with DIST_VERSION in a staging directory whose src/ is the binding's own.
.PHONY: dist-java
dist-java: dist-rust ## Java: dev.meshauth:meshauth jar with linux-x86-64/libmeshauth.so, meshauth-servlet, meshauth-spring-boot-starter (each with sources, javadoc, pom) into dist/m2
	@command -v mvn >/dev/null || (apt-get update && apt-get install -y maven openjdk-17-jdk-headless)
	@rm -rf $(DIST)/m2 $(DIST_STAGE)/java && mkdir -p $(DIST)/m2 $(DIST_STAGE)/java/natives/linux-x86-64 \
	  $(DIST_STAGE)/java/natives/dev/meshauth/testing/linux-x86-64
	cp $(DIST_STAGE)/bin/libmeshauth.so $(DIST_STAGE)/java/natives/linux-x86-64/
	cp $(DIST_STAGE)/bin/meshauth-issuer $(DIST_STAGE)/java/natives/dev/meshauth/testing/linux-x86-64/
	ln -sfn $(C_DIR)/java/src $(DIST_STAGE)/java/src
	$(DIST_PY) $(ROOT)/packaging/stamp_pom.py $(C_DIR)/java/pom.xml $(DIST_VERSION) > $(DIST_STAGE)/java/pom.xml
	cd $(DIST_STAGE)/java && mvn -B -ntp -q -Dstyle.color=never -Pdist -DskipTests -Dmeshauth.dist.natives=$(DIST_STAGE)/java/natives \
	  -Dmaven.install.skip=true -DaltDeploymentRepository=dist::file://$(DIST)/m2 deploy
	@# The Servlet filter, then the Spring Boot starter: each resolves the artifacts deployed before
	@# it from dist/m2 (the dist profile's repository), never from ~/.m2.
	@set -e; for module in java-servlet java-spring; do \
	  rm -rf $(DIST_STAGE)/$$module && mkdir -p $(DIST_STAGE)/$$module; \
	  ln -sfn $(C_DIR)/$$module/src $(DIST_STAGE)/$$module/src; \
	  $(DIST_PY) $(ROOT)/packaging/stamp_pom.py $(C_DIR)/$$module/pom.xml $(DIST_VERSION) > $(DIST_STAGE)/$$module/pom.xml; \
	  (cd $(DIST_STAGE)/$$module && mvn -B -ntp -q -Dstyle.color=never -Pdist -DskipTests -Dmeshauth.dist.repo=file://$(DIST)/m2 \
	    -Dmaven.install.skip=true -DaltDeploymentRepository=dist::file://$(DIST)/m2 deploy); \
	done

# --- the check: every artifact installed as a user would, no Rust toolchain ------------------
.PHONY: dist-check
dist-check: dist ## Install every artifact outside the checkout with no cargo/rustc on PATH and run each README quick start
	DIST=$(DIST) DIST_VERSION=$(DIST_VERSION) ROOT=$(ROOT) PYTHON_BASE=$(PY_BASE) \
	  bash $(ROOT)/packaging/dist_check.sh

TEST_TARGETS += dist-check
