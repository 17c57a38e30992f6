"""Run the development issuer on its own: ``python -m meshauth.issuer [--port 8400] ...``.

The arguments are ``meshauth-issuer``'s (``--help`` lists them). The executable is the one
:func:`meshauth.testing.issuer_binary` finds: ``$MESHAUTH_ISSUER_BIN``, else the one the wheel
carries. Installed as the ``meshauth-issuer`` command too. For development and demos only.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import List, Optional

from .testing import DevIssuerError, issuer_binary

__all__ = ["main"]


def main(argv: Optional[List[str]] = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        binary = str(issuer_binary(build=False))
    except DevIssuerError as e:
        print(f"meshauth-issuer: {e}", file=sys.stderr)
        return 2
    sys.stdout.flush()
    if os.name == "posix":
        os.execv(binary, [binary, *args])  # the issuer takes this process over (signals included)
    try:
        return subprocess.call([binary, *args])
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
