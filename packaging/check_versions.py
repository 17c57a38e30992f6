"""Every release artifact in dist/ carries the one workspace version (Cargo.toml), and nothing else.

Reads the version each artifact declares about itself — wheel METADATA and file name, sdist
PKG-INFO, both npm package.json files and the main package's optionalDependencies, the C tarball's
name, pkg-config files and header, the Go proxy's list/.info/.zip, the Maven pom and jar names —
and fails naming every artifact that disagrees (or is missing).

    python3 check_versions.py DIST_DIR REPO_ROOT
"""

from __future__ import annotations

import json
import re
import sys
import tarfile
import zipfile
from pathlib import Path
from typing import Callable

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python < 3.11: the regular expression below
    tomllib = None


# The Maven artifacts of dev.meshauth that `make dist-java` deploys into dist/m2.
JAVA_ARTIFACTS = ("meshauth", "meshauth-servlet", "meshauth-spring-boot-starter")
# Their poms in the checkout.
JAVA_POMS = ("bindings-c/java/pom.xml", "bindings-c/java-servlet/pom.xml", "bindings-c/java-spring/pom.xml")


def project_version(pom: str) -> Callable[[str], list[str]]:
    """The reader of a pom's own version (its first <version>)."""
    return lambda text: [grab(r"<version>([^<]+)</version>", text, pom)]


def workspace_version(root: Path) -> str:
    text = (root / "Cargo.toml").read_text(encoding="utf-8")
    if tomllib is not None:
        return str(tomllib.loads(text)["workspace"]["package"]["version"])
    m = re.search(r'^\[workspace\.package\][^\[]*?^version\s*=\s*"([^"]+)"', text, re.M | re.S)
    if not m:
        raise SystemExit("no [workspace.package] version in Cargo.toml")
    return m.group(1)


def grab(pattern: str, text: str, what: str) -> str:
    """The first group of `pattern` in `text`; a missing declaration is itself a failure."""
    m = re.search(pattern, text, re.M)
    if m is None:
        raise SystemExit(f"dist version check: {what} declares no version (/{pattern}/)")
    return m.group(1)


def one(paths: list[Path], what: str, problems: list[str]) -> Path | None:
    if len(paths) != 1:
        problems.append(f"{what}: expected exactly one, found {[p.name for p in paths]}")
        return None
    return paths[0]


def read_member(t: tarfile.TarFile, name: str) -> str:
    f = t.extractfile(name)
    if f is None:
        raise SystemExit(f"dist version check: {name} is not a file in {t.name!r}")
    return f.read().decode()


def main() -> None:
    dist, root = Path(sys.argv[1]), Path(sys.argv[2])
    want = workspace_version(root)
    seen: list[tuple[str, str]] = []  # (artifact, version it declares)
    problems: list[str] = []

    # Python
    wheel = one(sorted((dist / "python").glob("*.whl")), "wheel", problems)
    if wheel:
        seen.append((wheel.name, wheel.name.split("-")[1]))
        with zipfile.ZipFile(wheel) as z:
            meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
            seen.append((f"{wheel.name}:{meta}", grab(r"^Version: (.+)$", z.read(meta).decode(), meta)))
    sdist = one(sorted((dist / "python").glob("*.tar.gz")), "sdist", problems)
    if sdist:
        with tarfile.open(sdist) as t:
            pkg_info = next(m for m in t.getmembers() if m.name.count("/") == 1 and m.name.endswith("/PKG-INFO"))
            text = read_member(t, pkg_info.name)
            seen.append((f"{sdist.name}:PKG-INFO", grab(r"^Version: (.+)$", text, "PKG-INFO")))

    # Node
    tgzs = sorted((dist / "node").glob("*.tgz"))
    if len(tgzs) != 2:
        problems.append(f"node: expected two tarballs, found {[p.name for p in tgzs]}")
    for tgz in tgzs:
        with tarfile.open(tgz) as t:
            pkg = json.loads(read_member(t, "package/package.json"))
        seen.append((f"{tgz.name}:package.json", pkg["version"]))
        for dep, version in pkg.get("optionalDependencies", {}).items():
            seen.append((f"{tgz.name}:optionalDependencies.{dep}", version))

    # C
    ctar = one(sorted((dist / "c").glob("*.tar.gz")), "C tarball", problems)
    if ctar:
        m = re.fullmatch(r"meshauth-(.+)-x86_64-unknown-linux-gnu\.tar\.gz", ctar.name)
        seen.append((ctar.name, m.group(1) if m else "?"))
        with tarfile.open(ctar) as t:
            for member in t.getmembers():
                if member.name.endswith(".pc"):
                    text = read_member(t, member.name)
                    seen.append((f"{ctar.name}:{member.name}", grab(r"^Version: (.+)$", text, member.name)))
                if member.name.endswith("include/meshauth.h"):
                    text = read_member(t, member.name)
                    seen.append((f"{ctar.name}:{member.name}", grab(r'#define MESHAUTH_VERSION "(.+)"', text, member.name)))

    # Go
    vdirs = sorted((dist / "goproxy").glob("**/@v"))
    vdir = one(vdirs, "Go proxy module", problems)
    if vdir:
        versions = (vdir / "list").read_text().split()
        seen += [(f"goproxy {vdir.parent.name}/@v/list", v.removeprefix("v")) for v in versions]
        for info in vdir.glob("*.info"):
            seen.append((f"goproxy {info.name}", json.loads(info.read_text())["Version"].removeprefix("v")))
        for zpath in vdir.glob("*.zip"):
            with zipfile.ZipFile(zpath) as z:
                prefixes = {n.split("/", 3)[2].split("@")[-1] for n in z.namelist()}
                seen += [(f"goproxy {zpath.name} paths", p.removeprefix("v")) for p in prefixes]
                header = next(n for n in z.namelist() if n.endswith("/include/meshauth.h"))
                text = z.read(header).decode()
                seen.append((f"goproxy {zpath.name}:include/meshauth.h", grab(r'#define MESHAUTH_VERSION "(.+)"', text, header)))

    # Java: dev.meshauth:meshauth, meshauth-servlet and meshauth-spring-boot-starter, each a pom
    # and its main, sources and javadoc jars in <artifactId>/<version>/.
    poms = sorted((dist / "m2").glob("**/*.pom"))
    artifacts = {p.parent.parent.name: p for p in poms}
    for artifact in JAVA_ARTIFACTS:
        if artifact not in artifacts:
            problems.append(f"m2: no pom of dev.meshauth:{artifact}")
    for artifact, pom in artifacts.items():
        text = pom.read_text(encoding="utf-8")
        head = text[: text.find("<properties>")]
        seen.append((pom.name, grab(r"<version>([^<]+)</version>", head, pom.name)))
        seen.append((f"{artifact}/{pom.parent.name}/ (Maven version directory)", pom.parent.name))
        for jar in sorted(pom.parent.glob("*.jar")):
            m = re.fullmatch(re.escape(artifact) + r"-(.+?)(-sources|-javadoc)?\.jar", jar.name)
            seen.append((jar.name, m.group(1) if m else "?"))
        jars = {j.name for j in pom.parent.glob("*.jar")}
        for suffix in ("", "-sources", "-javadoc"):
            if f"{artifact}-{want}{suffix}.jar" not in jars:
                problems.append(f"m2: {artifact}-{want}{suffix}.jar is missing")

    # The checkout's own files that must agree for a checkout build (npm's package.json, from
    # which napi regenerates index.js; the poms): a version bump that forgets one fails here.
    sources: dict[str, Callable[[str], list[str]]] = {
        "bindings-node/package.json": lambda t: [json.loads(t)["version"]],
        "bindings-node/npm/linux-x64-gnu/package.json": lambda t: [json.loads(t)["version"]],
        "bindings-node/index.js": lambda t: sorted(set(re.findall(r"expected (\S+) but got", t))),
        **{pom: project_version(pom) for pom in JAVA_POMS},
        "examples/java/pom.xml": lambda t: re.findall(
            r"<artifactId>meshauth</artifactId>\s*<version>([^<]+)</version>", t
        ),
    }
    for rel, versions_of in sources.items():
        path = root / rel
        if path.is_file():
            seen += [(f"checkout {rel}", v) for v in versions_of(path.read_text(encoding="utf-8"))]

    wrong = [(a, v) for a, v in seen if v != want]
    for a, v in wrong:
        problems.append(f"{a} declares version {v}, the workspace version is {want}")
    if problems:
        print("dist version check failed:\n  " + "\n  ".join(problems), file=sys.stderr)
        raise SystemExit(1)
    print(f"dist version check: {len(seen)} version declarations in {dist}, all {want}")


if __name__ == "__main__":
    main()
