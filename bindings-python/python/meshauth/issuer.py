"""Run the development issuer on its own: ``python -m meshauth.issuer [--port 8400] ...``.

The arguments are ``meshauth-issuer``'s (``--help`` lists them). The executable is the one
:func:`meshauth.testing.issuer_binary` finds: ``$MESHAUTH_ISSUER_BIN``, else the one the wheel
carries. Installed as the ``meshauth-issuer`` command too. For development and demos only.
"""

from __future__ import annotations

import sys
from typing import List, Optional

from . import _launch
from .testing import DevIssuerError, issuer_binary

__all__ = ["main"]


def main(argv: Optional[List[str]] = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        binary = str(issuer_binary(build=False))
    except DevIssuerError as e:
        print(f"meshauth-issuer: {e}", file=sys.stderr)
        return 2
    return _launch.run(binary, args)


if __name__ == "__main__":
    sys.exit(main())
