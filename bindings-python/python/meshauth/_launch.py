"""Hand this process over to a bundled executable (the ``meshauth`` and ``meshauth-issuer`` commands)."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import List


def run(binary: str, args: List[str]) -> int:
    """Run ``binary`` with ``args``: on POSIX it replaces this process (stdin, signals and the
    terminal go to it); elsewhere it runs as a child and its exit status is returned."""
    sys.stdout.flush()
    if os.name == "posix":
        os.execv(binary, [binary, *args])
    try:
        return subprocess.call([binary, *args])
    except KeyboardInterrupt:
        return 130
