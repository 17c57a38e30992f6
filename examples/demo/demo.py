"""make demo: the seed's scenario end to end.

Starts the development issuer, a Python service (inventory, FastAPI), a Node service (billing,
Express) and a Go service (orders, net/http) — each protected by meshauth — then walks through
service-to-service calls, a forwarded user token, a token exchanged for a third party, and refused
tokens. Everything it starts is stopped at the end.
"""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import meshauth
from meshauth.testing import DevIssuer

ROOT = Path(__file__).resolve().parents[2]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))


def say(text: str = "") -> None:
    print(text, flush=True)


def step(title: str) -> None:
    say()
    say(f"── {title}")


def call(url: str, token: Optional[str] = None, method: str = "GET") -> Tuple[int, Dict[str, Any], str]:
    """(status, JSON body, WWW-Authenticate) of one HTTP call."""
    req = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=20) as resp:
            return resp.status, json.loads(resp.read() or b"{}"), resp.headers.get("WWW-Authenticate", "")
    except urllib.error.HTTPError as err:
        body = err.read()
        return err.code, json.loads(body) if body else {}, err.headers.get("WWW-Authenticate", "")


def show(status: int, body: Dict[str, Any], challenge: str) -> None:
    if status == 200:
        say(f"   → 200 {json.dumps(body)}")
    else:
        say(f"   → {status} {body.get('error')}  WWW-Authenticate: {challenge or '-'}")


def replay_at_token_endpoint(dev: DevIssuer, client_token: str, user_token: str) -> Tuple[int, Dict[str, Any], str]:
    """A jwt-bearer request authenticated with someone else's client token (Bearer)."""
    form = urllib.parse.urlencode(
        {
            "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
            "assertion": user_token,
            "audience": "partner-api",
        }
    ).encode()
    req = urllib.request.Request(f"{dev.url}/token", data=form, method="POST")
    req.add_header("Authorization", f"Bearer {client_token}")
    req.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(req, timeout=20) as resp:
            return resp.status, json.loads(resp.read() or b"{}"), resp.headers.get("WWW-Authenticate", "")
    except urllib.error.HTTPError as err:
        body = err.read()
        return err.code, json.loads(body) if body else {}, err.headers.get("WWW-Authenticate", "")


class Services:
    def __init__(self) -> None:
        self.procs: List[subprocess.Popen] = []

    def start(self, name: str, argv: List[str], env: Dict[str, str]) -> str:
        proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            env={**os.environ, **env, "PORT": "0"},
            stdout=subprocess.PIPE,
            text=True,
        )
        self.procs.append(proc)
        assert proc.stdout is not None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                raise SystemExit(f"{name} exited before listening (code {proc.wait()})")
            if " listening on " in line:
                url = line.strip().rsplit(" ", 1)[1]
                say(f"   {name:<10} {url}   ({' '.join(argv[:2])})")
                return url
        raise SystemExit(f"{name} did not start")

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def main() -> int:
    services = Services()
    with DevIssuer() as dev:
        try:
            return scenario(dev, services)
        finally:
            step("stopping everything")
            services.stop()
            say("   services stopped; the development issuer stops with this script")


def scenario(dev: DevIssuer, services: Services) -> int:
    step("starting the development issuer and three services, each protected by meshauth")
    say(f"   {'issuer':<10} {dev.url}   (meshauth-issuer)")
    env = {"MESHAUTH_ISSUER": dev.issuer}
    inventory = services.start("inventory", [sys.executable, "examples/python/inventory.py"], env)
    billing = services.start("billing", ["node", "examples/node/billing.js"], env)
    orders = services.start("orders", [str(TARGET / "demo" / "orders")], {**env, "INVENTORY_URL": inventory})
    failures = 0

    def expect(ok: bool, what: str) -> None:
        nonlocal failures
        if not ok:
            failures += 1
            say(f"   !! unexpected: {what}")

    step("1. orders (Go) calls inventory (Python) with its own client-credentials token")
    say("   orders registered for audiences inventory + billing; its token's aud names them")
    status, body, challenge = call(f"{orders}/restock", method="POST")
    show(status, body, challenge)
    expect(status == 200 and body.get("inventory", {}).get("caller", {}).get("client_id") == "orders", "restock")

    step("2. reporting's token (registered for billing only) at billing, then at inventory")
    reporting = meshauth.TokenClient(issuer=dev.issuer, client_id="reporting", client_secret="reporting-dev-secret")
    token = reporting.client_credentials().access_token
    say("   billing (Node):")
    status, body, challenge = call(f"{billing}/invoices", token)
    show(status, body, challenge)
    expect(status == 200, "billing accepts reporting")
    say("   inventory (Python) — reporting never registered for it:")
    status, body, challenge = call(f"{inventory}/items", token)
    show(status, body, challenge)
    expect(status == 401 and body.get("error") == "invalid_audience", "inventory refuses reporting")

    step("3. a user request: alice calls orders, which forwards her token to inventory (first party)")
    alice = dev.mint({"sub": "alice", "aud": ["orders", "inventory"], "scope": "orders:read"})
    status, body, challenge = call(f"{orders}/orders", alice)
    show(status, body, challenge)
    seen_by_inventory = body.get("inventory", {}).get("caller", {})
    expect(status == 200 and seen_by_inventory.get("subject") == "alice", "forwarded user token")

    step("4. orders exchanges alice's token (jwt-bearer, RFC 7523) for one meant only for partner-api")
    status, body, challenge = call(f"{orders}/share-with-partner", alice, method="POST")
    partner_token = body.get("partner_token", "")
    say(f"   → {status} a token for {body.get('audiences')} with scope {body.get('scope')!r}")
    expect(status == 200 and bool(partner_token), "exchange")
    partner = meshauth.Validator(issuer=dev.issuer, audience="partner-api", discovery=True)
    p = partner.validate(partner_token)
    say(f"   partner-api accepts it: subject={p.subject} aud={p.audiences} client_id={p.client_id}")
    for name, url in (("inventory", f"{inventory}/items"), ("billing", f"{billing}/invoices")):
        say(f"   replayed against {name}:")
        status, body, challenge = call(url, partner_token)
        show(status, body, challenge)
        expect(status == 401 and body.get("error") == "invalid_audience", f"{name} refuses the partner token")

    step("4b. inventory replays the token orders sent it, to get a partner-api token for alice as orders")
    say("   (inventory has no exchange grant; a client token authenticates only when its aud names the server)")
    orders_client = meshauth.TokenClient(issuer=dev.issuer, client_id="orders", client_secret="orders-dev-secret")
    sent_to_inventory = orders_client.client_credentials().access_token
    status, body, challenge = replay_at_token_endpoint(dev, sent_to_inventory, alice)
    show(status, body, challenge)
    expect(status == 401 and body.get("error") == "invalid_client", "the replayed client token is refused")

    step("5. an expired and a forged token")
    expired = dev.mint({"sub": "alice", "aud": "inventory", "exp": int(time.time()) - 3600})
    forged = dev.mint({"sub": "mallory", "aud": "inventory"}, tamper="signature")
    for name, tok, code in (("expired", expired, "token_expired"), ("forged", forged, "invalid_signature")):
        say(f"   {name} token at inventory:")
        status, body, challenge = call(f"{inventory}/items", tok)
        show(status, body, challenge)
        expect(status == 401 and body.get("error") == code, f"{name} refused")
    say("   no token at billing:")
    status, body, challenge = call(f"{billing}/invoices")
    show(status, body, challenge)
    expect(status == 401 and body.get("error") == "no_credentials", "no token")

    step("done: every step behaved as expected" if failures == 0 else f"done: {failures} unexpected result(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
