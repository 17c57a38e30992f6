"""make bench-rotation: the example services under load across a key rotation.

Starts the development issuer, `inventory` (FastAPI) and `billing` (Express), both validating with
`discovery: true` and the default refetch cooldown (30 s). Concurrent clients call both services
with valid user tokens. Once the cooldown of the services' warm-up fetch has passed, the issuer
publishes a new key (the old one stays published) and the clients switch to tokens signed with
it. A valid token refused by a service — before or after the rotation — fails the check.

Not a timed test: the throughput is printed for information, the verdict is the count of refused
valid tokens, which must be zero.

    BENCH_ROTATION_CLIENTS   concurrent clients (default 16)
    BENCH_ROTATION_BEFORE_S  load before the rotation (default 32: the 30 s cooldown, plus margin)
    BENCH_ROTATION_AFTER_S   load after the rotation (default 20)
"""

from __future__ import annotations

import http.client
import os
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Dict, List, Tuple
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from demo import Services, say  # noqa: E402  (the demo's process helpers)

from meshauth.testing import DevIssuer  # noqa: E402

CLIENTS = int(os.environ.get("BENCH_ROTATION_CLIENTS", "16"))
BEFORE_S = float(os.environ.get("BENCH_ROTATION_BEFORE_S", "32"))
AFTER_S = float(os.environ.get("BENCH_ROTATION_AFTER_S", "20"))


class Load:
    """Clients calling both services with the current tokens; every answer is counted."""

    def __init__(self, targets: List[Tuple[str, str, str]], tokens: List[str]) -> None:
        self.targets = targets  # (service, base URL, path)
        self.tokens = tokens
        self.phase = "before"
        self.stopping = threading.Event()
        self.counts: Counter[Tuple[str, str, int]] = Counter()
        self.refusals: Dict[Tuple[str, str], Dict[str, int]] = {}
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.client, args=(i,), daemon=True) for i in range(CLIENTS)]

    def client(self, i: int) -> None:
        connections: Dict[str, http.client.HTTPConnection] = {}
        n = i
        while not self.stopping.is_set():
            service, base, path = self.targets[n % len(self.targets)]
            tokens, phase = self.tokens, self.phase
            token = tokens[n % len(tokens)]
            n += 1
            conn = connections.get(service)
            if conn is None:
                url = urlsplit(base)
                conn = connections[service] = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
            try:
                conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
                resp = conn.getresponse()
                body = resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException) as e:
                conn.close()
                connections.pop(service, None)
                status, body = 0, repr(e).encode()
            with self.lock:
                self.counts[(phase, service, status)] += 1
                if status != 200:
                    per = self.refusals.setdefault((phase, service), {})
                    reason = body[:120].decode("utf-8", "replace")
                    per[reason] = per.get(reason, 0) + 1
        for conn in connections.values():
            conn.close()

    def start(self) -> None:
        for t in self.threads:
            t.start()

    def stop(self) -> None:
        self.stopping.set()
        for t in self.threads:
            t.join(timeout=60)


def mint_tokens(dev: DevIssuer, n: int) -> List[str]:
    return [dev.mint({"sub": f"user-{i}", "aud": ["inventory", "billing"]}, ttl_s=600) for i in range(n)]


def main() -> int:
    services = Services()
    with DevIssuer() as dev:
        try:
            env = {"MESHAUTH_ISSUER": dev.issuer}
            inventory = services.start("inventory", [sys.executable, "examples/python/inventory.py"], env)
            billing = services.start("billing", ["node", "examples/node/billing.js"], env)
            started = time.monotonic()  # the services fetched their keys before listening
            targets = [("inventory", inventory, "/items"), ("billing", billing, "/invoices")]
            load = Load(targets, mint_tokens(dev, CLIENTS))
            say(f"   {CLIENTS} clients, {BEFORE_S:.0f} s before the rotation, {AFTER_S:.0f} s after")
            load.start()
            time.sleep(max(0.0, BEFORE_S - (time.monotonic() - started)))
            kids = dev.rotate()
            fresh = mint_tokens(dev, CLIENTS)
            load.tokens, load.phase = fresh, "after"
            rotated = time.monotonic()
            say(f"   rotated at t={rotated - started:.1f} s: the issuer publishes {len(kids)} keys, signs with new ones")
            time.sleep(AFTER_S)
            load.stop()
            return report(load, BEFORE_S, time.monotonic() - rotated)
        finally:
            services.stop()


def report(load: Load, before_s: float, after_s: float) -> int:
    refused = 0
    say()
    say(f"   {'phase':<7} {'service':<10} {'requests':>9} {'req/s':>7} {'refused':>8}")
    for phase, seconds in (("before", before_s), ("after", after_s)):
        for service, _, _ in load.targets:
            total = sum(c for (p, s, _), c in load.counts.items() if p == phase and s == service)
            bad = sum(c for (p, s, st), c in load.counts.items() if p == phase and s == service and st != 200)
            refused += bad
            say(f"   {phase:<7} {service:<10} {total:>9} {total / seconds:>7.0f} {bad:>8}")
            if total == 0:
                say(f"   no request reached {service} {phase} the rotation")
                return 1
    for (phase, service), reasons in sorted(load.refusals.items()):
        for reason, n in sorted(reasons.items(), key=lambda kv: -kv[1]):
            say(f"   refused {phase} the rotation by {service}: {n} x {reason}")
    say()
    if refused:
        say(f"bench-rotation: FAILED, {refused} valid tokens refused")
        return 1
    say("bench-rotation: 0 valid tokens refused across the rotation")
    return 0


if __name__ == "__main__":
    sys.exit(main())
