"""Remote key sources against the development issuer (a real loopback HTTP server started by the
`meshauth_issuer` fixture of meshauth's pytest plugin): `jwks_url`, `discovery`, key rotation,
client-credentials tokens, and an unreachable key source."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys

import pytest

import meshauth
import meshauth.testing
from meshauth.testing import DevIssuer, DevIssuerError


@pytest.fixture(scope="module")
def dev(meshauth_issuer: DevIssuer) -> DevIssuer:
    return meshauth_issuer


def remote_validator(dev: DevIssuer, **extra) -> meshauth.Validator:
    return meshauth.Validator(issuer=dev.issuer, audience="orders", **extra)


def test_fixture_is_a_running_issuer(dev):
    assert dev.url.startswith("http://127.0.0.1:")
    assert dev.metadata["issuer"] == dev.issuer
    assert dev.jwks()["keys"]


@pytest.mark.parametrize("alg", ["RS256", "ES256", "EdDSA"])
def test_jwks_url(dev, alg):
    v = remote_validator(dev, jwks_url=dev.jwks_url)
    token = dev.mint({"sub": "alice", "aud": "orders", "scope": "orders:read"}, alg=alg)
    p = v.validate(token)
    assert (p.subject, p.issuer, p.audiences, p.scopes) == ("alice", dev.issuer, ["orders"], ["orders:read"])


def test_discovery(dev):
    v = remote_validator(dev, discovery=True)
    v.refresh()
    token = dev.mint({"sub": "bob", "aud": "orders"})
    assert v.validate_cached(token) is not None
    assert v.authenticate({"Authorization": f"Bearer {token}"}).subject == "bob"


def test_async_fetches_keys_off_the_loop(dev):
    v = remote_validator(dev, discovery=True)
    token = dev.mint({"sub": "carol", "aud": "orders"})
    assert v.validate_cached(token) is None  # no keys yet, and no network from this call
    p = asyncio.run(v.authenticate_async([("authorization", f"Bearer {token}")]))
    assert p.subject == "carol"


def test_rotation_refetches_unknown_kid(dev):
    v = remote_validator(dev, jwks_url=dev.jwks_url, jwks_refresh_cooldown_s=0)
    before = dev.mint({"sub": "alice", "aud": "orders"})
    assert v.validate(before).subject == "alice"
    kids = dev.rotate()
    assert kids
    after = dev.mint({"sub": "dave", "aud": "orders"})
    assert v.validate(after).subject == "dave"


def test_tampered_signature(dev):
    v = remote_validator(dev, jwks_url=dev.jwks_url)
    token = dev.mint({"sub": "alice", "aud": "orders"}, tamper="signature")
    with pytest.raises(meshauth.InvalidToken) as e:
        v.validate(token)
    assert e.value.code == "invalid_signature"


def test_client_credentials_token(dev):
    response = dev.client_credentials("orders", "orders-dev-secret", audience="inventory", scope="inventory:read")
    assert response["token_type"].lower() == "bearer"
    v = meshauth.Validator(issuer=dev.issuer, audience="inventory", discovery=True)
    p = v.validate(response["access_token"])
    assert p.client_id == "orders"
    assert p.is_client is True
    assert "inventory:read" in p.scopes
    assert p.audiences == ["inventory"]
    with pytest.raises(meshauth.InvalidToken) as e:
        remote_validator(dev, discovery=True).validate(response["access_token"])
    assert e.value.code == "invalid_audience"


def test_client_credentials_refused(dev):
    with pytest.raises(DevIssuerError) as e:
        dev.client_credentials("orders", "wrong-secret")
    assert e.value.status in (400, 401)


def test_unreachable_key_source():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # Nothing listens on `port` any more.
    v = meshauth.Validator(issuer="https://issuer.example", audience="orders", jwks_url=f"http://127.0.0.1:{port}/jwks")
    with pytest.raises(meshauth.KeySourceUnavailable) as e:
        v.refresh()
    assert e.value.code == "key_source_unavailable" and e.value.status == 503
    assert e.value.www_authenticate is None


def test_the_wheels_bundled_issuer_comes_before_the_checkout(monkeypatch, tmp_path):
    bundled = tmp_path / "meshauth-issuer"
    bundled.write_bytes(b"")
    monkeypatch.delenv("MESHAUTH_ISSUER_BIN", raising=False)
    monkeypatch.setattr(meshauth.testing, "_bundled_binary", lambda: bundled)
    assert meshauth.testing.issuer_binary(build=False) == bundled


def test_no_issuer_anywhere_names_the_way_out(monkeypatch, tmp_path):
    monkeypatch.delenv("MESHAUTH_ISSUER_BIN", raising=False)
    monkeypatch.setattr(meshauth.testing, "_bundled_binary", lambda: tmp_path / "missing")
    monkeypatch.setattr(meshauth.testing, "_repo_root", lambda: None)
    with pytest.raises(meshauth.testing.DevIssuerError) as e:
        meshauth.testing.issuer_binary()
    assert "carries none" in str(e.value) and "MESHAUTH_ISSUER_BIN" in str(e.value)


def test_python_m_meshauth_issuer_runs_the_issuer():
    # MESHAUTH_ISSUER_BIN is set by make test-python; the module execs the binary with its arguments.
    out = subprocess.run(
        [sys.executable, "-m", "meshauth.issuer", "--help"], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.startswith("usage: meshauth-issuer")
