"""Shared fixtures: signing keys made here, tokens signed with PyJWT (test tooling only — the
binding itself never parses or signs a JWT)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Callable, Dict, Optional

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

import meshauth

ROOT = Path(__file__).resolve().parents[2]
NOW = 1_767_225_600  # 2026-01-01T00:00:00Z
ISSUER = "https://issuer.test"
AUDIENCE = "orders"

sys.path.insert(0, str(Path(__file__).resolve().parent))


class Keys:
    def __init__(self) -> None:
        self.rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ec = ec.generate_private_key(ec.SECP256R1())
        self.ed = ed25519.Ed25519PrivateKey.generate()
        self.private = {"RS256": self.rsa, "PS256": self.rsa, "ES256": self.ec, "EdDSA": self.ed}
        self.kid = {"RS256": "rsa-1", "PS256": "rsa-1", "ES256": "ec-1", "EdDSA": "ed-1"}

    def jwks(self) -> Dict[str, Any]:
        keys = []
        for kid, key in (("rsa-1", self.rsa), ("ec-1", self.ec), ("ed-1", self.ed)):
            jwk = json.loads(jwt.algorithms.get_default_algorithms()[
                {"rsa-1": "RS256", "ec-1": "ES256", "ed-1": "EdDSA"}[kid]
            ].to_jwk(key.public_key()))
            jwk["kid"] = kid
            jwk["use"] = "sig"
            keys.append(jwk)
        return {"keys": keys}

    def sign(self, claims: Dict[str, Any], alg: str = "RS256", headers: Optional[Dict[str, Any]] = None) -> str:
        h = {"kid": self.kid[alg], **(headers or {})}
        return jwt.encode(claims, self.private[alg], algorithm=alg, headers=h)


@pytest.fixture(scope="session")
def keys() -> Keys:
    return Keys()


def base_claims(**extra: Any) -> Dict[str, Any]:
    claims: Dict[str, Any] = {
        "iss": ISSUER,
        "sub": "alice",
        "aud": AUDIENCE,
        "iat": NOW - 10,
        "exp": NOW + 300,
    }
    claims.update(extra)
    return {k: v for k, v in claims.items() if v is not None}


@pytest.fixture(scope="session")
def config(keys: Keys) -> Dict[str, Any]:
    return {"issuer": ISSUER, "audience": AUDIENCE, "jwks": keys.jwks()}


@pytest.fixture(scope="session")
def validator(config: Dict[str, Any]) -> meshauth.Validator:
    return meshauth.Validator(config)


@pytest.fixture(scope="session")
def token(keys: Keys) -> Callable[..., str]:
    def make(alg: str = "RS256", headers: Optional[Dict[str, Any]] = None, **claims: Any) -> str:
        return keys.sign(base_claims(**claims), alg, headers)

    return make
