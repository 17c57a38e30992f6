"""Python meshauth on the Node benchmark's own tokens, for its side-by-side column.

Run by bench.mjs (never on its own): reads one JSON object on stdin,
  {"rounds": R, "round_ms": M, "cases": [{"name", "config", "token", "ok"}]}
where `config` is the validator configuration (JSON object) and `ok` says whether the token
validates; prints {"meshauth": "<version>", "us": {name: best CPU µs per validate}} on stdout
(CPU time of this process, like the Node side, so that other processes' load does not count).
A failing case times `validate` raising and the `except` catching it.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any, Callable, Dict, List

import meshauth


def calibrate(fn: Callable[[], Any], round_ms: float) -> int:
    n = 64
    while True:
        t0 = time.process_time()
        for _ in range(n):
            fn()
        ms = (time.process_time() - t0) * 1e3
        if ms > round_ms / 4:
            return max(1, round(n * round_ms / ms))
        n *= 4


def main() -> None:
    spec = json.load(sys.stdin)
    rounds, round_ms = spec["rounds"], spec["round_ms"]
    fns: List[Callable[[], Any]] = []
    for case in spec["cases"]:
        v = meshauth.Validator(case["config"])
        v.refresh()
        token = case["token"]
        if case["ok"]:
            assert v.validate(token).issuer, case["name"]
            fns.append(lambda v=v, t=token: v.validate(t))
        else:

            def fail(v: Any = v, t: str = token) -> Any:
                try:
                    v.validate(t)
                except meshauth.MeshAuthError as e:
                    return e
                raise AssertionError("expected a failure")

            fail()
            fns.append(fail)
    counts = [calibrate(f, round_ms) for f in fns]
    best = [float("inf")] * len(fns)
    # Interleaved rounds: every case runs once per round, so a burst of load hits all of them.
    for _ in range(rounds):
        for i, (f, n) in enumerate(zip(fns, counts)):
            t0 = time.process_time()
            for _ in range(n):
                f()
            best[i] = min(best[i], (time.process_time() - t0) / n * 1e6)
    out: Dict[str, Any] = {
        "meshauth": getattr(meshauth, "__version__", "?"),
        "us": {c["name"]: us for c, us in zip(spec["cases"], best)},
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
