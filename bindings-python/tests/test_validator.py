"""The Validator and Principal through the public Python API."""

from __future__ import annotations

import asyncio
import json
import pickle

import pytest
from conftest import AUDIENCE, ISSUER, NOW, base_claims

import meshauth


@pytest.mark.parametrize("alg", ["RS256", "PS256", "ES256", "EdDSA"])
def test_validate_every_algorithm(validator, token, alg):
    p = validator.validate(token(alg), now=NOW)
    assert isinstance(p, meshauth.Principal)
    assert p.subject == "alice"
    assert p.issuer == ISSUER


def test_principal_fields(validator, keys):
    claims = base_claims(
        aud=[AUDIENCE, "billing"],
        nbf=NOW - 5,
        jti="id-7",
        client_id="web-app",
        scope="orders:read orders:write",
        roles=["admin", "ops"],
        big=2**70,
        neg=-(2**64) - 1,
        nested={"a": [1, 2.5, None, True]},
    )
    tok = keys.sign(claims)
    p = validator.validate(tok, now=NOW)
    assert p.subject == "alice"
    assert p.issuer == ISSUER
    assert p.audiences == [AUDIENCE, "billing"]
    assert p.expires_at == NOW + 300
    assert p.issued_at == NOW - 10
    assert p.not_before == NOW - 5
    assert p.jwt_id == "id-7"
    assert p.client_id == "web-app"
    assert p.scopes == ["orders:read", "orders:write"]
    assert p.roles == ["admin", "ops"]
    assert p.is_client is False
    assert p.token == tok
    assert p.has_scope("orders:read") and not p.has_scope("orders")
    # Claims are exact: integers beyond 2^64 survive.
    assert p.claims == claims
    assert p.claims["big"] == 2**70 and type(p.claims["big"]) is int
    assert p.claims["neg"] == -(2**64) - 1
    assert json.loads(p.claims_json()) == claims
    # Parsed once: the same dict every time.
    assert p.claims is p.claims


def test_principal_optional_fields_absent(validator, token):
    p = validator.validate(token(sub=None, iat=None), now=NOW)
    assert p.subject is None
    assert p.issued_at is None
    assert p.not_before is None
    assert p.jwt_id is None
    assert p.client_id is None
    assert p.scopes == [] and p.roles == []


def test_client_token(validator, token):
    p = validator.validate(token(sub="svc-a", client_id="svc-a", scp=["a", "b"]), now=NOW)
    assert p.is_client is True
    assert p.client_id == "svc-a"
    assert p.scopes == ["a", "b"]
    p = validator.validate(token(sub=None, azp="svc-b"), now=NOW)
    assert p.client_id == "svc-b" and p.is_client is True


def test_repr_hides_token(validator, token):
    tok = token()
    p = validator.validate(tok, now=NOW)
    r = repr(p)
    assert r.startswith("Principal(") and "alice" in r and ISSUER in r
    assert tok not in r
    assert tok.split(".")[2] not in r


def test_principal_cannot_be_built_from_python():
    with pytest.raises(TypeError):
        meshauth.Principal()  # type: ignore[call-arg]


def test_configuration_forms(config, token):
    tok = token()
    for v in (
        meshauth.Validator(config),
        meshauth.Validator(**config),
        meshauth.Validator.from_config(config),
        meshauth.Validator(json.dumps(config)),
    ):
        assert isinstance(v, meshauth.Validator)
        assert v.validate(tok, now=NOW).subject == "alice"
    assert type(meshauth.Validator.from_config(config)) is meshauth.Validator


def test_configuration_errors(config):
    with pytest.raises(meshauth.ConfigError) as e:
        meshauth.Validator({**config, "unknown_field": 1})
    assert e.value.code == "invalid_config"
    assert e.value.status is None and e.value.www_authenticate is None
    assert "unknown_field" in e.value.message
    with pytest.raises(meshauth.ConfigError):
        meshauth.Validator({**config, "algorithms": []})
    with pytest.raises(meshauth.ConfigError):
        meshauth.Validator({**config, "jwks": object()})
    with pytest.raises(meshauth.ConfigError):
        meshauth.Validator("{not json")
    with pytest.raises(TypeError):
        meshauth.Validator(config, issuer="x")
    with pytest.raises(TypeError):
        meshauth.Validator()
    with pytest.raises(TypeError):
        meshauth.Validator(42)


def test_clock_defaults_to_system_time(validator, token):
    # The fixed-clock token expired long ago by the system clock... or not yet: either way the
    # core's clock is used, not NOW.
    import time

    now = int(time.time())
    p = validator.validate(token(iat=now - 10, exp=now + 300))
    assert p.expires_at == now + 300
    with pytest.raises(meshauth.ExpiredToken):
        validator.validate(token(iat=now - 1000, exp=now - 500))


def test_failures_raise_classes(validator, token, keys):
    with pytest.raises(meshauth.ExpiredToken) as e:
        validator.validate(token(), now=NOW + 10_000)
    assert e.value.code == "token_expired" and e.value.status == 401
    assert e.value.www_authenticate == 'Bearer error="invalid_token", error_description="the access token expired"'
    assert isinstance(e.value, meshauth.InvalidToken) and isinstance(e.value, ValueError)
    with pytest.raises(meshauth.TokenNotYetValid):
        validator.validate(token(nbf=NOW + 1000), now=NOW)
    with pytest.raises(meshauth.InvalidToken) as e:
        validator.validate("a.b", now=NOW)
    assert e.value.code == "malformed_token"
    with pytest.raises(meshauth.InvalidToken) as e:
        validator.validate(token(aud="other"), now=NOW)
    assert e.value.code == "invalid_audience"
    with pytest.raises(meshauth.InvalidToken) as e:
        validator.validate(token(iss="https://evil.test"), now=NOW)
    assert e.value.code == "invalid_issuer"
    tok = token()
    head, body, sig = tok.split(".")
    forged = f"{head}.{body}.{sig[:-4]}{'AAAA' if sig[-4:] != 'AAAA' else 'BBBB'}"
    with pytest.raises(meshauth.InvalidToken) as e:
        validator.validate(forged, now=NOW)
    assert e.value.code == "invalid_signature"
    with pytest.raises(meshauth.InvalidToken) as e:
        validator.validate(keys.sign(base_claims(), "RS256", {"kid": "nope"}), now=NOW)
    assert e.value.code == "key_not_found"


def test_error_message_never_echoes_token(validator, token):
    tok = token(aud="other")
    with pytest.raises(meshauth.MeshAuthError) as e:
        validator.validate(tok, now=NOW)
    assert tok not in str(e.value) and tok not in repr(e.value)


def test_authenticate_header_forms(validator, token):
    tok = token()
    for headers in (
        {"Authorization": f"Bearer {tok}"},
        {"authorization": f"bearer {tok}"},
        [("Authorization", f"Bearer {tok}")],
        [(b"authorization", f"Bearer {tok}".encode())],
        (("Accept", "*/*"), ("Authorization", f"Bearer {tok}")),
    ):
        assert validator.authenticate(headers, now=NOW).subject == "alice"
    assert validator.authenticate(headers=[("Authorization", f"Bearer {tok}")], now=NOW).token == tok


def test_authenticate_errors(validator, token):
    tok = token()
    with pytest.raises(meshauth.NoCredentials) as e:
        validator.authenticate({}, now=NOW)
    assert e.value.status == 401 and e.value.www_authenticate == "Bearer"
    with pytest.raises(meshauth.NoCredentials):
        validator.authenticate(None, now=NOW)
    with pytest.raises(meshauth.InvalidRequest) as e:
        validator.authenticate([("Authorization", f"Bearer {tok}"), ("authorization", f"Bearer {tok}")], now=NOW)
    assert e.value.status == 400 and e.value.code == "invalid_request"
    with pytest.raises(meshauth.InvalidRequest):
        validator.authenticate({"Authorization": "Bearer"}, now=NOW)
    with pytest.raises(TypeError):
        validator.authenticate([("Authorization",)], now=NOW)
    with pytest.raises(TypeError):
        validator.authenticate({"Authorization": 5}, now=NOW)


def test_authenticate_cookies(config, token):
    v = meshauth.Validator({**config, "cookie_name": "at"})
    tok = token()
    assert v.authenticate({"Cookie": f"x=1; at={tok}"}, now=NOW).subject == "alice"
    assert v.authenticate({}, {"at": tok}, now=NOW).subject == "alice"
    assert v.authenticate([], [("at", tok)], now=NOW).subject == "alice"
    with pytest.raises(meshauth.InvalidRequest):
        v.authenticate({}, [("at", tok), ("at", tok)], now=NOW)
    with pytest.raises(meshauth.InvalidRequest):
        v.authenticate({"Authorization": f"Bearer {tok}"}, {"at": tok}, now=NOW)
    # Explicit cookies replace the Cookie header.
    with pytest.raises(meshauth.NoCredentials):
        v.authenticate({"Cookie": f"at={tok}"}, {}, now=NOW)


def test_policy_errors(config, token):
    v = meshauth.Validator({**config, "required_scopes": ["orders:write"], "allowed_clients": ["svc-a"]})
    with pytest.raises(meshauth.InsufficientScope) as e:
        v.validate(token(client_id="svc-a", scope="orders:read"), now=NOW)
    assert e.value.status == 403
    assert e.value.www_authenticate is not None and 'scope="orders:write"' in e.value.www_authenticate
    with pytest.raises(meshauth.CallerNotAllowed) as e:
        v.validate(token(client_id="svc-b", scope="orders:write"), now=NOW)
    assert e.value.status == 403 and e.value.www_authenticate is None


def test_cached_variants_with_inline_keys(validator, token):
    tok = token()
    p = validator.validate_cached(tok, now=NOW)
    assert p is not None and p.subject == "alice"
    p = validator.authenticate_cached({"Authorization": f"Bearer {tok}"}, now=NOW)
    assert p is not None and p.token == tok
    with pytest.raises(meshauth.ExpiredToken):
        validator.validate_cached(tok, now=NOW + 10_000)
    validator.refresh()  # a no-op for inline keys


def test_async_twins(validator, token):
    tok = token()

    async def main():
        p1 = await validator.validate_async(tok, now=NOW)
        p2 = await validator.authenticate_async({"Authorization": f"Bearer {tok}"}, now=NOW)
        with pytest.raises(meshauth.ExpiredToken):
            await validator.validate_async(tok, now=NOW + 10_000)
        await validator.refresh_async()
        return p1, p2

    p1, p2 = asyncio.run(main())
    assert p1.subject == p2.subject == "alice"


def test_errors_pickle(validator):
    with pytest.raises(meshauth.InvalidToken) as e:
        validator.validate("x.y.z", now=NOW)
    again = pickle.loads(pickle.dumps(e.value))
    assert type(again) is type(e.value)
    assert (again.code, again.status, again.www_authenticate, again.message) == (
        e.value.code,
        e.value.status,
        e.value.www_authenticate,
        e.value.message,
    )


def test_threads_share_one_validator(validator, token):
    from concurrent.futures import ThreadPoolExecutor

    toks = [token(alg, sub=f"user-{i}") for i, alg in enumerate(["RS256", "PS256", "ES256", "EdDSA"] * 8)]
    with ThreadPoolExecutor(4) as pool:
        subjects = list(pool.map(lambda t: validator.validate(t, now=NOW).subject, toks))
    assert subjects == [f"user-{i}" for i in range(len(toks))]


def test_repr_is_python_syntax(validator, token):
    p = validator.validate(token(scope="a b", client_id="it's"), now=NOW)
    assert repr(p) == (
        f"Principal(subject='alice', issuer='{ISSUER}', audiences=['{AUDIENCE}'], client_id=\"it's\", "
        f"scopes=['a', 'b'], roles=[], is_client=False, expires_at={NOW + 300})"
    )


def test_to_json_and_issuers(validator, token):
    tok = token(big=2**65)
    p = validator.validate(tok, now=NOW)
    as_json = json.loads(p.to_json())
    assert as_json["subject"] == "alice" and as_json["claims"]["big"] == 2**65
    assert as_json["token"] == tok
    assert validator.issuers == [ISSUER]


def test_header_bytes_are_latin1_and_pairs_may_be_lists(validator, token):
    tok = token()
    headers = [(b"x-name", b"caf\xe9"), [b"authorization", f"Bearer {tok}".encode()]]
    assert validator.authenticate(headers, now=NOW).subject == "alice"
    with pytest.raises(TypeError):
        validator.authenticate(f"Bearer {tok}", now=NOW)
    with pytest.raises(TypeError):
        validator.authenticate([("a", "b", "c")], now=NOW)


def test_token_as_bytes(validator, token, config):
    tok = token()
    assert validator.validate(tok.encode(), now=NOW).subject == "alice"
    cached = validator.validate_cached(tok.encode(), now=NOW)
    assert cached is not None and cached.token == tok
    with pytest.raises(meshauth.InvalidToken) as e:
        validator.validate(b"\xff\xfe." + tok.encode()[2:], now=NOW)
    assert e.value.code == "malformed_token"
    small = meshauth.Validator({**config, "max_token_bytes": 64})
    with pytest.raises(meshauth.InvalidToken) as e:
        small.validate(b"\xff" * 100, now=NOW)
    assert e.value.code == "token_too_large"  # the size cap comes before any decoding
    with pytest.raises(TypeError):
        validator.validate(12345, now=NOW)  # type: ignore[arg-type]


def test_messages_name_the_fix(config):
    with pytest.raises(meshauth.ConfigError, match="looks like a file path"):
        meshauth.Validator("config.json")
    with pytest.raises(meshauth.ConfigError, match="did you mean `audience`"):
        meshauth.Validator({**config, "audiance": "orders"})
