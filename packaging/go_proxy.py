"""Write a Go module version in GOPROXY layout (`<module>/@v/{list,<v>.info,<v>.mod,<v>.zip}`).

A consumer reads it with GOPROXY=file://<out> (see the root README's Install section). The zip
follows the module zip format `go mod download` verifies: every path is `<module>@<version>/...`,
files only, sorted, no nested module and no VCS directory.

    python3 go_proxy.py --module M --version vX.Y.Z --time RFC3339 --src DIR --out DIR
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import zipfile
from pathlib import Path

# Module zips store no file modes; a fixed timestamp keeps the zip reproducible.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def escape(path: str) -> str:
    """Go's module path escaping for the proxy protocol: upper case becomes '!' + lower case."""
    return "".join("!" + c.lower() if c.isupper() else c for c in path)


def module_files(src: Path) -> list[Path]:
    files = []
    for root, dirs, names in os.walk(src):
        rel_root = Path(root).relative_to(src)
        # A subdirectory with its own go.mod is another module: not part of this one.
        dirs[:] = sorted(
            d for d in dirs if d not in (".git", ".hg", ".svn") and not (Path(root) / d / "go.mod").exists()
        )
        for name in sorted(names):
            files.append(rel_root / name)
    return files


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--module", required=True)
    ap.add_argument("--version", required=True)
    ap.add_argument("--time", required=True)
    ap.add_argument("--src", required=True, type=Path)
    ap.add_argument("--out", required=True, type=Path)
    args = ap.parse_args()

    if not args.version.startswith("v"):
        raise SystemExit(f"version {args.version!r} must start with 'v'")
    gomod = (args.src / "go.mod").read_text(encoding="utf-8")
    declared = gomod.split("\n", 1)[0].removeprefix("module ").strip()
    if declared != args.module:
        raise SystemExit(f"{args.src}/go.mod declares {declared!r}, not {args.module!r}")

    vdir = args.out / escape(args.module) / "@v"
    vdir.mkdir(parents=True, exist_ok=True)
    when = dt.datetime.fromisoformat(args.time.replace("Z", "+00:00")).astimezone(dt.timezone.utc)
    (vdir / f"{args.version}.info").write_text(
        json.dumps({"Version": args.version, "Time": when.strftime("%Y-%m-%dT%H:%M:%SZ")}) + "\n"
    )
    (vdir / f"{args.version}.mod").write_text(gomod, encoding="utf-8")
    prefix = f"{args.module}@{args.version}/"
    with zipfile.ZipFile(vdir / f"{args.version}.zip", "w", zipfile.ZIP_DEFLATED) as z:
        for rel in module_files(args.src):
            info = zipfile.ZipInfo(prefix + rel.as_posix(), ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, (args.src / rel).read_bytes())
    listing = vdir / "list"
    versions = set(listing.read_text().split()) if listing.exists() else set()
    versions.add(args.version)
    listing.write_text("".join(v + "\n" for v in sorted(versions)))


if __name__ == "__main__":
    main()
