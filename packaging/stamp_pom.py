"""Print a pom.xml with the project's own <version> set to the workspace version.

Only the project version (the first <version> child of <project>) changes; dependency and plugin
versions stay. `make dist-java` builds from the stamped copy, so no file but Cargo.toml types the
release version.

    python3 stamp_pom.py pom.xml 0.1.0 > staged/pom.xml
"""

from __future__ import annotations

import re
import sys


def main() -> None:
    path, version = sys.argv[1], sys.argv[2]
    text = open(path, encoding="utf-8").read()
    # The project version precedes <dependencies>, <build> and <profiles>.
    head_end = min(i for i in (text.find("<properties>"), text.find("<dependencies>")) if i >= 0)
    head, tail = text[:head_end], text[head_end:]
    head, n = re.subn(r"<version>[^<]*</version>", f"<version>{version}</version>", head, count=1)
    if n != 1:
        raise SystemExit(f"{path}: no project <version> before <properties>/<dependencies>")
    sys.stdout.write(head + tail)


if __name__ == "__main__":
    main()
