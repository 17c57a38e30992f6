"""The ``meshauth`` command (``inspect``, ``verify``, ``token``, ``exchange``, ``issuer``).

Installed as the ``meshauth`` console script; ``python -m meshauth.command`` does the same. The
executable is ``$MESHAUTH_CLI_BIN``, else the one the wheel carries (``meshauth/_bin/meshauth``),
else a build of the checkout this package runs from (``target/debug/meshauth``). The command's own
reference is ``docs/cli.md``; every argument is passed through unchanged.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import List, Optional

from . import _launch
from .testing import _repo_root

__all__ = ["main", "command_binary"]

_EXE = "meshauth.exe" if os.name == "nt" else "meshauth"


def command_binary() -> Path:
    """Path of the ``meshauth`` executable; ``FileNotFoundError`` says where it was looked for."""
    env = os.environ.get("MESHAUTH_CLI_BIN")
    if env:
        if not Path(env).is_file():
            raise FileNotFoundError(f"MESHAUTH_CLI_BIN={env} does not exist")
        return Path(env)
    bundled = Path(__file__).resolve().parent / "_bin" / _EXE
    if bundled.is_file():
        return bundled
    root = _repo_root()
    if root is not None:
        built = Path(os.environ.get("CARGO_TARGET_DIR", root / "target")) / "debug" / _EXE
        if built.is_file():
            return built
        raise FileNotFoundError(f"{built} does not exist (cargo build -p meshauth-cli)")
    raise FileNotFoundError(
        f"the meshauth command is not in this installation ({bundled} is missing: wheels for linux x86_64 "
        "bundle it); set MESHAUTH_CLI_BIN, or `cargo install --path cli` from the meshauth repository"
    )


def main(argv: Optional[List[str]] = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        binary = str(command_binary())
    except FileNotFoundError as e:
        print(f"meshauth: {e}", file=sys.stderr)
        return 1
    return _launch.run(binary, args)


if __name__ == "__main__":
    sys.exit(main())
