"""Key rotation under concurrency, through the Python binding: right after the development issuer
rotates its keys, threads (and asyncio tasks) validating a new-key token all succeed and the
issuer sees one JWKS request. The JWKS is reached through a counting proxy in front of the
issuer, which also makes the fetch slow enough for every caller to arrive while it is in flight.
"""

from __future__ import annotations

import asyncio
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator, List

import pytest

import meshauth
from meshauth.testing import DevIssuer

CALLERS = 16


class JwksProxy:
    """`GET /jwks` forwarded to the issuer after `delay_s`, counted."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.requests = 0
        self.delay_s = 0.0
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                with proxy._lock:
                    proxy.requests += 1
                time.sleep(proxy.delay_s)
                with urllib.request.urlopen(proxy.upstream, timeout=5) as answer:
                    body = answer.read()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/jwks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def proxy(meshauth_issuer: DevIssuer) -> Iterator[JwksProxy]:
    p = JwksProxy(meshauth_issuer.jwks_url)
    yield p
    p.close()


def warm_validator(dev: DevIssuer, proxy: JwksProxy) -> meshauth.Validator:
    v = meshauth.Validator(issuer=dev.issuer, audience="orders", jwks_url=proxy.url, jwks_refresh_cooldown_s=1)
    v.refresh()
    assert v.validate(dev.mint({"sub": "alice", "aud": "orders"})).subject == "alice"
    # Let the cooldown of the warm-up fetch pass, then rotate (the old keys stay published).
    time.sleep(1.1)
    dev.rotate()
    proxy.delay_s = 0.3
    return v


def test_threads_after_a_rotation_share_one_refetch(meshauth_issuer: DevIssuer, proxy: JwksProxy) -> None:
    dev = meshauth_issuer
    v = warm_validator(dev, proxy)
    token = dev.mint({"sub": "bob", "aud": "orders"})
    before = proxy.requests
    barrier = threading.Barrier(CALLERS)
    outcomes: List[str] = []
    lock = threading.Lock()

    def call() -> None:
        barrier.wait()
        try:
            outcome = v.validate(token).subject or ""
        except meshauth.MeshAuthError as e:
            outcome = e.code
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=call) for _ in range(CALLERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes == ["bob"] * CALLERS
    assert proxy.requests - before == 1
    # From the cache now.
    assert v.validate_cached(token) is not None
    assert proxy.requests - before == 1


def test_async_tasks_after_a_rotation_share_one_refetch_off_the_loop(
    meshauth_issuer: DevIssuer, proxy: JwksProxy
) -> None:
    dev = meshauth_issuer
    v = warm_validator(dev, proxy)
    token = dev.mint({"sub": "carol", "aud": "orders"})
    before = proxy.requests

    async def main() -> List[str]:
        ticks_while_waiting = 0
        done = False

        async def ticker() -> None:
            nonlocal ticks_while_waiting
            while not done:
                await asyncio.sleep(0.01)
                if not done:
                    ticks_while_waiting += 1

        tick = asyncio.create_task(ticker())
        results = await asyncio.gather(*(v.validate_async(token) for _ in range(CALLERS)), return_exceptions=True)
        done = True
        await tick
        # The JWKS answers after 300 ms: the loop kept running meanwhile.
        assert ticks_while_waiting > 0
        return [r.subject if isinstance(r, meshauth.Principal) else repr(r) for r in results]

    assert asyncio.run(main()) == ["carol"] * CALLERS
    assert proxy.requests - before == 1


def test_inside_the_cooldown_an_unknown_kid_is_refused_at_once(meshauth_issuer: DevIssuer, proxy: JwksProxy) -> None:
    dev = meshauth_issuer
    v = meshauth.Validator(issuer=dev.issuer, audience="orders", jwks_url=proxy.url)  # cooldown 30 s
    v.refresh()
    dev.rotate()
    token = dev.mint({"sub": "dave", "aud": "orders"})
    before = proxy.requests
    with pytest.raises(meshauth.MeshAuthError) as e:
        v.validate_cached(token)
    assert e.value.code == "key_not_found"
    with pytest.raises(meshauth.MeshAuthError) as e:
        asyncio.run(v.validate_async(token))
    assert e.value.code == "key_not_found"
    assert proxy.requests == before
