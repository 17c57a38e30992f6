"""Print one fenced code block of a README, unchanged: the first ```<lang> block after the heading
whose text is <heading> (case-insensitive), before the next heading of the same or a higher level.

    python3 readme_block.py README.md python "Quick start"   > quickstart.py

make dist-check runs each binding's quick start exactly as its README shows it.
"""

from __future__ import annotations

import re
import sys


def block(text: str, lang: str, heading: str) -> str:
    lines = text.splitlines(keepends=True)
    level = None
    inside = False
    code: list[str] = []
    for line in lines:
        m = re.match(r"^(#+)\s+(.*?)\s*$", line)
        if m and not inside:
            if level is None and m.group(2).lower() == heading.lower():
                level = len(m.group(1))
                continue
            if level is not None and len(m.group(1)) <= level:
                break
        if level is None:
            continue
        if not inside and line.rstrip() == f"```{lang}":
            inside = True
            continue
        if inside:
            if line.rstrip() == "```":
                return "".join(code)
            code.append(line)
    raise SystemExit(f"no ```{lang} block under the heading {heading!r}")


if __name__ == "__main__":
    path, lang, heading = sys.argv[1:4]
    with open(path, encoding="utf-8") as f:
        sys.stdout.write(block(f.read(), lang, heading))
