#!/usr/bin/env python3
"""Draw docs/bench.svg from the benchmark results of one `make bench` run.

Usage: bench_chart.py RESULTS_DIR SVG README

RESULTS_DIR holds one JSON document per language (written by core/benches/validate.rs,
bindings-python/bench/bench.py --json and bindings-node/bench/bench.mjs --json):

    {"language": "Python", "runtime": "CPython 3.11.2", "versions": {"meshauth": "0.1.0", ...},
     "floor": "<name of the floor row>", "meshauth": "<name of meshauth's main row>",
     "results": {"RS256": {"<implementation>": microseconds or null, ...}, ...}}

For each language, one row per implementation and one column per algorithm; each cell is the time
as a multiple of the raw verification floor measured in the same run (×1.00 = the floor), with the
microseconds. The README block between `<!-- bench:begin -->` and `<!-- bench:end -->` is rewritten
with the date, the machine and the versions. Nothing here is typed by hand: no results, no chart.
"""

from __future__ import annotations

import datetime
import html
import json
import os
import platform
import re
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

ALG_ORDER = ["RS256", "PS256", "ES256", "EdDSA", "HS256"]
LANG_ORDER = ["Rust", "Python", "Node"]
# Rows that do not verify a signature (a cache hit on a repeated token) are not comparable.
SKIP = re.compile(r"repeated token")

LABEL_W = 300
CELL_W = 120
ROW_H = 24
FONT = "font-family=\"-apple-system,Segoe UI,Helvetica,Arial,sans-serif\""
COLOURS = {"floor": "#9ca3af", "meshauth": "#2563eb", "peer": "#f59e0b"}


def kind(doc: Dict[str, Any], name: str) -> str:
    if name == doc["floor"]:
        return "floor"
    if name.startswith("meshauth"):
        return "meshauth"
    return "peer"


def rows_of(doc: Dict[str, Any]) -> List[str]:
    names: List[str] = []
    for alg in doc["results"].values():
        for name in alg:
            if name not in names and not SKIP.search(name):
                names.append(name)
    order = {"floor": 0, "meshauth": 1, "peer": 2}
    return sorted(names, key=lambda n: (order[kind(doc, n)], names.index(n)))


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.machine()}"


def versions_line(doc: Dict[str, Any]) -> str:
    parts = [doc.get("runtime", "")]
    parts += [f"{k} {v}" for k, v in doc.get("versions", {}).items() if v]
    return f"{doc['language']}: " + ", ".join(p for p in parts if p)


def svg(docs: List[Dict[str, Any]], date: str, host: str) -> str:
    algs = [a for a in ALG_ORDER if any(a in d["results"] for d in docs)]
    width = max(LABEL_W + CELL_W * len(algs) + 20, 760)
    out: List[str] = []
    y = 50
    body: List[str] = []
    for doc in docs:
        names = rows_of(doc)
        # One scale per algorithm column (HMAC's floor is ~1 µs, so its ratios are of another order).
        top = {
            a: max(
                [1.0]
                + [
                    doc["results"][a][n] / doc["results"][a][doc["floor"]]
                    for n in names
                    if doc["results"][a].get(n) is not None and doc["results"][a].get(doc["floor"])
                ]
            )
            for a in algs
            if a in doc["results"]
        }
        body.append(f'<text x="10" y="{y + 16}" font-size="15" font-weight="bold">{html.escape(doc["language"])}</text>')
        for i, a in enumerate(algs):
            body.append(
                f'<text x="{LABEL_W + i * CELL_W + 4}" y="{y + 16}" font-size="12" font-weight="bold">{a}</text>'
            )
        y += 24
        for n in names:
            k = kind(doc, n)
            weight = ' font-weight="bold"' if n == doc["meshauth"] else ""
            body.append(f'<text x="14" y="{y + 16}" font-size="12"{weight}>{html.escape(n)}</text>')
            for i, a in enumerate(algs):
                x0 = LABEL_W + i * CELL_W + 4
                row = doc["results"].get(a, {})
                us: Optional[float] = row.get(n)
                floor = row.get(doc["floor"])
                if us is None or not floor:
                    body.append(f'<text x="{x0}" y="{y + 15}" font-size="11" fill="#6b7280">n/a</text>')
                    continue
                ratio = us / floor
                bar = max(1.0, (CELL_W - 12) * ratio / top[a])
                # The figures above, the bar under them; the tick marks the floor (×1).
                label = f"×{ratio:.2f}  {us:.1f} µs"
                body.append(f'<text x="{x0}" y="{y + 11}" font-size="10" fill="#111827">{label}</text>')
                body.append(
                    f'<rect x="{x0}" y="{y + 14}" width="{bar:.1f}" height="6" fill="{COLOURS[k]}" rx="1">'
                    f"<title>{html.escape(n)} {a}: {us:.2f} µs, ×{ratio:.2f} the floor</title></rect>"
                )
                floor_x = x0 + (CELL_W - 12) / top[a]
                body.append(
                    f'<line x1="{floor_x:.1f}" x2="{floor_x:.1f}" y1="{y + 12}" y2="{y + 22}" stroke="#111827" stroke-width="1"/>'
                )
            y += ROW_H
        y += 14
    y += 6
    footer = [f"{date} · {host}"] + [versions_line(d) for d in docs]
    for line in footer:
        body.append(f'<text x="10" y="{y}" font-size="11" fill="#374151">{html.escape(line)}</text>')
        y += 15
    height = y + 6
    out.append(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" {FONT}>'
    )
    out.append(f'<rect width="{width}" height="{height}" fill="#ffffff"/>')
    out.append(
        '<text x="10" y="22" font-size="14" font-weight="bold">Time per validation, as a multiple of one raw '
        "signature verification (the floor, ×1: the tick)</text>"
    )
    legend_x = 10
    for k, text in (("floor", "raw verification (the floor)"), ("meshauth", "meshauth"), ("peer", "other libraries")):
        out.append(f'<rect x="{legend_x}" y="32" width="12" height="8" fill="{COLOURS[k]}"/>')
        out.append(f'<text x="{legend_x + 16}" y="40" font-size="11">{text}</text>')
        legend_x += 30 + 7 * len(text)
    out += body
    out.append("</svg>")
    return "\n".join(out) + "\n"


def readme_block(docs: List[Dict[str, Any]], date: str, host: str) -> str:
    lines = [
        "<!-- bench:begin (generated by `make bench`: scripts/bench_chart.py) -->",
        "![meshauth against the raw verification floor and other libraries, per language and algorithm](docs/bench.svg)",
        "",
        f"Measured {date} on {host}, one run per language (ratios are within a run):",
        "",
    ]
    lines += [f"- {versions_line(d)}" for d in docs]
    lines.append("<!-- bench:end -->")
    return "\n".join(lines)


def main() -> int:
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    results, svg_path, readme = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    docs = [json.loads(p.read_text()) for p in sorted(results.glob("*.json"))]
    if not docs:
        print(f"bench_chart: no results in {results}: run `make bench`", file=sys.stderr)
        return 1
    for d in docs:
        for key in ("language", "floor", "meshauth", "results"):
            if key not in d:
                print(f"bench_chart: {d.get('language', '?')}: no {key!r}", file=sys.stderr)
                return 1
    docs.sort(key=lambda d: LANG_ORDER.index(d["language"]) if d["language"] in LANG_ORDER else 99)
    # The run's date: when the last result was written.
    written = max(p.stat().st_mtime for p in results.glob("*.json"))
    date = datetime.datetime.fromtimestamp(written, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    host = machine()
    svg_path.write_text(svg(docs, date, host))
    text = readme.read_text()
    block = readme_block(docs, date, host)
    pattern = re.compile(r"<!-- bench:begin.*?<!-- bench:end -->", re.S)
    if not pattern.search(text):
        print(f"bench_chart: {readme} has no <!-- bench:begin --> … <!-- bench:end --> block", file=sys.stderr)
        return 1
    readme.write_text(pattern.sub(lambda _: block, text))
    print(f"bench_chart: wrote {svg_path} and the block in {readme} ({', '.join(d['language'] for d in docs)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
