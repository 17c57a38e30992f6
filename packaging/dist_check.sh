#!/usr/bin/env bash
# make dist-check: install every release artifact of dist/ the way a user would — in a temporary
# directory outside the checkout, with no cargo or rustc on PATH — and run each binding's README
# quick start unchanged (extracted from the README by readme_block.py), checking what it prints.
#
# Environment (from packaging/dist.mk): DIST, DIST_VERSION, ROOT, PYTHON_BASE.
set -euo pipefail
: "${DIST:?}" "${DIST_VERSION:?}" "${ROOT:?}"
PYTHON_BASE=${PYTHON_BASE:-python3}
V=$DIST_VERSION
HERE=$(cd "$(dirname "$0")" && pwd)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/meshauth-dist-check.XXXXXX")
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  chmod -R u+w "$WORK" 2>/dev/null || true # the Go module cache is read-only
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "dist-check: FAIL: $*" >&2; exit 1; }
step() { echo; echo "== dist-check: $*"; }
expect() { # expect FILE REGEX...: every regex matches a line of FILE
  local file=$1; shift
  for re in "$@"; do grep -Eq -- "$re" "$file" || { cat "$file" >&2; fail "no line matching /$re/ in the output above"; }; done
}
quickstart() { python3 "$HERE/readme_block.py" "$@"; }

case "$WORK/" in "$ROOT"/*) fail "the work directory $WORK is inside the checkout" ;; esac
QS=$WORK/quickstarts
mkdir -p "$QS"
# Extract everything needed from the checkout first; afterwards nothing reads it but dist/.
quickstart "$ROOT/bindings-python/README.md" python "Quick start" > "$QS/quickstart.py"
quickstart "$ROOT/bindings-node/README.md" js "Quick start" > "$QS/quickstart.cjs"
quickstart "$ROOT/bindings-c/README.md" c "C quick start" > "$QS/quickstart.c"
quickstart "$ROOT/bindings-c/README.md" go "Go quick start" > "$QS/main.go"
quickstart "$ROOT/bindings-c/README.md" java "Java quick start" > "$QS/QuickStart.java"
mkdir -p "$QS/servlet"
quickstart "$ROOT/bindings-c/java-servlet/README.md" java "Quick start" > "$QS/servlet/QuickStart.java"

step "the version check: every artifact says $V, and a workspace of another version is refused"
python3 "$HERE/check_versions.py" "$DIST" "$ROOT"
mkdir -p "$WORK/other-version" && printf '[workspace.package]\nversion = "9.9.9"\n' > "$WORK/other-version/Cargo.toml"
if python3 "$HERE/check_versions.py" "$DIST" "$WORK/other-version" 2> "$WORK/versions.err"; then
  fail "check_versions.py accepted artifacts of $V for a workspace at 9.9.9"
fi
n=$(grep -c "declares version $V, the workspace version is 9.9.9" "$WORK/versions.err" || true)
[ "$n" -ge 15 ] || { cat "$WORK/versions.err" >&2; fail "check_versions.py named only $n wrong declarations"; }
echo "refused: $n version declarations that are not 9.9.9"

# `make install PREFIX=...` (a make target of the checkout: run it before cargo leaves PATH; the
# artifacts are built already, so it only copies).
step "make install PREFIX=$WORK/prefix"
make -C "$ROOT" --no-print-directory -s install PREFIX="$WORK/prefix" >/dev/null

# --- no Rust toolchain from here on -----------------------------------------------------------
clean_path=
IFS=: read -ra path_dirs <<< "$PATH"
for d in "${path_dirs[@]}"; do
  [ -n "$d" ] || continue
  if [ -e "$d/cargo" ] || [ -e "$d/rustc" ] || [ -e "$d/rustup" ]; then continue; fi
  clean_path=${clean_path:+$clean_path:}$d
done
export PATH=$clean_path
unset MESHAUTH_ISSUER_BIN MESHAUTH_LIBRARY_PATH CARGO_TARGET_DIR CARGO_HOME RUSTUP_HOME PKG_CONFIG_PATH \
  VIRTUAL_ENV NODE_PATH GOFLAGS
if command -v cargo >/dev/null || command -v rustc >/dev/null; then fail "cargo/rustc still on PATH=$PATH"; fi
step "no Rust toolchain: 'command -v cargo' fails (PATH=$PATH)"
cd "$WORK"

# standalone LABEL CMD...: the command runs the development issuer on its own (--port 0 added);
# it must print its address; then its whole process group is stopped.
standalone() {
  local label=$1; shift
  local out=$WORK/standalone.out
  : > "$out"
  setsid "$@" --port 0 > "$out" 2>"$WORK/standalone.err" &
  local pid=$!
  PIDS+=("$pid")
  for _ in $(seq 300); do grep -q 'listening on http://127.0.0.1:' "$out" && break; sleep 0.1; done
  kill -TERM -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  grep -q '^meshauth-issuer listening on http://127.0.0.1:[0-9]*' "$out" || { cat "$WORK/standalone.err" >&2; fail "$label did not start the issuer"; }
  echo "$label: $(head -n 1 "$out")"
}

# command LABEL CMD...: the meshauth command answers --version and inspects a token from stdin
# (decoded, said to be unverified, a missing exp pointed out), as text and as JSON.
b64url() { printf '%s' "$1" | base64 -w0 | tr '+/' '-_' | tr -d '='; }
CLI_TOKEN="$(b64url '{"alg":"RS256","typ":"at+jwt","kid":"k1"}').$(b64url '{"iss":"https://issuer.example","sub":"alice","aud":"orders"}').c2ln"
command_check() {
  local label=$1; shift
  "$@" --version > "$WORK/cli.out" || fail "$label --version"
  expect "$WORK/cli.out" "^meshauth $V\$"
  printf '%s\n' "$CLI_TOKEN" | "$@" inspect > "$WORK/cli.txt" || fail "$label inspect"
  expect "$WORK/cli.txt" '^NOT VERIFIED: decoded only' '^  sub  alice$' 'refused missing_claim: no exp'
  if grep -q $'\x1b' "$WORK/cli.txt"; then fail "$label inspect: colour codes in a pipe"; fi
  "$@" --json inspect "$CLI_TOKEN" > "$WORK/cli.out" || fail "$label --json inspect"
  expect "$WORK/cli.out" '"verified":false' '"code":"missing_claim"'
  local rc=0
  "$@" inspect not-a-token 2> "$WORK/cli.err" || rc=$?
  [ "$rc" = 4 ] || fail "$label inspect not-a-token: exit $rc, not 4"
  echo "$label: $(head -n 1 "$WORK/cli.txt" | cut -c1-40)...; --version, inspect (text, JSON), exit 4: ok"
}

# --- Python ----------------------------------------------------------------------------------
step "Python: the wheel into a fresh virtualenv"
wheel=$(ls "$DIST"/python/meshauth-"$V"-cp39-abi3-manylinux_*_x86_64.whl)
"$PYTHON_BASE" -m venv "$WORK/py"
"$WORK/py/bin/python" -m pip install -q --disable-pip-version-check "$wheel" pytest
mkdir -p "$WORK/python" && cd "$WORK/python"
cp "$QS/quickstart.py" .
"$WORK/py/bin/python" quickstart.py > out.txt
expect out.txt '^Principal\(.*alice' '^token_expired 401$' '^Bearer error="invalid_token", error_description="the access token expired"$'
echo "README quick start: $(tr '\n' ' ' < out.txt | cut -c1-160)..."
cat > test_fixture.py <<'PY'
import meshauth
import pytest


def test_the_fixture_issues_tokens_the_validator_accepts(meshauth_issuer):
    validator = meshauth.Validator(issuer=meshauth_issuer.issuer, audience="orders", discovery=True)
    assert validator.validate(meshauth_issuer.mint({"sub": "alice", "aud": "orders"})).subject == "alice"
    with pytest.raises(meshauth.InvalidToken) as refused:
        validator.validate(meshauth_issuer.mint({"sub": "bob", "aud": "billing"}))
    assert refused.value.code == "invalid_audience"
PY
"$WORK/py/bin/python" -m pytest -q -p no:cacheprovider test_fixture.py
standalone "python -m meshauth.issuer" "$WORK/py/bin/python" -m meshauth.issuer
standalone "meshauth-issuer (the wheel's command)" "$WORK/py/bin/meshauth-issuer"
command_check "meshauth (the wheel's console script)" "$WORK/py/bin/meshauth"
standalone "meshauth issuer (the wheel's console script)" "$WORK/py/bin/meshauth" issuer
cd "$WORK"

# --- Node ------------------------------------------------------------------------------------
step "Node: the two npm tarballs into a fresh npm project"
mkdir -p "$WORK/node" && cd "$WORK/node"
npm init -y >/dev/null
npm install --offline --no-audit --no-fund -s "$DIST/node/meshauth-linux-x64-gnu-$V.tgz" "$DIST/node/meshauth-$V.tgz"
[ -f node_modules/meshauth-linux-x64-gnu/meshauth.linux-x64-gnu.node ] || fail "the platform package has no .node"
cp "$QS/quickstart.cjs" .
node quickstart.cjs > out.txt
expect out.txt "^alice \[ 'orders:read' \]$" '^invalid_audience 401 Bearer error="invalid_token", error_description="the token is not meant for this service"$'
echo "README quick start: $(tr '\n' ' ' < out.txt)"
standalone "npx meshauth-issuer" npx --no -- meshauth-issuer
command_check "npx meshauth (the package's bin)" npx --no -- meshauth
# Without the platform package (optional dependencies omitted), the loader names what is missing.
mkdir -p "$WORK/node-no-binary" && cd "$WORK/node-no-binary"
npm init -y >/dev/null
npm install --offline --omit=optional --no-audit --no-fund -s "$DIST/node/meshauth-$V.tgz"
if node -e "require('meshauth')" 2> err.txt; then fail "meshauth loaded without its platform package"; fi
expect err.txt 'meshauth has no native binary for this platform \(linux-x64-gnu\): the package meshauth-linux-x64-gnu is not installed' \
  'Supported platforms: linux-x64-gnu\.'
echo "without the platform package: $(grep -m1 'no native binary' err.txt | cut -c1-140)..."
cd "$WORK"

# --- C ---------------------------------------------------------------------------------------
step "C: the tarball, compiled with cc \$(pkg-config ...)"
mkdir -p "$WORK/c" && cd "$WORK/c"
tar -xzf "$DIST/c/meshauth-$V-x86_64-unknown-linux-gnu.tar.gz"
cp "$QS/quickstart.c" .
for prefix in "$WORK/c/meshauth-$V-x86_64-unknown-linux-gnu" "$WORK/prefix"; do
  export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
  [ "$(pkg-config --modversion meshauth)" = "$V" ] || fail "pkg-config --modversion meshauth under $prefix"
  cc quickstart.c -o quickstart-static $(pkg-config --cflags --libs meshauth-static)
  cc quickstart.c -o quickstart-shared $(pkg-config --cflags --libs meshauth) -Wl,-rpath,"$(pkg-config --variable=libdir meshauth)"
  loaded=$(ldd quickstart-shared | awk '/libmeshauth\.so/ {print $3}')
  [ -n "$loaded" ] && [ "$(readlink -f "$loaded")" = "$(readlink -f "$prefix/lib/libmeshauth.so")" ] ||
    fail "quickstart-shared loads '$loaded', not $prefix/lib/libmeshauth.so"
  for bin in quickstart-static quickstart-shared; do
    PATH=$prefix/bin:$PATH ./$bin > out.txt
    expect out.txt '^inventory accepts orders$' '^billing refuses: invalid_audience 401 Bearer error="invalid_token"'
    echo "README quick start ($bin, $prefix): $(tr '\n' ' ' < out.txt | cut -c1-120)..."
  done
done
unset PKG_CONFIG_PATH
command_check "meshauth (the C tarball's bin/)" "$WORK/c/meshauth-$V-x86_64-unknown-linux-gnu/bin/meshauth"
command_check "meshauth (make install PREFIX)" "$WORK/prefix/bin/meshauth"
cd "$WORK"

# --- Go --------------------------------------------------------------------------------------
step "Go: the module from the file:// GOPROXY into a fresh module"
mkdir -p "$WORK/go" && cd "$WORK/go"
export GOPROXY=file://$DIST/goproxy GONOSUMDB=github.com/meshauth/* GOFLAGS=-mod=mod GOTOOLCHAIN=local \
  GOMODCACHE=$WORK/gomodcache
go mod init example.com/quickstart >/dev/null 2>&1
cp "$QS/main.go" .
go get "github.com/meshauth/meshauth-go@v$V"
go run . > out.txt
expect out.txt '^alice \[orders:read\]$' '^invalid_audience 401 Bearer error="invalid_token", error_description="the token is not meant for this service"$'
echo "README quick start: $(tr '\n' ' ' < out.txt)"
unset GOPROXY GONOSUMDB GOFLAGS GOMODCACHE
cd "$WORK"

# --- Java ------------------------------------------------------------------------------------
# A local repository of our own (cached between runs outside the checkout) from which meshauth is
# deleted first: it can only come from dist/m2, by its coordinates.
step "Java: dev.meshauth:meshauth:$V by its coordinates from dist/m2 into a fresh Maven project"
M2_CACHE=${MESHAUTH_DIST_CHECK_M2:-${XDG_CACHE_HOME:-$HOME/.cache}/meshauth-dist-check/m2}
rm -rf "$M2_CACHE/dev/meshauth"
mkdir -p "$WORK/java/src/main/java" && cd "$WORK/java"
cp "$QS/QuickStart.java" src/main/java/
cat > pom.xml <<POM
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>example</groupId>
  <artifactId>quickstart</artifactId>
  <version>1</version>
  <properties>
    <maven.compiler.release>17</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <repositories>
    <repository>
      <id>meshauth-dist</id>
      <url>file://$DIST/m2</url>
    </repository>
  </repositories>
  <dependencies>
    <dependency>
      <groupId>dev.meshauth</groupId>
      <artifactId>meshauth</artifactId>
      <version>$V</version>
    </dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-compiler-plugin</artifactId>
        <version>3.14.0</version>
      </plugin>
      <plugin>
        <groupId>org.codehaus.mojo</groupId>
        <artifactId>exec-maven-plugin</artifactId>
        <version>3.5.0</version>
        <configuration>
          <mainClass>QuickStart</mainClass>
        </configuration>
      </plugin>
    </plugins>
  </build>
</project>
POM
mvn -B -ntp -q -Dstyle.color=never -Dmaven.repo.local="$M2_CACHE" compile exec:java > raw.txt
sed 's/\x1b\[[0-9;]*m//g' raw.txt > out.txt # Maven 3.8's console still writes colour resets
expect out.txt '^alice \[orders:read\]$' '^invalid_audience 401 Bearer error="invalid_token", error_description="the token is not meant for this service"$'
grep -q 'meshauth-dist' "$M2_CACHE/dev/meshauth/meshauth/$V/_remote.repositories" || fail "meshauth did not come from dist/m2"
echo "README quick start: $(tr '\n' ' ' < out.txt)"
cd "$WORK"

# The Servlet filter's quick start (embedded Tomcat from Maven Central): meshauth-servlet and the
# binding it depends on come from dist/m2 by their coordinates.
step "Java: dev.meshauth:meshauth-servlet:$V from dist/m2, its README quick start on embedded Tomcat"
rm -rf "$M2_CACHE/dev/meshauth"
mkdir -p "$WORK/java-servlet/src/main/java" && cd "$WORK/java-servlet"
cp "$QS/servlet/QuickStart.java" src/main/java/
sed -e 's|<artifactId>quickstart</artifactId>|<artifactId>quickstart-servlet</artifactId>|' \
  -e 's|<artifactId>meshauth</artifactId>|<artifactId>meshauth-servlet</artifactId>|' \
  -e 's|</dependencies>|  <dependency>\n      <groupId>org.apache.tomcat.embed</groupId>\n      <artifactId>tomcat-embed-core</artifactId>\n      <version>10.1.48</version>\n    </dependency>\n  </dependencies>|' \
  "$WORK/java/pom.xml" > pom.xml
mvn -B -ntp -q -Dstyle.color=never -Dmaven.repo.local="$M2_CACHE" compile exec:java > raw.txt 2> err.txt || { cat err.txt raw.txt >&2; fail "the Servlet quick start failed"; }
sed 's/\x1b\[[0-9;]*m//g' raw.txt > out.txt
expect out.txt '^200 orders of alice$' '^401 Bearer \{"error":"no_credentials","error_description":"no access token in the request"\}$'
for artifact in meshauth meshauth-servlet; do
  grep -q 'meshauth-dist' "$M2_CACHE/dev/meshauth/$artifact/$V/_remote.repositories" || fail "$artifact did not come from dist/m2"
done
echo "README quick start: $(tr '\n' ' ' < out.txt)"
cd "$WORK"

step "every artifact installed outside the checkout without cargo; every README quick start ran"
