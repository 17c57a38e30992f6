"""The GIL is released while the core works: a thread blocked inside `validate` on a slow JWKS
server does not stop other Python threads (no timing thresholds: the proof is ordering)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import AUDIENCE, ISSUER, NOW

import meshauth


class SlowJwks:
    """A loopback JWKS endpoint that holds every request until `release` is set."""

    def __init__(self, jwks):
        body = json.dumps(jwks).encode()
        self.entered = threading.Event()
        self.release = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                outer.entered.set()
                outer.release.wait(30)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/jwks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def test_other_threads_run_while_one_waits_for_keys(keys, token, validator):
    tok = token()
    with SlowJwks(keys.jwks()) as server:
        remote = meshauth.Validator(issuer=ISSUER, audience=AUDIENCE, jwks_url=server.url, http_timeout_ms=20_000)
        outcome = {}

        def blocked():
            try:
                outcome["principal"] = remote.validate(tok, now=NOW)
            except meshauth.MeshAuthError as e:  # pragma: no cover - reported below
                outcome["error"] = e

        worker = threading.Thread(target=blocked)
        worker.start()
        # The server's handler thread is Python code: it runs only if the worker released the GIL.
        assert server.entered.wait(30), "the JWKS request never reached the server"
        # The worker is now inside `validate`, waiting on the network. This thread keeps running
        # Python code and validating with another validator meanwhile.
        subjects = [validator.validate(token(sub=f"u{i}"), now=NOW).subject for i in range(20)]
        assert subjects == [f"u{i}" for i in range(20)]
        assert worker.is_alive(), "validate returned before the key server answered"
        assert "principal" not in outcome and "error" not in outcome
        server.release.set()
        worker.join(30)
        assert not worker.is_alive()
    assert "error" not in outcome, outcome.get("error")
    assert outcome["principal"].subject == "alice"


def test_cached_variant_does_not_fetch(keys, token):
    """`validate_cached` answers None (no network) until the keys are there; the async twin then
    fetches in a worker thread."""
    import asyncio

    tok = token()
    with SlowJwks(keys.jwks()) as server:
        server.release.set()
        remote = meshauth.Validator(issuer=ISSUER, audience=AUDIENCE, jwks_url=server.url)
        assert remote.validate_cached(tok, now=NOW) is None
        assert remote.authenticate_cached({"Authorization": f"Bearer {tok}"}, now=NOW) is None
        assert not server.entered.is_set()
        p = asyncio.run(remote.validate_async(tok, now=NOW))
        assert p.subject == "alice" and server.entered.is_set()
        cached = remote.validate_cached(tok, now=NOW)
        assert cached is not None and cached.subject == "alice"


def test_event_loop_keeps_running_during_fetch(keys, token):
    """While `validate_async` waits for the key server, other coroutines on the loop run."""
    import asyncio

    tok = token()
    with SlowJwks(keys.jwks()) as server:
        remote = meshauth.Validator(issuer=ISSUER, audience=AUDIENCE, jwks_url=server.url)

        async def main():
            task = asyncio.ensure_future(remote.validate_async(tok, now=NOW))
            while not server.entered.is_set():
                await asyncio.sleep(0.01)  # the loop is free: this coroutine keeps being scheduled
            assert not task.done()
            server.release.set()
            return await task

        assert asyncio.run(main()).subject == "alice"


@pytest.mark.parametrize("alg", ["RS256", "ES256"])
def test_many_threads_validate_concurrently(validator, token, alg):
    toks = [token(alg, sub=f"t{i}") for i in range(8)]
    barrier = threading.Barrier(4)
    results = {}

    def run(n):
        barrier.wait(30)
        results[n] = [validator.validate(t, now=NOW).subject for t in toks]

    threads = [threading.Thread(target=run, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert all(results[n] == [f"t{i}" for i in range(8)] for n in range(4))
